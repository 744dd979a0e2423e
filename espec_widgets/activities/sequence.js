// Steps to put in order: an <ol> in a named <fieldset>, each row moved with two real buttons.
// The page knows only the step texts in a shuffled order; the right order stays in the kernel.
function render({ model, el: host }) {
  const uid = "espec-" + Math.random().toString(36).slice(2, 10);
  const form = el("form", { class: "espec-choice espec-sequence", novalidate: "" });
  const fieldset = el("fieldset", { "aria-describedby": uid + "-prompt" });
  const legend = el("legend", { class: "espec-question" }, model.get("question"));
  const prompt = el("p", { id: uid + "-prompt", class: "espec-prompt" }, model.get("prompt"));
  const hint = el("p", { class: "espec-hint" },
    "Use the Move up and Move down buttons to put the steps in order, then choose Check answer.");
  const list = el("ol", { class: "espec-steps" });
  fieldset.append(legend, prompt, hint, list);

  // One row per step text (an index into `items`); rows are reordered, never rebuilt, so each
  // keeps its buttons and feedback.
  const items = model.get("items");
  const rows = items.map((text, i) => {
    const id = `${uid}-step-${i}`;
    const row = el("li", { class: "espec-option espec-step", id });
    const label = el("span", { class: "espec-step-text" }, text);
    const up = el("button", { type: "button", class: "espec-move", "aria-label": `Move up: ${text}` }, "Move up");
    const down = el("button", { type: "button", class: "espec-move", "aria-label": `Move down: ${text}` }, "Move down");
    const why = el("p", { class: "espec-option-feedback", id: id + "-why" });
    up.addEventListener("click", () => move(i, -1, "up"));
    down.addEventListener("click", () => move(i, +1, "down"));
    row.append(label, " ", up, " ", down, why);
    return { row, up, down, why, text };
  });
  const button = el("button", { type: "submit", class: "espec-submit" }, "Check answer");
  const show = el("button", { type: "button", class: "espec-button espec-secondary" }, "Show where each step belongs");
  const actions = el("p", { class: "espec-actions" });
  actions.append(button, show);
  const status = statusRegion();
  form.append(fieldset, actions, status);
  show.addEventListener("click", () => model.send({ event: "show_order" }));

  function move(item, delta, which) {
    const order = model.get("value").slice();
    const from = order.indexOf(item);
    const to = from + delta;
    if (from < 0 || to < 0 || to >= order.length || model.get("disabled")) return;
    [order[from], order[to]] = [order[to], order[from]];
    model.set("value", order);
    model.save_changes();
    placeRows();
    // Keep focus on the same button of the moved step; at an end that button is disabled,
    // so the step's other button takes focus instead.
    const r = rows[item];
    const target = which === "up" ? r.up : r.down;
    (target.disabled ? (which === "up" ? r.down : r.up) : target).focus();
    showStatus(status, `Moved '${r.text}' to position ${to + 1} of ${order.length}.`);
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    // The arrangement travels with the action: a state update may still be held back.
    model.send({ event: "submit", value: model.get("value") });
  });

  function placeRows() {
    const wasShow = document.activeElement === show;
    const order = model.get("value");
    const disabled = model.get("disabled");
    const focused = document.activeElement;
    order.forEach((item, position) => {
      const r = rows[item];
      if (!r) return;
      if (list.children[position] !== r.row) list.insertBefore(r.row, list.children[position] || null);
      r.up.disabled = disabled || position === 0;
      r.down.disabled = disabled || position === order.length - 1;
    });
    // Moving a row out and back in can drop focus; put it back where it was.
    if (focused && focused !== document.activeElement && list.contains(focused) && !focused.disabled) {
      focused.focus();
    }
    button.disabled = disabled;
    show.hidden = disabled || !model.get("offer_positions");
    if (wasShow && show.hidden) button.focus(); // the learner's place stays in the activity
  }

  function showFeedback() {
    const feedback = model.get("feedback");
    rows.forEach((r, i) => {
      const f = feedback[i];
      r.why.textContent = f ? `${f.verdict}${f.text ? ": " + f.text : "."}` : "";
      r.row.dataset.verdict = f ? f.kind : "";
    });
  }

  model.on("change:value", placeRows);
  model.on("change:disabled", placeRows);
  model.on("change:offer_positions", placeRows);
  model.on("change:feedback", showFeedback);
  for (const name of ["status", "verdict"]) {
    model.on("change:" + name, () => showStatus(status, model.get("status"), model.get("verdict")));
  }
  placeRows();
  showFeedback();
  showStatus(status, model.get("status"), model.get("verdict"));
  host.append(form);
}

export default { render };
