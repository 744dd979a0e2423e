// Shared by every widget module: Python prepends this file to each (espec_widgets/activities/
// _assets.py, module_source), since anywidget modules cannot import one another.

// An element with attributes and text. Text is always textContent, never HTML.
function el(tag, attrs = {}, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

// A debounced save that is not lost when the learner leaves: schedule() after each change,
// cancel() once the change is sent, pending while one waits. What still waits is sent (best
// effort) when the tab is hidden or closed.
function autosave(save, ms) {
  let timer = null;
  const saver = {
    get pending() { return timer !== null; },
    schedule() { clearTimeout(timer); timer = setTimeout(save, ms); },
    cancel() { clearTimeout(timer); timer = null; },
    flush() { if (timer !== null) save(); },
  };
  window.addEventListener("pagehide", saver.flush);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") saver.flush();
  });
  return saver;
}


// The status line of an activity: a badge (icon, colour and word) for the last answer's verdict,
// then the kernel's words. One live region, so the word and the words are announced together.
const VERDICT_WORDS = { correct: "Correct", partial: "Partly correct", incorrect: "Not yet" };
function statusRegion() {
  const box = el("div", { class: "espec-status", role: "status", "aria-live": "polite" });
  box.badge = el("span", { class: "espec-badge" });
  box.words = el("span", { class: "espec-status-text" });
  box.append(box.badge, box.words);
  return box;
}
function showStatus(box, text, verdict) {
  const word = VERDICT_WORDS[verdict] || "";
  box.badge.textContent = word;
  box.badge.dataset.kind = word ? verdict : "";
  box.words.textContent = text || "";
}


// Go to a heading of this page (a section or an activity): scroll it into view, move focus
// there (so keyboard and screen reader users are where they see) and put it in the address.
function goTo(anchor, { push = true } = {}) {
  const target = document.getElementById(anchor);
  if (!target) return false;
  if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
  target.scrollIntoView({ block: "start" });
  target.focus({ preventScroll: true });
  const url = new URL(window.location.href);
  url.hash = anchor;
  if (push && url.toString() !== window.location.href) {
    window.history.pushState(window.history.state, "", url.toString());
  }
  return true;
}

// A link to another page of the workbook that resumes this learner: it carries the resume
// token this page's own address holds (identity.js keeps it there, even after a new link is
// made), read again whenever the link is about to be used.
function pageLink(href, text) {
  const link = el("a", { href }, text);
  const refresh = () => {
    const url = new URL(href, window.location.href);
    const token = new URL(window.location.href).searchParams.get("learner");
    if (token) url.searchParams.set("learner", token);
    link.href = url.toString();
  };
  refresh();
  for (const name of ["focus", "pointerdown", "click", "contextmenu"]) link.addEventListener(name, refresh);
  return link;
}
