// A real radio/checkbox group: <fieldset> named by its <legend>, feedback announced politely.
// Screen and decide (a subclass in the kernel) adds a fictional screening result above the
// question. The panel only reports the result: interpreting it is the exercise.
function panel(model, uid) {
  const section = el("section", { class: "espec-screen", "aria-labelledby": uid + "-screen" });
  // Activity headings on the page are <h3>; the panel sits inside one.
  section.append(el("h4", { id: uid + "-screen", class: "espec-screen-title" },
    model.get("screen_title")));
  const score = model.get("screen_score");
  if (score) {
    const line = el("p", { class: "espec-screen-score", id: uid + "-score" });
    line.append(el("strong", {}, "Score:"), document.createTextNode(" " + score));
    section.append(line);
    const meter = model.get("screen_meter");
    if (meter.length === 2) {
      // A bar alongside the words, never instead of them; no low/high bands (that would interpret).
      section.append(el("meter", {
        class: "espec-screen-meter", min: "0", max: String(meter[1]), value: String(meter[0]),
        "aria-labelledby": uid + "-screen", "aria-describedby": uid + "-score",
      }, score));
    }
  }
  const rows = model.get("screen_rows");
  if (rows.length) {
    const table = el("table", { class: "espec-screen-items" });
    table.append(el("caption", {}, model.get("screen_caption")));
    const head = el("tr");
    head.append(el("th", { scope: "col" }, "Item"), el("th", { scope: "col" }, "Answer"));
    const thead = el("thead");
    thead.append(head);
    table.append(thead);
    const body = el("tbody");
    for (const [label, value] of rows) {
      const row = el("tr");
      row.append(el("th", { scope: "row" }, label), el("td", {}, value));
      body.append(row);
    }
    table.append(body);
    section.append(table);
  }
  const note = model.get("screen_note");
  if (note) section.append(el("p", { class: "espec-screen-note" }, note));
  return section;
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
  const status = statusRegion();
  form.append(fieldset, button, status);
  if (model.get("screen_title")) host.append(panel(model, uid));
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
      const f = feedback[i] && feedback[i].verdict ? feedback[i] : null;  // {}: not revealed
      r.why.textContent = f ? `${f.verdict}: ${f.text}` : "";
      r.row.dataset.verdict = f ? f.kind : "";
    });
    button.disabled = disabled;
    showStatus(status, model.get("status"), model.get("verdict"));
  }
  model.on("change:value", sync);
  model.on("change:disabled", sync);
  model.on("change:feedback", sync);
  model.on("change:status", sync);
  model.on("change:verdict", sync);
  sync();
  host.append(form);
}

export default { render };
