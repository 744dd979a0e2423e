// Who is working: a name form on a first visit, then the resume link to bookmark.
//
// After Start the page's own address becomes the resume link (history.replaceState), so a
// bookmark of the page brings the work back. The browser also remembers the learner's token
// (only the token) in localStorage, so a new tab or tomorrow's visit needs no link; a learner
// on a shared computer unticks "Remember me", and the token then lives in sessionStorage (this
// tab only, gone when it closes). "Not you? Sign out" forgets both. See docs/design.md.
const KEY = "espec-learner";
const PARAM = "learner";

function stores() {
  const found = [];
  for (const name of ["localStorage", "sessionStorage"]) {
    try { if (window[name]) found.push(window[name]); } catch (e) { /* storage disabled */ }
  }
  return found;
}
function remembered() {
  for (const s of stores()) {
    try { const token = s.getItem(KEY); if (token) return token; } catch (e) { /* disabled */ }
  }
  return null;
}
const TAB_ONLY = KEY + ":tab-only";
function remember(token, lasting) {
  for (const s of stores()) {
    try { s.removeItem(KEY); s.removeItem(TAB_ONLY); } catch (e) { /* disabled: links still work */ }
  }
  if (!token) return;
  try {
    if (lasting) window.localStorage.setItem(KEY, token);
    else { window.sessionStorage.setItem(KEY, token); window.sessionStorage.setItem(TAB_ONLY, "1"); }
  } catch (e) { /* storage disabled: links still work */ }
}
function tabOnly() {
  try { return Boolean(window.sessionStorage.getItem(TAB_ONLY)); } catch (e) { return false; }
}
function addressWith(token) {
  const url = new URL(window.location.href);
  if (token) url.searchParams.set(PARAM, token);
  else url.searchParams.delete(PARAM);
  return url;
}

