// A labelled reflection box: privacy reminder, live word count, debounced autosave and a Save button.
const AUTOSAVE_MS = 800;

function render({ model, el: host }) {
  const uid = "espec-" + Math.random().toString(36).slice(2, 10);
  const box = el("div", { class: "espec-reflection", role: "group", "aria-labelledby": uid + "-label" });
  const label = el("label", { id: uid + "-label", for: uid + "-text", class: "espec-question" },
    model.get("question"));
  const prompt = el("p", { id: uid + "-prompt", class: "espec-prompt" }, model.get("prompt"));
  const privacy = el("p", { id: uid + "-privacy", class: "espec-privacy" }, model.get("reminder"));
  const area = el("textarea", {
    id: uid + "-text",
    "aria-describedby": `${uid}-prompt ${uid}-privacy ${uid}-count`,
    spellcheck: "true",
  });
  const count = el("p", { id: uid + "-count", class: "espec-count" });
  const warning = el("p", { class: "espec-warning", role: "alert" });
  const save = el("button", { type: "button", class: "espec-save" }, "Save");
  const status = statusRegion();
  box.append(label, prompt, privacy, area, count, warning, save, status);

  const saver = autosave(() => send(false), AUTOSAVE_MS);
  const words = (text) => (text.trim() ? text.trim().split(/\s+/).length : 0);
  const overLimit = (text) =>
    words(text) > model.get("max_words") || text.length > model.get("max_chars");

  function showCount() {
    const n = words(area.value);
    count.textContent = `${n} ${n === 1 ? "word" : "words"} (up to ${model.get("max_words")})`;
  }

  function send(explicit) {
    saver.cancel();
    if (overLimit(area.value)) {
      showStatus(status, `Not saved: over the limit of ${model.get("max_words")} words. Please shorten it.`);
      return;
    }
    if (area.value !== model.get("value")) {
      model.set("value", area.value);
      model.save_changes();
    }
    // The text travels with the action: a state update may still be held back.
    if (explicit) model.send({ event: "save", value: area.value });
  }

  area.addEventListener("input", () => {
    showCount();
    showStatus(status, "Unsaved changes…");
    saver.schedule();
  });
  area.addEventListener("blur", () => saver.flush());
  keepDraft(model, area, saver);
  save.addEventListener("click", () => send(true));

  function sync() {
    // Never overwrite what the learner is typing; restored text arrives before focus.
    if (document.activeElement !== area && area.value !== model.get("value")) {
      area.value = model.get("value");
    }
    area.disabled = save.disabled = model.get("disabled");
    showCount();
    warning.textContent = model.get("warning");
    if (!saver.pending) showStatus(status, model.get("status"), model.get("verdict"));
  }
  for (const name of ["value", "disabled", "warning", "status", "verdict"]) model.on("change:" + name, sync);
  sync();
  host.append(box);
}

export default { render };
