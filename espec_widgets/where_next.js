// The end of a case page: the next activity still to do, the next case, and the way back to the
// workbook, as links (styled as buttons; the first is the main one).
function render({ model, el: host }) {
  const uid = "espec-" + Math.random().toString(36).slice(2, 10);
  const nav = el("nav", { class: "espec-end-nav", "aria-labelledby": uid });
  const heading = el("h2", { id: uid }, "Where next");
  const summary = el("p", { class: "espec-end-summary" });
  const actions = el("div", { class: "espec-actions" });
  nav.append(heading, summary, actions);
  host.append(nav);

  function button(link, main) {
    link.classList.add("espec-button", main ? "espec-primary" : "espec-secondary");
    return link;
  }
  function draw() {
    const left = model.get("left");
    const next = model.get("next_activity");
    const nextCase = model.get("next_case");
    summary.textContent =
      left < 0 ? "" : left === 0 ? "You have done every activity in this case." :
      `${left} ${left === 1 ? "activity" : "activities"} still to do in this case.`;
    const links = [];
    if (next && next.anchor) {
      const link = el("a", { href: "#" + next.anchor }, `Next activity: ${next.title}`);
      link.addEventListener("click", (event) => { if (goTo(next.anchor)) event.preventDefault(); });
      links.push(link);
    }
    if (nextCase && nextCase.href) links.push(pageLink(nextCase.href, `Next case: ${nextCase.title}`));
    if (model.get("home")) links.push(pageLink(model.get("home"), "Back to the workbook"));
    actions.replaceChildren(...links.map((link, i) => button(link, i === 0)));
  }
  for (const name of ["next_activity", "next_case", "home", "left"]) model.on("change:" + name, draw);
  draw();
}

export default { render };
