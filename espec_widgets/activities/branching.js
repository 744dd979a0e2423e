// A branching conversation: the transcript so far, the current line, then a real radio group
// (<fieldset> + <legend>) of what to say next and a "Reply" button. Endings are named in
// words, never by colour alone; the response is announced politely.
function line(speaker, text) {
  const p = el("p", { class: "espec-branch-line" });
  p.append(el("strong", {}, speaker + ":"), " " + text);
  return p;
}

function render({ model, el: host }) {
  const uid = "espec-" + Math.random().toString(36).slice(2, 10);
  const root = el("div", {
    class: "espec-choice espec-branching", role: "group", "aria-labelledby": uid + "-title",
  });
  const title = el("p", { id: uid + "-title", class: "espec-question" }, model.get("question"));
  const prompt = el("p", { class: "espec-prompt" }, model.get("prompt"));

  const pastHeading = el("p", { id: uid + "-past", class: "espec-hint" }, "The conversation so far");
  const past = el("ol", { class: "espec-transcript espec-branch-history", "aria-labelledby": uid + "-past" });
  const now = el("div", { class: "espec-branch-now" });

  const form = el("form", { novalidate: "" });
  const fieldset = el("fieldset");
  const legend = el("legend", { class: "espec-question" }, "What do you say next?");
  const options = el("div", { class: "espec-branch-options" });
  fieldset.append(legend, options);
  const reply = el("button", { type: "submit", class: "espec-submit" }, "Reply");
  form.append(fieldset, reply);

  const ending = el("div", {
    class: "espec-branch-ending", tabindex: "-1", role: "group", "aria-labelledby": uid + "-end",
  });
  const endingLabel = el("p", { id: uid + "-end", class: "espec-question" });
  const endingSummary = el("p", { class: "espec-option-feedback" });
  const replay = el("button", { type: "button", class: "espec-submit" }, "Replay from the start");
  ending.append(endingLabel, endingSummary);

  const status = statusRegion();
  root.append(title, prompt, pastHeading, past, now, form, ending, replay, status);

  let radios = [];
  function selected() {
    const r = radios.find((input) => input.checked);
    return r ? Number(r.value) : null;
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    // The choice travels with the action: a state update may still be held back.
    const value = selected();
    model.send(value === null ? { event: "choose" } : { event: "choose", value });
  });
  replay.addEventListener("click", () => model.send({ event: "replay" }));

  function drawHistory() {
    past.replaceChildren(...model.get("history").map((turn) => {
      const li = el("li", { class: "espec-branch-turn" });
      const why = el("p", { class: "espec-option-feedback" });
      why.append(el("strong", {}, "Feedback:"), " " + turn.feedback);
      li.append(line(turn.speaker, turn.text), line("You", turn.you), why);
      return li;
    }));
    const empty = model.get("history").length === 0;
    pastHeading.hidden = empty;
    past.hidden = empty;
  }

  function drawNow() {
    now.replaceChildren(line(model.get("speaker"), model.get("text")));
    const choices = model.get("choices");
    radios = choices.map((text, i) => {
      const id = `${uid}-say-${i}`;
      const input = el("input", { type: "radio", name: uid + "-say", id, value: String(i) });
      input.addEventListener("change", () => {
        model.set("value", i);
        model.save_changes();
      });
      return input;
    });
    options.replaceChildren(...radios.map((input, i) => {
      const row = el("div", { class: "espec-option" });
      row.append(input, el("label", { for: input.id }, choices[i]));
      return row;
    }));
    form.hidden = choices.length === 0;
    const end = model.get("ending");
    const ended = Boolean(end && end.kind);
    ending.hidden = !ended;
    ending.dataset.kind = ended ? end.kind : "";
    endingLabel.textContent = ended ? end.label : "";
    endingSummary.textContent = ended ? end.summary : "";
    replay.hidden = choices.length > 0;
    sync();
  }

  function sync() {
    const value = model.get("value");
    const disabled = model.get("disabled");
    radios.forEach((input, i) => {
      input.checked = value === i;
      input.disabled = disabled;
    });
    reply.disabled = disabled;
    replay.disabled = disabled;
    showStatus(status, model.get("status"), model.get("verdict"));
  }

  let pending = false;
  function redraw() {
    pending = false;
    // After a turn the learner's next step is the new lines (the response itself is announced
    // by the status), so focus moves to the first of them, or to the ending when there is one.
    const hadFocus = root.contains(document.activeElement);
    drawHistory();
    drawNow();
    if (hadFocus) {
      if (!ending.hidden) ending.focus();
      else if (radios.length) radios[0].focus();
      else replay.focus();
    }
  }
  for (const name of ["history", "speaker", "text", "choices", "ending"]) {
    model.on("change:" + name, () => {
      if (!pending) queueMicrotask(redraw);
      pending = true;
    });
  }
  for (const name of ["value", "disabled", "status", "verdict"]) model.on("change:" + name, sync);
  drawHistory();
  drawNow();
  host.append(root);
}

export default { render };
