// Find the missing step: the transcript as an ordered list, then two real radio groups
// (<fieldset> + <legend>): where the step is missing, and what it is. Feedback in words.
function render({ model, el: host }) {
  const uid = "espec-" + Math.random().toString(36).slice(2, 10);
  const form = el("form", { class: "espec-choice espec-find-gap", novalidate: "" });
  const outer = el("fieldset", { "aria-describedby": uid + "-prompt" });
  const legend = el("legend", { class: "espec-question" }, model.get("question"));
  const prompt = el("p", { id: uid + "-prompt", class: "espec-prompt" }, model.get("prompt"));
  const transcript = el("ol", { class: "espec-transcript", "aria-label": "Transcript" });
  for (const line of model.get("lines")) {
    const item = el("li");
    item.append(el("strong", {}, line.speaker + ":"), " " + line.text);
    transcript.append(item);
  }
  const hint = el("p", { class: "espec-hint" },
    "Choose where the step is missing and what it is, then choose Check answer.");
  outer.append(legend, prompt, transcript, hint);

  // One radio group; `values` are what each radio stands for in `value`.
  function group(key, title, labels, values) {
    const fieldset = el("fieldset", { class: "espec-find-gap-group" });
    fieldset.append(el("legend", {}, title));
    const rows = labels.map((text, i) => {
      const id = `${uid}-${key}-${i}`;
      const row = el("div", { class: "espec-option" });
      const input = el("input", { type: "radio", name: `${uid}-${key}`, id, value: String(values[i]) });
      const label = el("label", { for: id }, text);
      input.addEventListener("change", () => {
        model.set("value", current());
        model.save_changes();
      });
      row.append(input, label);
      fieldset.append(row);
      return { input, row, value: values[i] };
    });
    outer.append(fieldset);
    return { fieldset, rows };
  }

  const places = model.get("places");
  const where = group("where", "Where is the step missing?", places, places.map((_, k) => k - 1));
  const whereWhy = el("p", { class: "espec-option-feedback", id: uid + "-where-why" });
  where.fieldset.append(whereWhy);
  const options = model.get("options");
  const what = group("what", "What is missing?", options, options.map((_, i) => i));
  for (const r of what.rows) {
    r.why = el("p", { class: "espec-option-feedback", id: r.input.id + "-why" });
    r.input.setAttribute("aria-describedby", r.why.id);
    r.row.append(r.why);
  }

  const button = el("button", { type: "submit", class: "espec-submit" }, "Check answer");
  const status = statusRegion();
  form.append(outer, button, status);

  function chosen(g) {
    const r = g.rows.find((row) => row.input.checked);
    return r ? r.value : null;
  }
  function current() {
    return { where: chosen(where), what: chosen(what) };
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    // The answer travels with the action: a state update may still be held back.
    model.send({ event: "submit", value: current() });
  });

  function sync() {
    const value = model.get("value") || {};
    const disabled = model.get("disabled");
    for (const [g, key] of [[where, "where"], [what, "what"]]) {
      for (const r of g.rows) {
        r.input.checked = value[key] === r.value;
        r.input.disabled = disabled;
      }
    }
    const wf = model.get("where_feedback");
    whereWhy.textContent = wf && wf.verdict ? `${wf.verdict}: ${wf.text}` : "";
    // Under the place it answers (the one chosen in that attempt), marked like a choice.
    const answered = wf ? where.rows.find((r) => r.value === wf.place) : null;
    for (const r of where.rows) r.row.dataset.verdict = r === answered ? wf.kind || "" : "";
    (answered ? answered.row : where.fieldset).append(whereWhy);
    if (answered) answered.input.setAttribute("aria-describedby", whereWhy.id);
    const feedback = model.get("what_feedback");
    what.rows.forEach((r, i) => {
      const f = feedback[i];
      r.why.textContent = f && f.verdict ? `${f.verdict}: ${f.text}` : "";
      r.row.dataset.verdict = f && f.kind ? f.kind : "";
    });
    button.disabled = disabled;
    showStatus(status, model.get("status"), model.get("verdict"));
  }
  for (const name of ["value", "disabled", "where_feedback", "what_feedback", "status", "verdict"]) {
    model.on("change:" + name, sync);
  }
  sync();
  host.append(form);
}

export default { render };
