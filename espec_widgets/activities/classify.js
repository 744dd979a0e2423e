// Sort items into categories: one labelled <select> per item inside a named <fieldset>.
function render({ model, el: host }) {
  const uid = "espec-" + Math.random().toString(36).slice(2, 10);
  const form = el("form", { class: "espec-choice espec-classify", novalidate: "" });
  const fieldset = el("fieldset", { "aria-describedby": uid + "-prompt" });
  const legend = el("legend", { class: "espec-question" }, model.get("question"));
  const prompt = el("p", { id: uid + "-prompt", class: "espec-prompt" }, model.get("prompt"));
  const hint = el("p", { class: "espec-hint" }, "Choose a category for every item.");
  fieldset.append(legend, prompt, hint);
  const rows = model.get("items").map((text, i) => {
    const id = `${uid}-item-${i}`;
    const row = el("div", { class: "espec-option espec-classify-item" });
    const label = el("label", { for: id }, text);
    const select = el("select", { id, "aria-describedby": id + "-why" });
    select.append(el("option", { value: "-1" }, "Choose a category…"));
    model.get("categories").forEach((name, c) => select.append(el("option", { value: String(c) }, name)));
    const why = el("p", { class: "espec-option-feedback", id: id + "-why" });
    select.addEventListener("change", () => {
      model.set("value", rows.map((r) => Number(r.select.value)));
      model.save_changes();
    });
    row.append(label, el("br"), select, why);
    fieldset.append(row);
    return { select, why, row };
  });
  const button = el("button", { type: "submit", class: "espec-submit" }, "Check answer");
  const status = statusRegion();
  form.append(fieldset, button, status);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    // The placements travel with the action: a state update may still be held back.
    model.send({ event: "submit", value: rows.map((r) => Number(r.select.value)) });
  });

  function sync() {
    const value = model.get("value");
    const feedback = model.get("feedback");
    const disabled = model.get("disabled");
    rows.forEach((r, i) => {
      r.select.value = String(value[i] ?? -1);
      r.select.disabled = disabled;
      const f = feedback[i];
      r.why.textContent = f ? `${f.verdict}${f.text ? ": " + f.text : ""}` : "";
      r.row.dataset.verdict = f ? f.kind : "";
    });
    button.disabled = disabled;
    showStatus(status, model.get("status"), model.get("verdict"));
  }
  for (const name of ["value", "disabled", "feedback", "status", "verdict"]) model.on("change:" + name, sync);
  sync();
  host.append(form);
}

export default { render };
