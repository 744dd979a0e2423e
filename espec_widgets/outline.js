// A case page's outline: its sections and activities as links, each activity marked "Done" or
// "To do" (a word and an icon, never colour alone), and a progress bar. On wide screens it
// stays beside the page (workbook.css); on narrow ones it sits at the top, folded.
// Arriving with #activity-… in the address (the navigator's "Continue") opens that activity.
function render({ model, el: host }) {
  const uid = "espec-" + Math.random().toString(36).slice(2, 10);
  const nav = el("nav", { class: "espec-outline", "aria-labelledby": uid + "-title" });
  const head = el("div", { class: "espec-outline-head" });
  const title = el("h2", { class: "espec-outline-title", id: uid + "-title" }, "In this case");
  const toggle = el("button", {
    type: "button",
    class: "espec-secondary espec-outline-toggle",
    "aria-expanded": "false",
    "aria-controls": uid + "-list",
  }, "Show the outline");
  head.append(title, toggle);
  const bar = el("progress", { class: "espec-progress-bar", max: "1", value: "0", "aria-labelledby": uid + "-count" });
  const count = el("p", { class: "espec-outline-count", id: uid + "-count" });
  const list = el("ol", { class: "espec-outline-list", id: uid + "-list" });
  nav.append(head, count, bar, list);
  host.append(nav);

  toggle.addEventListener("click", () => {
    const open = nav.classList.toggle("espec-outline-open");
    toggle.setAttribute("aria-expanded", String(open));
    toggle.textContent = open ? "Hide the outline" : "Show the outline";
  });
  list.addEventListener("click", (event) => {
    const link = event.target.closest("a[data-anchor]");
    if (link && goTo(link.dataset.anchor)) event.preventDefault();
  });

  function draw() {
    const entries = model.get("entries");
    const done = new Set(model.get("done"));
    const known = model.get("known");
    const activities = entries.filter((e) => e.kind === "activity");
    const finished = activities.filter((e) => done.has(e.activity)).length;
    bar.max = Math.max(activities.length, 1);
    bar.value = known ? finished : 0;
    bar.hidden = !known;
    count.textContent = known
      ? `${finished} of ${activities.length} activities done`
      : `${activities.length} activities`;
    list.replaceChildren(...entries.map((e) => {
      const item = el("li", { class: "espec-outline-" + e.kind });
      const link = el("a", { href: "#" + e.anchor, "data-anchor": e.anchor }, e.title);
      item.append(link);
      if (e.kind === "activity" && known) {
        const isDone = done.has(e.activity);
        item.dataset.done = String(isDone);
        item.prepend(el("span", { class: "espec-outline-mark", "data-kind": isDone ? "correct" : "" }, isDone ? "Done" : "To do"));
        if (e.anchor === model.get("next_anchor")) link.setAttribute("aria-current", "step");
      }
      return item;
    }));
  }
  for (const name of ["entries", "done", "known", "next_anchor"]) model.on("change:" + name, draw);
  draw();

  // The address names a heading of this page: go there once the page is shown (Voilà reveals
  // the cells only when they have all run).
  const wanted = decodeURIComponent(window.location.hash.slice(1));
  if (wanted && model.get("entries").some((e) => e.anchor === wanted) && !window.__especArrived) {
    window.__especArrived = true;
    let tries = 0;
    // Widgets above the heading may still be drawing and push it down: keep it in view for a
    // few seconds, unless the learner moves on (scrolls, types, clicks, or focus leaves it).
    let settled = false;
    const moved = () => { settled = true; };
    for (const name of ["wheel", "touchstart", "keydown", "mousedown"]) {
      window.addEventListener(name, moved, { once: true, passive: true });
    }
    const hold = (target, left) => {
      if (settled || document.activeElement !== target) return;
      const top = target.getBoundingClientRect().top;
      if (top < 0 || top > window.innerHeight / 2) target.scrollIntoView({ block: "start" });
      if (left > 0) setTimeout(() => hold(target, left - 1), 150);
    };
    const arrive = () => {
      const target = document.getElementById(wanted);
      if (target && target.offsetParent !== null) {
        goTo(wanted, { push: false });
        hold(target, 25);
      } else if (++tries < 100) setTimeout(arrive, 100);
    };
    arrive();
  }
}

export default { render };
