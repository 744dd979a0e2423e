// Rewrite a weak line: the line quoted with its speaker, a labelled box (privacy reminder, live
// word count, debounced autosave, Save), then "Compare with a model answer", which the kernel
// grants only for a saved rewrite of enough words. The checklist ticks stay in this page.
const AUTOSAVE_MS = 800;

function render({ model, el: host }) {
  const uid = "espec-" + Math.random().toString(36).slice(2, 10);
  const box = el("div", { class: "espec-reflection espec-rewrite", role: "group",
    "aria-labelledby": uid + "-label" });
  const label = el("label", { id: uid + "-label", for: uid + "-text", class: "espec-question" },
    model.get("question"));

  const speaker = model.get("speaker");
  const line = el("figure", { id: uid + "-line", class: "espec-weak-line" });
  line.append(
    el("figcaption", {}, speaker ? `${speaker} said:` : "The line to rewrite:"),
    el("blockquote", {}, model.get("weak_line")),
  );
  const prompt = el("p", { id: uid + "-prompt", class: "espec-prompt" }, model.get("prompt"));
  const privacy = el("p", { id: uid + "-privacy", class: "espec-privacy" }, model.get("reminder"));
  const area = el("textarea", {
    id: uid + "-text",
    "aria-describedby": `${uid}-line ${uid}-prompt ${uid}-privacy ${uid}-count`,
    spellcheck: "true",
  });
  const count = el("p", { id: uid + "-count", class: "espec-count" });
  const warning = el("p", { class: "espec-warning", role: "alert" });
  const save = el("button", { type: "button", class: "espec-save" }, "Save");
  const compare = el("button", { type: "button", class: "espec-save espec-compare",
    "aria-describedby": uid + "-compare-hint" }, "Compare with a model answer");
  const compareHint = el("p", { id: uid + "-compare-hint", class: "espec-hint" },
    `Not graded. Write and save at least ${model.get("min_words")} words of your own first.`);
  const status = statusRegion();

  // Shown once the kernel reveals it: the model answer, then the checklist to judge against.
  const reveal = el("div", { class: "espec-model", id: uid + "-model" });
  const answerFigure = el("figure", { class: "espec-model-answer" });
  const answer = el("blockquote");
  answerFigure.append(el("figcaption", { class: "espec-question" }, "One model answer:"), answer);
  const fieldset = el("fieldset", { class: "espec-model-checklist",
    "aria-describedby": uid + "-tick-hint" });
  const legend = el("legend", { class: "espec-question" }, "Does your rewrite…");
  const tickHint = el("p", { id: uid + "-tick-hint", class: "espec-hint" },
    "Tick what your rewrite does. These ticks are for your own judgement: they stay on this " +
    "page and are not saved.");
  fieldset.append(legend, tickHint);
  const criteria = el("div");
  fieldset.append(criteria);
  reveal.append(answerFigure, fieldset);

  box.append(label, line, prompt, privacy, area, count, warning, save, compare, compareHint,
    status, reveal);

  const saver = autosave(() => send(null), AUTOSAVE_MS);
  const words = (text) => (text.trim() ? text.trim().split(/\s+/).length : 0);
  const overLimit = (text) =>
    words(text) > model.get("max_words") || text.length > model.get("max_chars");

  function showCount() {
    const n = words(area.value);
    count.textContent = `${n} ${n === 1 ? "word" : "words"} (up to ${model.get("max_words")})`;
  }

  // event: null for an autosave, else "save" or "reveal"; the text travels with the action
  // because a state update may still be held back.
  function send(event) {
    saver.cancel();
    if (overLimit(area.value)) {
      showStatus(status, `Not saved: over the limit of ${model.get("max_words")} words. Please shorten it.`);
      return;
    }
    if (area.value !== model.get("value")) {
      model.set("value", area.value);
      model.save_changes();
    }
    if (event) model.send({ event, value: area.value });
  }

  area.addEventListener("input", () => {
    showCount();
    showStatus(status, "Unsaved changes…");
    saver.schedule();
  });
  area.addEventListener("blur", () => saver.flush());
  keepDraft(model, area, saver);
  save.addEventListener("click", () => send("save"));
  compare.addEventListener("click", () => send("reveal"));

  let shownCriteria = null;
  function showReveal() {
    const revealed = model.get("revealed");
    reveal.hidden = !revealed;
    answer.textContent = model.get("model_answer");
    const items = model.get("checklist");
    const key = JSON.stringify(items);
    if (key === shownCriteria) return; // keep the learner's ticks
    shownCriteria = key;
    criteria.replaceChildren(...items.map((text, i) => {
      const id = `${uid}-crit-${i}`;
      const row = el("div", { class: "espec-option" });
      row.append(el("input", { type: "checkbox", id }), el("label", { for: id }, text));
      return row;
    }));
  }

  function sync() {
    // Never overwrite what the learner is typing; restored text arrives before focus.
    if (document.activeElement !== area && area.value !== model.get("value")) {
      area.value = model.get("value");
    }
    area.disabled = save.disabled = compare.disabled = model.get("disabled");
    showCount();
    warning.textContent = model.get("warning");
    showReveal();
    if (!saver.pending) showStatus(status, model.get("status"), model.get("verdict"));
  }
  for (const name of ["value", "disabled", "warning", "status", "revealed", "model_answer",
    "checklist"]) model.on("change:" + name, sync);
  sync();
  host.append(box);
}

export default { render };
