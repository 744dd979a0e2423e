// A real radio/checkbox group: <fieldset> named by its <legend>, feedback announced politely.
function el(tag, attrs = {}, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

function render({ model, el: host }) {
  const uid = "espec-" + Math.random().toString(36).slice(2, 10);
  const form = el("form", { class: "espec-choice", novalidate: "" });
  const fieldset = el("fieldset", { "aria-describedby": uid + "-prompt" });
  const legend = el("legend", { class: "espec-question" }, model.get("question"));
  const prompt = el("p", { id: uid + "-prompt", class: "espec-prompt" }, model.get("prompt"));
  const hint = el("p", { class: "espec-hint" },
    model.get("multiple") ? "Select all that apply." : "Select one answer.");
  fieldset.append(legend, prompt, hint);
  const rows = model.get("options").map((text, i) => {
    const id = `${uid}-opt-${i}`;
    const row = el("div", { class: "espec-option" });
    const input = el("input", {
      type: model.get("multiple") ? "checkbox" : "radio",
      name: uid, id, value: String(i),
    });
    const label = el("label", { for: id }, text);
    const why = el("p", { class: "espec-option-feedback", id: id + "-why" });
    input.setAttribute("aria-describedby", why.id);
    input.addEventListener("change", () => {
      const chosen = rows.filter((r) => r.input.checked).map((r) => Number(r.input.value));
      model.set("value", chosen);
      model.save_changes();
    });
    row.append(input, label, why);
    fieldset.append(row);
    return { input, why, row };
  });
  const button = el("button", { type: "submit", class: "espec-submit" }, "Check answer");
  const status = el("div", { class: "espec-status", role: "status", "aria-live": "polite" });
  form.append(fieldset, button, status);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    // The selection travels with the action: a state update may still be held back.
    const chosen = rows.filter((r) => r.input.checked).map((r) => Number(r.input.value));
    model.send({ event: "submit", value: chosen });
  });

  function sync() {
    const value = model.get("value");
    const disabled = model.get("disabled");
    const feedback = model.get("feedback");
    rows.forEach((r, i) => {
      r.input.checked = value.includes(i);
      r.input.disabled = disabled;
      const f = feedback[i];
      r.why.textContent = f ? `${f.verdict}: ${f.text}` : "";
      r.row.dataset.verdict = f ? f.kind : "";
    });
    button.disabled = disabled;
    status.textContent = model.get("status");
  }
  model.on("change:value", sync);
  model.on("change:disabled", sync);
  model.on("change:feedback", sync);
  model.on("change:status", sync);
  sync();
  host.append(form);
}

export default { render };
