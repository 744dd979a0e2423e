// The instructor's console: locked until a key is given, then sessions, then the running one.
//
// Everything comes from the kernel. Learners' names and words (roster, wall, "other" answers)
// are always textContent; the scenario's own text comes as a tree of plain data (fromTree).
// The key is sent once in a message and the field is emptied; it never goes into the address.

function render({ model, el: host }) {
  const uid = "espec-console-" + Math.random().toString(36).slice(2, 10);
  const root = el("section", { class: "espec-console", "aria-labelledby": uid + "-h" });
  const heading = el("h1", { id: uid + "-h" }, "Instructor console");
  const status = el("p", { class: "espec-status", role: "status", "aria-live": "polite" });

  // Locked
  const lock = el("form", { class: "espec-console-lock", novalidate: "" });
  const keyInput = el("input", { id: uid + "-key", type: "password", autocomplete: "current-password", spellcheck: "false" });
  lock.append(
    el("p", {}, "Only instructors can use this page. Your workbook's operator gives each instructor a key (espec staff-key add)."),
    el("label", { for: uid + "-key" }, "Instructor key"), keyInput,
    elWith("p", { class: "espec-actions" }, el("button", { type: "submit", class: "espec-button espec-primary" }, "Open the console")),
  );
  lock.addEventListener("submit", (e) => {
    e.preventDefault();
    model.send({ event: "unlock", key: keyInput.value });
    keyInput.value = "";
  });

  // Sessions: running ones, and a new one from a scenario
  const list = el("div", { class: "espec-console-list" });
  // The running session
  const run = el("div", { class: "espec-console-run" });
  root.append(heading, lock, list, run, status);
  host.append(root);

  function drawList() {
    const sessions = model.get("sessions");
    const running = el("section", { "aria-labelledby": uid + "-running" });
    running.append(el("h2", { id: uid + "-running" }, "Sessions not yet ended"));
    if (!sessions.some((s) => !s.ended)) running.append(el("p", {}, "None. Start one from a scenario below."));
    const ul = el("ul", { class: "espec-console-sessions" });
    const done = el("ul", { class: "espec-console-sessions" });
    for (const s of sessions) {
      const open = el("button", { type: "button", class: "espec-button espec-secondary" }, `Open ${s.code}`);
      open.setAttribute("aria-label", `Open session ${s.code}: ${s.title}`);
      open.addEventListener("click", () => model.send({ event: "open", session: s.id }));
      (s.ended ? done : ul).append(elWith("li", {}, el("span", {}, `${s.code} · ${s.title} · ${s.stage} · made at ${s.created} by ${s.by} `), open));
    }
    running.append(ul);
    if (done.children.length) {
      running.append(el("h2", {}, "Ended sessions (open one for its report)"), done);
    }
    const create = el("section", { "aria-labelledby": uid + "-new" });
    create.append(el("h2", { id: uid + "-new" }, "Start a session"));
    for (const sc of model.get("scenarios")) {
      const card = el("article", { class: "espec-card" });
      const start = el("button", { type: "button", class: "espec-button espec-primary" }, "Start this session");
      start.setAttribute("aria-label", `Start a session of ${sc.title}`);
      start.addEventListener("click", () => model.send({ event: "create", scenario: sc.id }));
      card.append(el("h3", {}, sc.title),
        el("p", {}, `${sc.stages} stages, ${sc.minutes} planned minutes (${sc.ce_hours} CE hours).`),
        el("p", {}, sc.summary), start);
      create.append(card);
    }
    list.replaceChildren(running, create);
  }

  // The running session's parts, kept between updates so that focus stays where it is.
  const head = el("div", { class: "espec-console-head" });
  const code = el("p", { class: "espec-console-code" });
  const timer = el("p", { class: "espec-console-timer", "aria-live": "off" });
  const pace = el("nav", { class: "espec-console-pace", "aria-label": "Stages" });
  const stageBox = el("section", { class: "espec-console-stage", "aria-labelledby": uid + "-stage-h" });
  const pollBox = el("section", { class: "espec-console-poll", "aria-labelledby": uid + "-poll-h" });
  const wallBox = el("section", { class: "espec-console-wall", "aria-labelledby": uid + "-wall-h" });
  const rosterBox = el("section", { class: "espec-console-roster", "aria-labelledby": uid + "-roster-h" });
  const endBox = el("section", { class: "espec-console-end", "aria-labelledby": uid + "-end-h" });
  run.append(head, pace, stageBox, pollBox, wallBox, rosterBox, endBox);

  const button = (text, attrs, onClick) => {
    const b = el("button", { type: "button", class: "espec-button espec-secondary", ...attrs }, text);
    b.addEventListener("click", onClick);
    return b;
  };
  // Re-draw a box only when what it shows has changed, keeping focus on the same control.
  function redraw(box, key, draw) {
    if (box.dataset.key === key) return;
    box.dataset.key = key;
    const focused = box.contains(document.activeElement) ? document.activeElement.dataset.focusKey : null;
    box.replaceChildren(...draw());
    if (focused) {
      const again = box.querySelector(`[data-focus-key="${CSS.escape(focused)}"]`);
      if (again) again.focus();
    }
  }

  function drawHead() {
    const s = model.get("session");
    redraw(head, JSON.stringify([s.code, s.title, s.ended, s.expires]), () => {
      code.textContent = s.ended
        ? `Session ${s.code} has ended.`
        : `Join code: ${s.code} (learners type it under "Join a live session"; it works until ${s.expires}).`;
      return [el("h2", {}, s.title), code, timer,
        button("Back to the list of sessions", { "data-focus-key": "back" }, () => model.send({ event: "close" }))];
    });
  }

  function tick() {
    const s = model.get("session");
    if (!s || !s.stage_started || s.ended || s.stage === null) { timer.textContent = ""; return; }
    const planned = s.agenda[s.stage].minutes * 60;
    const spent = Math.max(0, Math.floor((Date.now() - Date.parse(s.stage_started)) / 1000));
    const mmss = (x) => `${Math.floor(x / 60)}:${String(x % 60).padStart(2, "0")}`;
    const over = spent > planned ? ` (over by ${mmss(spent - planned)})` : "";
    timer.textContent = `This stage: ${mmss(spent)} of ${mmss(planned)} planned${over}.`;
    timer.dataset.over = spent > planned ? "yes" : "no";
  }
  setInterval(tick, 1000);

  function drawPace() {
    const s = model.get("session");
    redraw(pace, JSON.stringify([s.stage, s.ended, s.agenda.length]), () => {
      const ol = el("ol", { class: "espec-console-stages" });
      s.agenda.forEach((stage, i) => {
        const b = button(`${i + 1}. ${stage.title} (${stage.minutes} min)`, { "data-focus-key": "stage-" + i }, () => model.send({ event: "stage", index: i }));
        if (i === s.stage) { b.setAttribute("aria-current", "step"); b.classList.add("espec-current"); }
        b.disabled = Boolean(s.ended);
        ol.append(elWith("li", {}, b));
      });
      const next = s.stage === null ? 0 : s.stage + 1;
      const controls = elWith("p", { class: "espec-actions" });
      if (!s.ended && next < s.agenda.length) {
        const go = el("button", { type: "button", class: "espec-button espec-primary", "data-focus-key": "next" },
          s.stage === null ? "Start: open stage 1" : `Next stage (${next + 1} of ${s.agenda.length})`);
        go.addEventListener("click", () => model.send({ event: "stage", index: next }));
        controls.append(go);
      }
      return [el("h2", {}, "Stages"), ol, controls];
    });
  }

  const html = (tree, cls = "espec-text", tag = "div") => fromTree(tree, cls, tag); // scenario text, as plain data

  function drawStage() {
    const st = model.get("stage");
    redraw(stageBox, JSON.stringify([st.id]), () => {
      if (!st.id) return [el("h2", { id: uid + "-stage-h" }, "Before the first stage"), el("p", {}, "Learners who join see a waiting page until you open stage 1.")];
      const parts = [el("h2", { id: uid + "-stage-h" }, `Stage ${st.index + 1} of ${st.count}: ${st.title}`)];
      if (st.notes) {
        const notes = el("aside", { class: "espec-console-notes", "aria-label": "Facilitator notes (only you see these)" });
        notes.append(el("h3", {}, "Facilitator notes (only you see these)"), html(st.notes));
        if (st.discussion && st.discussion.length) {
          notes.append(el("h3", {}, "Discussion prompts"));
          const ul = el("ul");
          for (const d of st.discussion) ul.append(elWith("li", {}, html(d)));
          notes.append(ul);
        }
        parts.push(notes);
      }
      const seen = el("details", { class: "espec-console-seen" });
      seen.append(el("summary", {}, "What learners see in this stage"));
      if (st.narrative && st.narrative.length) seen.append(html(st.narrative));
      for (const scene of st.scenes || []) {
        const later = (st.after_poll || []).includes(scene.id);
        seen.append(el("h4", {}, scene.title + (later ? " (learners see it once you reveal the poll)" : "")));
        if (scene.narrative && scene.narrative.length) seen.append(html(scene.narrative));
        for (const line of scene.lines) {
          const p = el("p");
          p.append(el("strong", {}, line.speaker + ": "), html(line.text, "espec-inline", "span"));
          seen.append(p);
        }
      }
      if (st.wall) seen.append(el("h4", {}, "Wall question"), html(st.wall.question));
      parts.push(seen);
      return parts;
    });
  }

  function drawPoll() {
    const st = model.get("stage");
    const poll = model.get("poll");
    redraw(pollBox, JSON.stringify([st.id, poll]), () => {
      if (!st.poll || !poll.id) return [];
      const parts = [el("h2", { id: uid + "-poll-h" }, "Poll"), html(st.poll.question)];
      const words = { waiting: "Not opened yet.", open: "Open: answers are arriving.", closed: "Closed." };
      parts.push(el("p", { class: "espec-console-poll-state" },
        `${words[poll.state] || ""} ${poll.revealed ? "Results are shown to learners." : "Results are hidden from learners."}`));
      const actions = elWith("p", { class: "espec-actions" });
      if (poll.state !== "open") actions.append(button(poll.state === "closed" ? "Reopen the poll" : "Open the poll", { "data-focus-key": "open", class: "espec-button espec-primary" }, () => model.send({ event: "poll", action: "open" })));
      else actions.append(button("Close the poll", { "data-focus-key": "close" }, () => model.send({ event: "poll", action: "close" })));
      actions.append(poll.revealed
        ? button("Hide the results from learners", { "data-focus-key": "hide" }, () => model.send({ event: "poll", action: "hide" }))
        : button("Show the results to learners", { "data-focus-key": "reveal" }, () => model.send({ event: "poll", action: "reveal" })));
      parts.push(actions, tallyChart(st.poll, { ...poll.tally, others: [] }, { caption: "Live tally" }));
      if (poll.own_words && poll.own_words.length) {
        // Every answer in a learner's own words, with who wrote it hidden; each can be kept out
        // of the results learners see (its choice still counts).
        parts.push(el("h3", {}, "Answers in their own words"));
        const ul = el("ul", { class: "espec-console-posts", "aria-label": "Answers in their own words" });
        poll.own_words.forEach((w, i) => {
          const item = el("li", { class: "espec-console-post" + (w.hidden ? " espec-hidden-post" : "") });
          item.append(el("span", { class: "espec-post-text" }, w.text),
            el("span", { class: "espec-badge", "data-kind": w.hidden ? "incorrect" : "info" }, w.hidden ? " Hidden from learners" : " Shown with the results"),
            w.hidden
              ? button("Show", { "data-focus-key": `own-show-${w.id}`, "aria-label": `Show answer ${i + 1} in the results` }, () => model.send({ event: "answer", id: w.id, action: "show" }))
              : button("Hide", { "data-focus-key": `own-hide-${w.id}`, "aria-label": `Hide answer ${i + 1} from the results` }, () => model.send({ event: "answer", id: w.id, action: "hide" })));
          ul.append(item);
        });
        parts.push(ul);
      }
      if (st.debriefs && st.debriefs.length) {
        const notes = el("details", { class: "espec-console-debriefs" });
        notes.append(el("summary", {}, "Debrief notes for each option (only you see these)"));
        const dl = el("dl");
        st.poll.options.forEach((text, i) => { dl.append(el("dt", {}, text)); const dd = el("dd"); dd.append(html(st.debriefs[i] || "")); dl.append(dd); });
        notes.append(dl);
        parts.push(notes);
      }
      return parts;
    });
  }

  function drawWall() {
    const st = model.get("stage");
    const s = model.get("session");
    const posts = model.get("posts");
    redraw(wallBox, JSON.stringify([st.id, posts, s.show_names]), () => {
      if (!st.wall) return [];
      const names = el("input", { type: "checkbox", id: uid + "-names", "data-focus-key": "names" });
      names.checked = s.show_names;
      names.addEventListener("change", () => model.send({ event: "names", show: names.checked }));
      const ul = el("ul", { class: "espec-console-posts", "aria-label": "Posts" });
      for (const p of posts) {
        const state = p.hidden ? "Hidden from learners" : p.spotlight ? "In the spotlight" : "Shown";
        const item = el("li", { class: "espec-console-post" + (p.hidden ? " espec-hidden-post" : "") + (p.spotlight ? " espec-spotlight" : "") });
        item.append(el("strong", {}, p.author + ": "), el("span", { class: "espec-post-text" }, p.text), el("span", { class: "espec-badge", "data-kind": p.hidden ? "incorrect" : "info" }, " " + state));
        const acts = elWith("span", { class: "espec-actions" },
          p.hidden ? button("Show", { "data-focus-key": `show-${p.id}`, "aria-label": `Show post ${p.id}` }, () => model.send({ event: "post", id: p.id, action: "show" }))
                   : button("Hide", { "data-focus-key": `hide-${p.id}`, "aria-label": `Hide post ${p.id}` }, () => model.send({ event: "post", id: p.id, action: "hide" })),
          p.spotlight ? button("Remove the spotlight", { "data-focus-key": `unspot-${p.id}` }, () => model.send({ event: "post", id: p.id, action: "unspotlight" }))
                      : button("Spotlight", { "data-focus-key": `spot-${p.id}`, "aria-label": `Spotlight post ${p.id}` }, () => model.send({ event: "post", id: p.id, action: "spotlight" })));
        item.append(acts);
        ul.append(item);
      }
      if (!posts.length) ul.append(el("li", {}, "No posts yet."));
      return [el("h2", { id: uid + "-wall-h" }, `Wall (${posts.length})`), html(st.wall.question),
        elWith("p", {}, names, el("label", { for: uid + "-names" }, " Show authors' names to learners (on every post of this session, earlier ones too)")), ul];
    });
  }

  function drawRoster() {
    const roster = model.get("roster");
    redraw(rosterBox, JSON.stringify(roster), () => {
      const here = roster.filter((p) => p.present).length;
      const table = el("table", { class: "espec-console-roster-table" });
      table.append(el("caption", {}, `${here} present, ${roster.length} joined`));
      const headRow = el("tr");
      for (const h of ["Learner", "Now", "Minutes present", "Joined at"]) headRow.append(el("th", { scope: "col" }, h));
      table.append(elWith("thead", {}, headRow));
      const body = el("tbody");
      for (const p of roster) {
        const tr = el("tr");
        tr.append(el("td", {}, p.name), el("td", {}, p.present ? "Present" : "Left"),
          el("td", {}, String(p.minutes)), el("td", {}, p.joined + (p.rejoined ? ` (rejoined ${p.rejoined}×)` : "")));
        body.append(tr);
      }
      table.append(body);
      return [el("h2", { id: uid + "-roster-h" }, "Who is here"), table];
    });
  }

  function drawEnd() {
    const s = model.get("session");
    redraw(endBox, JSON.stringify([s.ended, s.started]), () => {
      const parts = [el("h2", { id: uid + "-end-h" }, s.ended ? "Report" : "End and report")];
      const acts = elWith("p", { class: "espec-actions" });
      if (!s.ended) acts.append(button("End the session", { "data-focus-key": "end" }, () => {
        if (window.confirm("End the session for everyone? Learners can no longer answer or post.")) model.send({ event: "end" });
      }));
      acts.append(button("Download the report (CSV)", { "data-focus-key": "csv" }, () => model.send({ event: "report", format: "csv" })),
        button("Download the report (PDF)", { "data-focus-key": "pdf" }, () => model.send({ event: "report", format: "pdf" })));
      parts.push(acts);
      return parts;
    });
  }

  model.on("msg:custom", (msg) => {
    const name = saveDownload(msg);
    if (name) status.textContent = `Downloaded ${name}.`;
  });

  function sync() {
    const phase = model.get("phase");
    lock.hidden = phase !== "locked";
    list.hidden = phase !== "sessions";
    run.hidden = phase !== "run";
    heading.textContent = model.get("staff_name") ? `Instructor console · ${model.get("staff_name")}` : "Instructor console";
    if (phase === "sessions") drawList();
    if (phase === "run" && model.get("session").id) {
      drawHead(); drawPace(); drawStage(); drawPoll(); drawWall(); drawRoster(); drawEnd(); tick();
    }
  }
  model.on("change:status", () => { status.textContent = model.get("status"); });
  for (const name of ["phase", "staff_name", "sessions", "scenarios", "session", "stage", "poll", "roster", "posts"]) model.on("change:" + name, sync);
  status.textContent = model.get("status");
  sync();
}

export default { render };
