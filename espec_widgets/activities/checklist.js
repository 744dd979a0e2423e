// An ungraded checklist: a <fieldset> named by its <legend>, one checkbox per step with its
// rationale always shown (aria-describedby), ticks saved as they change (debounced) and by Save.
const AUTOSAVE_MS = 600;

function render({ model, el: host }) {
  const uid = "espec-" + Math.random().toString(36).slice(2, 10);
  const form = el("form", { class: "espec-choice espec-checklist", novalidate: "" });
  const fieldset = el("fieldset", { "aria-describedby": `${uid}-prompt ${uid}-hint` });
  const legend = el("legend", { class: "espec-question" }, model.get("question"));
  const prompt = el("p", { id: uid + "-prompt", class: "espec-prompt" }, model.get("prompt"));
  const hint = el("p", { id: uid + "-hint", class: "espec-hint" },
    "Not graded. Each step's rationale is shown under it; your ticks are saved as you go.");
  fieldset.append(legend, prompt, hint);

  const saver = autosave(() => send(false), AUTOSAVE_MS);
  const rationales = model.get("rationales");
  const rows = model.get("items").map((text, i) => {
    const id = `${uid}-step-${i}`;
    const row = el("div", { class: "espec-option" });
    const input = el("input", { type: "checkbox", id, value: String(i) });
    const label = el("label", { for: id }, text);
    const why = el("p", { class: "espec-option-feedback espec-rationale", id: id + "-why" });
    why.append(el("strong", {}, "Why it matters: "), document.createTextNode(rationales[i] || ""));
    input.setAttribute("aria-describedby", why.id);
    input.addEventListener("change", () => {
      saver.schedule();
    });
    row.append(input, label, why);
    fieldset.append(row);
    return { input };
  });
  const button = el("button", { type: "submit", class: "espec-save" }, "Save");
  const status = statusRegion();
  form.append(fieldset, button, status);

  const ticked = () => rows.filter((r) => r.input.checked).map((r) => Number(r.input.value));

  function send(explicit) {
    saver.cancel();
    const value = ticked();
    model.set("value", value);
    // Save sends the ticks with the action (a state update may still be held back); the
    // kernel saves any accepted change of the ticks, so the autosave is a plain update.
    if (explicit) model.send({ event: "save", value });
    else model.save_changes();
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    send(true);
  });

  function sync() {
    const value = model.get("value");
    const disabled = model.get("disabled");
    rows.forEach((r, i) => {
      // Never undo a tick that is still waiting for the autosave.
      if (!saver.pending) r.input.checked = value.includes(i);
      r.input.disabled = disabled;
    });
    button.disabled = disabled;
    showStatus(status, model.get("status"), model.get("verdict"));
  }
  for (const name of ["value", "disabled", "status", "verdict"]) model.on("change:" + name, sync);
  sync();
  host.append(form);
}

export default { render };
