// The debrief's door: how far the learner is, and "Show the debrief". The text itself comes from
// the kernel only when asked for (it discusses the answers).
function render({ model, el: host }) {
  const box = el("div", { class: "espec-debrief-gate" });
  const note = el("p", { class: "espec-debrief-note", role: "status", "aria-live": "polite" });
  const open = el("button", { type: "button", class: "espec-primary" }, "Show the debrief");
  box.append(note, open);
  host.append(box);
  open.addEventListener("click", () => model.send({ event: "open" }));
  function sync() {
    note.textContent = model.get("status");
    open.hidden = model.get("opened");
    open.disabled = !model.get("known");
  }
  for (const name of ["status", "opened", "known", "left"]) model.on("change:" + name, sync);
  sync();
}

export default { render };