function render({ model, el: host }) {
  const uid = "espec-" + Math.random().toString(36).slice(2, 10);
  const region = el("section", { class: "espec-identity", "aria-labelledby": uid + "-h" });
  const heading = el("h2", { id: uid + "-h" }, "Your workbook");
  const message = el("p", { class: "espec-warning", role: "alert" });

  // First visit: a name (and whether to remember this browser), or a resume link.
  const form = el("form", { class: "espec-start" });
  const label = el("label", { for: uid + "-name" }, "Your name, as you want to see it on your work");
  const input = el("input", { id: uid + "-name", type: "text", maxlength: "80", autocomplete: "name" });
  const keep = el("input", { id: uid + "-keep", type: "checkbox" });
  keep.checked = true;
  const keepLine = elWith("p", { class: "espec-keep" }, keep,
    el("label", { for: uid + "-keep" }, " Remember me on this browser (untick on a shared computer)"));
  const button = el("button", { type: "submit", class: "espec-button espec-primary" }, "Start");
  const asNew = el("button", { type: "button", class: "espec-button espec-secondary" }, "Start as someone new");
  const hint = el("p", { class: "espec-privacy" },
    "Your answers are saved as you go. Anyone with your resume link can open your work, so keep it private.");
  form.append(label, input, elWith("p", { class: "espec-actions" }, button, asNew), hint);

  const linkForm = el("form", { class: "espec-link-form" });
  const linkDetails = el("details", { class: "espec-have-link" });
  const linkInput = el("input", { id: uid + "-link", type: "url", autocomplete: "off", spellcheck: "false" });
  linkDetails.append(
    el("summary", {}, "I have a resume link"),
    el("label", { for: uid + "-link" }, "Paste your resume link"),
    linkInput,
    el("button", { type: "submit", class: "espec-button espec-secondary" }, "Open my work"),
  );
  linkForm.append(linkDetails);

  // Signed in: who, progress, the link to bookmark, and the ways out.
  const signedIn = el("div", { class: "espec-signed-in" });
  const who = el("p", { class: "espec-who", tabindex: "-1" });
  const signOut = el("button", { type: "button", class: "espec-button espec-link-button" }, "Not you? Sign out");
  const progress = el("p", { class: "espec-progress" });
  const linkBox = el("div", { class: "espec-link-box" });
  const linkLabel = el("p", {}, "Your resume link (this page's address; bookmark it to come back to your work):");
  const link = el("a", { class: "espec-resume-link" });
  const copy = el("button", { type: "button", class: "espec-button espec-secondary" }, "Copy link");
  const rotate = el("button", { type: "button", class: "espec-button espec-secondary" }, "Make a new link");
  const rotateHint = el("p", { class: "espec-privacy" },
    "If someone else may have your link, make a new one: the old link stops working.");
  linkBox.append(linkLabel, link, elWith("p", { class: "espec-actions" }, copy, rotate), rotateHint);
  const status = el("p", { role: "status", "aria-live": "polite" });
  signedIn.append(elWith("p", { class: "espec-who-line" }, who, " ", signOut), progress, linkBox, status);
  const homeLine = el("p", { class: "espec-home" });
  const home = el("a", { class: "espec-home-link" }, "Your workbook: every module, and where to continue");
  homeLine.append(home);
  const first = elWith("div", { class: "espec-first-visit" }, form, linkForm, keepLine);
  region.append(heading, message, first, signedIn, homeLine);

  // Whether to remember this browser: what the learner chose here, else what this tab chose.
  let choice = null;
  const lasting = () => (choice !== null ? choice : !tabOnly());
  const choose = () => { choice = keep.checked; };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    choose();
    model.send({ event: "start", name: input.value });
  });
  asNew.addEventListener("click", () => {
    choose();
    model.send({ event: "start", name: input.value, new: true });
  });
  linkForm.addEventListener("submit", (event) => {
    event.preventDefault();
    choose();
    model.send({ event: "link", link: linkInput.value });
  });
  copy.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(link.href);
      status.textContent = "Link copied.";
    } catch (e) {
      status.textContent = "Select the link and copy it.";
    }
  });
  rotate.addEventListener("click", () => model.send({ event: "rotate" }));
  signOut.addEventListener("click", () => {
    remember(null);
    window.history.replaceState(window.history.state, "", addressWith(null).toString());
    window.location.reload();
  });

  function sync() {
    const token = model.get("token");
    const hub = model.get("hub");
    const hadFocus = first.contains(document.activeElement);
    if (model.get("forget")) {
      remember(null);
      const bare = addressWith(null);
      if (bare.toString() !== window.location.href) {
        window.history.replaceState(window.history.state, "", bare.toString());
      }
    } else if (token && !hub) {
      remember(token, lasting());
      // The address is the resume link: a bookmark, a reload or a copied address brings it back.
      const here = addressWith(token);
      if (here.toString() !== window.location.href) {
        window.history.replaceState(window.history.state, "", here.toString());
      }
    }
    homeLine.hidden = !model.get("home");
    if (model.get("home")) {
      const url = new URL(model.get("home"), window.location.href);
      if (token && !hub) url.searchParams.set(PARAM, token);
      home.href = url.toString();
    }
    message.textContent = model.get("message");
    asNew.hidden = !model.get("name_taken");
    progress.textContent = model.get("progress");
    first.hidden = Boolean(token) || hub;
    signedIn.hidden = !token;
    if (model.get("name_taken")) linkDetails.open = true;
    if (token) {
      who.textContent = `Working as ${model.get("display_name")}.`;
      const url = addressWith(token);
      link.href = url.toString();
      link.textContent = url.toString();
      linkBox.hidden = signOut.hidden = hub;
      if (hadFocus) who.focus(); // the form the learner was in is gone: keep their place
    }
    header(token, hub);
  }
  // The page header (the template's) says who is working, and its links keep the learner.
  function header(token, hub) {
    const who = document.querySelector(".espec-header-who");
    if (who) {
      who.hidden = !token;
      who.textContent = token ? `Working as ${model.get("display_name")}` : "";
    }
    for (const a of document.querySelectorAll("a.espec-home-link")) {
      const url = new URL(a.getAttribute("href"), window.location.href);
      if (token && !hub) url.searchParams.set(PARAM, token);
      else url.searchParams.delete(PARAM);
      a.href = url.toString();
    }
  }
  function announce() {
    if (model.get("notice")) status.textContent = model.get("notice");
  }
  for (const name of ["token", "display_name", "message", "hub", "progress", "home", "forget", "name_taken"]) {
    model.on("change:" + name, sync);
  }
  model.on("change:notice", announce);
  sync();
  host.append(region);
  const saved = remembered();
  const linked = new URL(window.location.href).searchParams.has(PARAM);
  if (saved && !linked && !model.get("token") && !model.get("hub")) {
    model.send({ event: "resume", token: saved });
  }
}

export default { render };
