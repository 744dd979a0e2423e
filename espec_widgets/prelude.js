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
  // Leaving while a save waits: it is sent now, and the page asks before it goes.
  LEAVE_CHECKS.add(() => {
    const waiting = saver.pending;
    saver.flush();
    return waiting;
  });
  return saver;
}


// Leaving the page with work the kernel has not confirmed asks first (the browser's own "Leave
// site?"). Each widget module has its own copy of this prelude, so the checks live on window;
// the workbook's page template listens (session.js); elsewhere (JupyterLab) the first module does.
const LEAVE_CHECKS = window.__especLeaveChecks || (window.__especLeaveChecks = new Set());
if (!window.__especLeaveGuard) {
  window.__especLeaveGuard = true;
  window.addEventListener("beforeunload", (event) => {
    let waiting = false;
    for (const check of LEAVE_CHECKS) waiting = check() || waiting;
    if (waiting) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
}

// Text typed in `area` is the learner's even through a reload or a lost connection: until the
// kernel confirms a save of exactly that text (its status changes), the text is also kept in
// this tab's sessionStorage (cleared once confirmed, and by the browser when the tab closes),
// and leaving the page asks first. When the page comes back and the learner is known, kept text
// goes to the kernel as a "recover" action, which checks it like any input and saves it if it is
// not what the store already holds.
function keepDraft(model, area, saver) {
  const key = () => ["espec-draft", window.location.pathname,
    new URL(window.location.href).searchParams.get("learner") || "", model.get("question")].join("|");
  const kept = () => { try { return window.sessionStorage.getItem(key()); } catch (e) { return null; } };
  const keep = () => { try { window.sessionStorage.setItem(key(), area.value); } catch (e) { /* full or off */ } };
  const drop = () => { try { window.sessionStorage.removeItem(key()); } catch (e) { /* off */ } };
  let confirmed = model.get("value");
  const unsaved = () => !model.get("disabled") && area.value !== confirmed;
  area.addEventListener("input", keep);
  model.on("change:status", () => {
    confirmed = model.get("value");
    if (area.value === confirmed) drop();
  });
  function recover() {
    if (model.get("disabled")) return;
    const text = kept();
    if (text !== null) model.send({ event: "recover", value: text });
  }
  model.on("msg:custom", (msg) => {
    if (!msg || msg.event !== "recovered") return;
    if (msg.ok) drop();
    else if (kept() !== null && document.activeElement !== area) area.value = kept();
  });
  model.on("change:disabled", recover);
  recover();
  LEAVE_CHECKS.add(() => {
    saver.flush();
    return unsaved();
  });
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

// A poll's result as a chart that needs no colour and no script to read: one row per option,
// its words, a bar as long as its share and the count and share in words. Answers written by
// learners ("other") follow as a list. Every learner-written string is text, never HTML.
function tallyChart(poll, tally, { caption = "The group's answers" } = {}) {
  const figure = el("figure", { class: "espec-tally" });
  const total = tally.answered || 0;
  figure.append(el("figcaption", {}, `${caption}: ${total} ${total === 1 ? "answer" : "answers"}`));
  const list = el("ul", { class: "espec-tally-rows" });
  poll.options.forEach((text, i) => {
    const count = tally.counts[i] || 0;
    const share = total ? Math.round((100 * count) / total) : 0;
    const row = el("li", { class: "espec-tally-row" });
    const bar = el("span", { class: "espec-tally-bar", "aria-hidden": "true" });
    bar.style.width = share + "%";
    row.append(el("span", { class: "espec-tally-option" }, text),
      el("span", { class: "espec-tally-track", "aria-hidden": "true" }),
      el("span", { class: "espec-tally-count" }, `${count} (${share}%)`));
    row.children[1].append(bar);
    list.append(row);
  });
  figure.append(list);
  if (tally.others && tally.others.length) {
    figure.append(el("p", { class: "espec-tally-others-title" }, "Answers in their own words"));
    const others = el("ul", { class: "espec-tally-others" });
    for (const text of tally.others) others.append(el("li", {}, text));
    figure.append(others);
  }
  return figure;
}

// An element holding other elements (el() takes text only).
function elWith(tag, attrs, ...children) {
  const node = el(tag, attrs);
  node.append(...children);
  return node;
}

// Author text sent as a tree of plain data (espec_widgets/live/tree.py): a string is text,
// [tag, href, children] an element. Built with createElement and textContent only; tags outside
// the list become their text, and a link keeps only an http(s) or mailto address.
const TREE_TAGS = new Set(["p", "br", "strong", "em", "del", "code", "blockquote", "ul", "ol", "li", "a", "h4", "h5"]);
function fromTree(tree, cls = "espec-text", tag = "div") {
  const box = el(tag, { class: cls });
  const build = (nodes, parent) => {
    for (const node of Array.isArray(nodes) ? nodes : []) {
      if (typeof node === "string") { parent.append(node); continue; }
      if (!Array.isArray(node) || node.length !== 3) continue;
      const [tag, href, children] = node;
      if (!TREE_TAGS.has(tag)) { build(children, parent); continue; }
      const child = el(tag);
      if (tag === "a" && typeof href === "string" && /^(https?:\/\/|mailto:)/.test(href)) {
        child.setAttribute("href", href);
        child.setAttribute("rel", "noopener noreferrer");
      }
      build(children, child);
      parent.append(child);
    }
  };
  build(tree, box);
  return box;
}

// A file the kernel sent ({event: "download", name, type, data in base64}) saved by the browser,
// from a blob URL that is let go shortly after; returns the file's name, or "" for any other
// message.
function saveDownload(msg) {
  if (!msg || msg.event !== "download") return "";
  const bytes = Uint8Array.from(atob(msg.data), (c) => c.charCodeAt(0));
  const url = URL.createObjectURL(new Blob([bytes], { type: msg.type }));
  const a = el("a", { href: url, download: msg.name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
  return msg.name;
}
