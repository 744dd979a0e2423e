// Who is working: a name form on a first visit, then the resume link to bookmark.
// The tab remembers the learner while they move between pages (sessionStorage: this tab only,
// gone when it closes), so the navigator and every case page know them without a link.
const KEY = "espec-learner";
function remembered() {
  try { return window.sessionStorage.getItem(KEY); } catch (e) { return null; }
}
function remember(token) {
  try {
    if (token) window.sessionStorage.setItem(KEY, token);
    else window.sessionStorage.removeItem(KEY);
  } catch (e) { /* storage disabled: links still work */ }
}

function render({ model, el: host }) {
  const uid = "espec-" + Math.random().toString(36).slice(2, 10);
  const region = el("section", { class: "espec-identity", "aria-labelledby": uid + "-h" });
  const heading = el("h2", { id: uid + "-h" }, "Your workbook");
  const message = el("p", { class: "espec-warning", role: "alert" });
  const form = el("form", { class: "espec-start" });
  const label = el("label", { for: uid + "-name" }, "Your name, as you want to see it on your work");
  const input = el("input", { id: uid + "-name", type: "text", maxlength: "80", autocomplete: "name" });
  const button = el("button", { type: "submit" }, "Start");
  const hint = el("p", { class: "espec-privacy" },
    "Your answers are saved as you go. Anyone with your resume link can open your work, so keep it private.");
  form.append(label, input, button, hint);
  const signedIn = el("div", { class: "espec-signed-in" });
  const who = el("p");
  const linkLabel = el("p", {}, "Your resume link (bookmark it to come back to your work):");
  const link = el("a", { class: "espec-resume-link" });
  const copy = el("button", { type: "button" }, "Copy link");
  const status = el("p", { role: "status", "aria-live": "polite" });
  const progress = el("p", { class: "espec-progress" });
  signedIn.append(who, progress, linkLabel, link, copy, status);
  const homeLine = el("p", { class: "espec-home" });
  const home = el("a", { class: "espec-home-link" }, "Your workbook: every module, and where to continue");
  homeLine.append(home);
  region.append(heading, message, form, signedIn, homeLine);

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    model.send({ event: "start", name: input.value });
  });
  copy.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(link.href);
      status.textContent = "Link copied.";
    } catch (e) {
      status.textContent = "Select the link and copy it.";
    }
  });

  function sync() {
    const token = model.get("token");
    if (model.get("forget")) remember(null);
    else if (token && !model.get("hub")) remember(token);
    homeLine.hidden = !model.get("home");
    if (model.get("home")) {
      const url = new URL(model.get("home"), window.location.href);
      if (token && !model.get("hub")) url.searchParams.set("learner", token);
      home.href = url.toString();
    }
    message.textContent = model.get("message");
    progress.textContent = model.get("progress");
    form.hidden = Boolean(token) || model.get("hub");
    signedIn.hidden = !token;
    if (token) {
      who.textContent = `Working as ${model.get("display_name")}.`;
      const url = new URL(window.location.href);
      url.searchParams.set("learner", token);
      link.href = url.toString();
      link.textContent = url.toString();
      linkLabel.hidden = copy.hidden = link.hidden = model.get("hub");
    }
  }
  for (const name of ["token", "display_name", "message", "hub", "progress", "home", "forget"]) {
    model.on("change:" + name, sync);
  }
  sync();
  host.append(region);
  const saved = remembered();
  const linked = new URL(window.location.href).searchParams.has("learner");
  if (saved && !linked && !model.get("token") && !model.get("hub")) {
    model.send({ event: "resume", token: saved });
  }
}

export default { render };
