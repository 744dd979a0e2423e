// Self-assessment: one <fieldset> per statement, one native radio group per rating (arrow keys
// move within a group, Tab between groups). Ratings are saved ~800 ms after the last change,
// when the tab is hidden or closed, and on "Save"; the kernel checks every value.
const AUTOSAVE_MS = 800;
const LEGENDS = { before: "Before this case", now: "Now" };

function render({ model, el: host }) {
  const uid = "espec-" + Math.random().toString(36).slice(2, 10);
  const items = model.get("items");
  const scale = model.get("scale");
  const retrospective = model.get("retrospective");
  const keys = retrospective ? ["before", "now"] : ["now"];

  const form = el("form", { class: "espec-scale", novalidate: "" });
  const fieldset = el("fieldset", { "aria-describedby": `${uid}-prompt ${uid}-hint` });
  const legend = el("legend", { class: "espec-question" }, model.get("question"));
  const prompt = el("p", { id: uid + "-prompt", class: "espec-prompt" }, model.get("prompt"));
  const hint = el("p", { id: uid + "-hint", class: "espec-hint" },
    (retrospective
      ? "Rate each statement twice: as you saw yourself before this case, and now."
      : "Rate each statement as you see yourself now.") +
    " There are no right or wrong answers; this is for your own reflection and is not marked.");
  fieldset.append(legend, prompt, hint);

  const groups = []; // one per (item, rating): { key, i, inputs }
  items.forEach((text, i) => {
    const item = el("fieldset", { class: "espec-scale-item" });
    item.append(el("legend", {}, text));
    for (const key of keys) {
      // With one rating per statement, the statement's own fieldset is the radio group.
      let group = item;
      if (keys.length > 1) {
        group = el("fieldset", { class: "espec-scale-rating" });
        group.append(el("legend", {}, LEGENDS[key]));
        item.append(group);
      }
      const row = el("div", { class: "espec-scale-options" });
      const inputs = scale.map((label, s) => {
        const id = `${uid}-${i}-${key}-${s}`;
        const option = el("span", { class: "espec-scale-option" });
        const input = el("input", { type: "radio", name: `${uid}-${i}-${key}`, id, value: String(s) });
        input.addEventListener("change", changed);
        option.append(input, el("label", { for: id }, label));
        row.append(option);
        return input;
      });
      group.append(row);
      groups.push({ key, i, inputs });
    }
    fieldset.append(item);
  });

  const save = el("button", { type: "submit", class: "espec-save" }, "Save");
  const status = statusRegion();
  const summary = el("div", { class: "espec-scale-summary" });
  form.append(fieldset, save, status, summary);

  const saver = autosave(() => send(), AUTOSAVE_MS);

  function current() {
    const value = {};
    for (const key of keys) value[key] = items.map(() => -1);
    for (const g of groups) value[g.key][g.i] = g.inputs.findIndex((x) => x.checked);
    return value;
  }

  function send() {
    saver.cancel();
    // The ratings travel with the action: a state update may still be held back.
    model.send({ event: "save", value: current() });
  }

  function changed() {
    model.set("value", current());
    model.save_changes();
    showStatus(status, "Unsaved changes…");
    saver.schedule();
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    send();
  });

  function showSummary() {
    const lines = model.get("summary");
    summary.replaceChildren();
    if (!lines.length) return;
    const list = el("ul");
    for (const line of lines) list.append(el("li", {}, line));
    summary.append(
      el("p", { class: "espec-question" }, "Your saved ratings, before this case and now"),
      list,
      el("p", { class: "espec-hint" },
        "Ratings can move either way: learning more about something often makes us rate " +
        "ourselves more carefully."),
    );
  }

  function sync() {
    const value = model.get("value") || {};
    const disabled = model.get("disabled");
    for (const g of groups) {
      const chosen = (value[g.key] || [])[g.i];
      g.inputs.forEach((x, s) => {
        x.checked = s === chosen;
        x.disabled = disabled;
      });
    }
    save.disabled = disabled;
    if (!saver.pending) showStatus(status, model.get("status"), model.get("verdict"));
  }
  for (const name of ["value", "disabled", "status", "verdict"]) model.on("change:" + name, sync);
  model.on("change:summary", showSummary);
  sync();
  showSummary();
  host.append(form);
}

export default { render };
