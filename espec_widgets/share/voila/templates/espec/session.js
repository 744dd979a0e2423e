// Leaving with work the kernel has not confirmed (a draft typed in the last moment, a save in
// flight) asks first, with the browser's own "Leave site?". This listener is registered before
// Voilà's, which on beforeunload shuts the page's kernel down at once: when there is unsaved work
// it stops that one, so the save already sent reaches the kernel, and a learner who stays keeps
// a working page. Each widget adds its own check to window.__especLeaveChecks (prelude.js).
(() => {
  window.__especLeaveGuard = true;
  window.__especLeaveChecks = window.__especLeaveChecks || new Set();
  // Runs every check (each sends what still waits), then says whether any work is unconfirmed.
  window.__especLeaving = () => {
    let waiting = false;
    for (const check of window.__especLeaveChecks) waiting = check() || waiting;
    return waiting;
  };
  window.addEventListener("beforeunload", (event) => {
    if (!window.__especLeaving()) return;
    event.preventDefault();
    event.returnValue = "";
    event.stopImmediatePropagation();
  });
})();

// Tell the learner when this page has lost its kernel (closed after an hour without activity,
// freed while the computer slept, or the server restarted), and recover a page whose widgets
// failed to load. Everything the learner saved is in the store, so a reload loses nothing saved.
(() => {
  const CHECK_MS = 10000;
  const RELOADED = "espec-reloaded:" + location.pathname;
  let shown = false;
  let leaving = false;
  window.addEventListener("pagehide", () => { leaving = true; });

  function config() {
    try { return JSON.parse(document.getElementById("jupyter-config-data").textContent); }
    catch (e) { return null; }
  }

  function banner(text, { button, live }) {
    if (shown || leaving) return;
    shown = true;
    const box = document.createElement("div");
    box.className = "espec-session";
    box.setAttribute("role", live);
    const p = document.createElement("p");
    p.textContent = text;
    box.append(p);
    if (button) {
      const reload = document.createElement("button");
      reload.type = "button";
      reload.textContent = "Reload the page";
      reload.addEventListener("click", () => location.reload());
      box.append(reload);
      document.body.prepend(box);
      reload.focus();
    } else {
      document.body.prepend(box);
    }
  }

  async function kernelGone() {
    const c = config();
    if (!c || !c.kernelId) return false;
    try {
      const r = await fetch(c.baseUrl + "api/kernels/" + c.kernelId,
        { credentials: "same-origin", cache: "no-store" });
      return r.status === 404 || r.status === 403;
    } catch (e) {
      return false; // the network is down: the page itself shows that it is reconnecting
    }
  }

  async function check() {
    if (shown || leaving || document.visibilityState !== "visible") return;
    if (await kernelGone()) {
      banner("This page has lost its connection to the workbook (after a long time without " +
        "activity, or because the server restarted). Everything you saved is kept: reload the " +
        "page to carry on.", { button: true, live: "alert" });
    }
  }

  // Widgets that could not be shown: reload once by ourselves, then offer the button.
  function failedWidgets() {
    for (const node of document.querySelectorAll(".jp-OutputArea-output")) {
      if ((node.textContent || "").trim().startsWith("Error displaying widget")) return true;
    }
    return false;
  }
  function watchWidgets() {
    if (shown || !failedWidgets()) return;
    let last = 0;
    try { last = Number(sessionStorage.getItem(RELOADED) || 0); } catch (e) { /* no storage */ }
    if (Date.now() - last > 120000) {
      try { sessionStorage.setItem(RELOADED, String(Date.now())); } catch (e) { /* no storage */ }
      banner("Part of this page did not load. Reloading it now…", { button: false, live: "status" });
      setTimeout(() => location.reload(), 1500);
    } else {
      banner("Part of this page did not load. Everything you saved is kept: please reload the " +
        "page.", { button: true, live: "alert" });
    }
  }

  window.addEventListener("load", () => {
    setInterval(check, CHECK_MS);
    setInterval(watchWidgets, 2000);
    document.addEventListener("visibilitychange", check);
  });
})();
