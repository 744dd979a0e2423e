// A learner's page in a live session: the join form, then the stage the instructor has open.
//
// The kernel sends the stage (author text as a tree of plain data, built here as text), the
// poll's state, the learner's own answer, the wall as moderated and, once revealed, the result.
// The page only sends actions: join, answer, post. Learner-written text (posts, "other"
// answers) is always textContent. What the learner is typing survives every update: the stage
// is rebuilt only when the group moves on, the poll only when its state changes.

function render({ model, el: host }) {
  const uid = "espec-live-" + Math.random().toString(36).slice(2, 10);
  const root = el("section", { class: "espec-live", "aria-labelledby": uid + "-h" });
  const heading = el("h2", { id: uid + "-h" }, "Live session");
  const status = el("p", { class: "espec-status", role: "status", "aria-live": "polite" });
  const news = el("p", { class: "espec-live-news", role: "status", "aria-live": "polite" });

  // Join
  const join = el("form", { class: "espec-live-join", novalidate: "" });
  const codeInput = el("input", {
    id: uid + "-code", type: "text", maxlength: "12", autocomplete: "off", spellcheck: "false",
    autocapitalize: "characters", "aria-describedby": uid + "-code-hint",
  });
  join.append(
    el("label", { for: uid + "-code" }, "Session code"),
    el("p", { id: uid + "-code-hint", class: "espec-hint" },
      "Your instructor shows a code of six letters and digits at the start of the session."),
    codeInput,
    elWith("p", { class: "espec-actions" },
      el("button", { type: "submit", class: "espec-button espec-primary" }, "Join the session")),
  );
  join.addEventListener("submit", (e) => {
    e.preventDefault();
    model.send({ event: "join", code: codeInput.value });
  });

  // In the session
  const inside = el("div", { class: "espec-live-inside" });
  const about = el("p", { class: "espec-live-about" });
  const waiting = el("p", { class: "espec-live-waiting" },
    "You have joined. The session starts when your instructor opens the first stage; this page follows by itself.");
  const stageBox = el("div", { class: "espec-live-stage" });
  const ended = elWith("div", { class: "espec-live-ended" },
    el("p", {}, "The session has ended. Thank you for taking part: your answers and posts are kept with the session's report."),
    pageLink("index.ipynb", "Back to the workbook"));
  const leave = el("button", { type: "button", class: "espec-button espec-secondary" }, "Leave this session");
  leave.addEventListener("click", () => model.send({ event: "leave" }));
  const leaveLine = elWith("p", { class: "espec-actions" }, leave);
  inside.append(about, waiting, stageBox, ended, leaveLine);
  root.append(heading, join, inside, news, status);
  host.append(root);

  let shownStage = null;   // the stage id the stage box shows
  let shownPoll = null;    // the poll's state, as last drawn
  let story = null, shownStory = null;
  let pollBox = null, pollForm = null, pollChart = null, shownChart = null, wallList = null, wallBox = null;

  function drawScenes(stage) {
    const box = el("div", { class: "espec-live-story" });
    if (stage.narrative.length) box.append(fromTree(stage.narrative));
    for (const scene of stage.scenes) {
      const part = el("section", { class: "espec-live-scene" });
      part.append(el("h4", {}, scene.title));
      if (scene.narrative.length) part.append(fromTree(scene.narrative));
      if (scene.lines.length) {
        const lines = el("div", { class: "espec-transcript" });
        for (const line of scene.lines) {
          const p = el("p", { class: "espec-line" });
          p.append(el("strong", {}, line.speaker + (line.direction ? ` (${line.direction})` : "") + ": "));
          p.append(fromTree(line.text, "espec-inline", "span"));
          lines.append(p);
        }
        part.append(lines);
      }
      box.append(part);
    }
    if (stage.held) {
      box.append(el("p", { class: "espec-hint espec-live-held" },
        stage.held === 1 ? "The rest of this stage's story appears once the poll's results are shown."
          : `The rest of this stage's story (${stage.held} scenes) appears once the poll's results are shown.`));
    }
    return box;
  }

  function drawPoll(poll) {
    const box = el("form", { class: "espec-live-poll", novalidate: "" });
    const set = el("fieldset", { "aria-describedby": uid + "-poll-state" });
    const legend = el("legend", {});
    const question = fromTree(poll.question);
    legend.append(el("span", { class: "espec-live-label" }, poll.multiple ? "Poll (choose all that apply)" : "Poll"), question);
    set.append(legend);
    const open = poll.state === "open";
    const answer = model.get("answer");
    poll.options.forEach((text, i) => {
      const id = `${uid}-opt-${i}`;
      const input = el("input", { id, type: poll.multiple ? "checkbox" : "radio", name: uid + "-poll", value: String(i) });
      input.checked = answer.choices.includes(i);
      input.disabled = !open;
      set.append(elWith("p", { class: "espec-live-option" }, input, el("label", { for: id }, " " + text)));
    });
    let other = null;
    if (poll.other) {
      other = el("input", {
        id: uid + "-other", type: "text", maxlength: String(model.get("limits").other),
        "aria-describedby": uid + "-other-hint",
      });
      other.value = answer.other || "";
      other.disabled = !open;
      set.append(el("label", { for: uid + "-other" }, "Or in your own words (optional)"), other,
        el("p", { id: uid + "-other-hint", class: "espec-hint" },
          "When results are shown, the group reads these words, without your name. Leave out anything that could identify a real person."));
    }
    const stateText = open
      ? (answer.choices.length || answer.other ? "Your answer is saved. You can change it while the poll is open." : "The poll is open.")
      : poll.state === "closed" ? "The poll is closed." : "The poll opens when your instructor opens it.";
    set.append(el("p", { id: uid + "-poll-state", class: "espec-hint" }, stateText));
    const save = el("button", { type: "submit", class: "espec-button espec-primary" },
      answer.choices.length || answer.other ? "Change my answer" : "Save my answer");
    save.disabled = !open;
    set.append(elWith("p", { class: "espec-actions" }, save));
    box.append(set);
    box.addEventListener("submit", (e) => {
      e.preventDefault();
      const choices = [...set.querySelectorAll("input[name]")].filter((x) => x.checked).map((x) => Number(x.value));
      model.send({ event: "answer", poll: poll.id, choices, other: other ? other.value : null });
    });
    return box;
  }

  function drawWall(wall) {
    const box = el("section", { class: "espec-live-wall", "aria-labelledby": uid + "-wall-h" });
    box.append(el("h4", { id: uid + "-wall-h" }, "Group wall"));
    box.append(fromTree(wall.question));
    const form = el("form", { class: "espec-live-post", novalidate: "" });
    const area = el("textarea", {
      id: uid + "-post", rows: "4", maxlength: String(model.get("limits").post),
      "aria-describedby": uid + "-reminder " + uid + "-anon",
    });
    const warning = el("p", { class: "espec-warning", role: "alert" });
    const anyway = el("button", { type: "button", class: "espec-button espec-secondary", hidden: "" }, "Post anyway");
    form.append(
      el("label", { for: uid + "-post" }, "Your post"),
      el("p", { id: uid + "-reminder", class: "espec-privacy" }, model.get("reminder")),
      el("p", { id: uid + "-anon", class: "espec-hint" }, ""),
      area, warning,
      elWith("p", { class: "espec-actions" },
        el("button", { type: "submit", class: "espec-button espec-primary" }, "Post to the wall"), anyway),
    );
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      model.send({ event: "post", text: area.value });
    });
    anyway.addEventListener("click", () => model.send({ event: "post", text: area.value, confirmed: true }));
    box.warning = warning; box.anyway = anyway; box.area = area; box.anon = form.querySelector(`#${uid}-anon`);
    const list = el("ul", { class: "espec-live-posts", "aria-label": "Posts on the wall" });
    box.append(form, list);
    wallList = list;
    return box;
  }

  function drawPosts() {
    if (!wallList) return;
    const posts = [...model.get("posts")].sort((a, b) => (b.spotlight - a.spotlight) || (a.id - b.id));
    wallList.replaceChildren(...posts.map((post) => {
      const item = el("li", { class: "espec-live-post-item" + (post.spotlight ? " espec-spotlight" : "") });
      if (post.spotlight) item.append(el("span", { class: "espec-badge", "data-kind": "info" }, "Spotlight"), " ");
      item.append(el("strong", {}, post.author + ": "), el("span", {}, post.text));
      return item;
    }));
    if (!posts.length) wallList.append(el("li", { class: "espec-hint" }, "No posts yet."));
    wallBox.anon.textContent = model.get("names_shown")
      ? "Your instructor has chosen to show names on the wall."
      : "Others see your post without your name unless your instructor chooses to show names; your instructor sees who wrote it.";
  }

  function drawStage() {
    const stage = model.get("stage");
    if (!stage || stage.id === undefined) { stageBox.replaceChildren(); shownStage = null; return; }
    const storyKey = stage.id + "|" + stage.scenes.length;
    if (shownStage === stage.id && shownStory !== storyKey && story) {
      // The poll was revealed: the scenes held back until now join the story.
      shownStory = storyKey;
      const fresh = drawScenes(stage);
      story.replaceWith(fresh);
      story = fresh;
    }
    if (shownStage !== stage.id) {
      shownStage = stage.id;
      shownPoll = null;
      const title = el("h3", { tabindex: "-1", class: "espec-live-stage-title" },
        `Stage ${stage.index + 1} of ${stage.count}: ${stage.title}`);
      pollBox = el("div", { class: "espec-live-poll-box" });
      pollForm = el("div");
      pollChart = el("div", { "aria-live": "polite" });
      pollBox.append(pollForm, pollChart);
      shownChart = null;
      wallBox = stage.wall ? drawWall(stage.wall) : null;
      if (!stage.wall) wallList = null;
      story = drawScenes(stage);
      shownStory = storyKey;
      stageBox.replaceChildren(title, story, pollBox, ...(wallBox ? [wallBox] : []));
      // The group moved on: keyboard and screen reader users start at the new stage's title,
      // unless they are at work elsewhere on the page (focus left with the old stage otherwise).
      if (!document.activeElement || document.activeElement === document.body) {
        title.focus({ preventScroll: true });
      }
    }
    const poll = stage.poll;
    // The form is drawn again only when the poll opens or closes or the saved answer changes
    // (never for other learners' answers); focus and what is being typed stay where they were.
    const key = poll ? JSON.stringify([poll.id, poll.state, model.get("answer")]) : null;
    if (key !== shownPoll) {
      shownPoll = key;
      const focused = pollBox.contains(document.activeElement) ? document.activeElement : null;
      const focusId = focused ? focused.id || "save" : null;
      const typed = focused && focused.type === "text" ? focused.value : null;
      pollForm.replaceChildren(...(poll ? [drawPoll(poll)] : []));
      if (focusId) {
        const again = focusId === "save" ? pollForm.querySelector("button[type=submit]") : pollForm.querySelector("#" + CSS.escape(focusId));
        if (again) {
          if (typed !== null) again.value = typed;
          again.focus({ preventScroll: true });
        }
      }
    }
    const chartKey = poll && poll.revealed && poll.tally ? JSON.stringify(poll.tally) : null;
    if (chartKey !== shownChart) {
      shownChart = chartKey;
      pollChart.replaceChildren(...(chartKey ? [tallyChart(poll, poll.tally)] : []));
    }
    drawPosts();
  }

  function sync() {
    const phase = model.get("phase");
    join.hidden = phase !== "join";
    inside.hidden = !["waiting", "stage", "ended"].includes(phase);
    waiting.hidden = phase !== "waiting";
    stageBox.hidden = phase !== "stage";
    ended.hidden = phase !== "ended";
    leaveLine.hidden = phase === "ended";
    heading.textContent = model.get("title") ? "Live session: " + model.get("title") : "Live session";
    about.textContent = model.get("code") ? `Session code ${model.get("code")}. Your name is shown to your instructor only${model.get("names_shown") ? " and, on the wall, to the group" : ""}.` : "";
    if (phase === "stage") drawStage();
  }

  model.on("change:status", () => { status.textContent = model.get("status"); });
  model.on("change:announce", () => { news.textContent = model.get("announce"); });
  model.on("change:post_warning", () => {
    if (!wallBox) return;
    const words = model.get("post_warning");
    wallBox.warning.textContent = words;
    wallBox.anyway.hidden = !words;
  });
  model.on("change:posts", drawPosts);
  model.on("msg:custom", (msg) => {
    // The kernel saved the learner's post: the box is emptied for the next one.
    if (!msg || msg.event !== "posted" || !wallBox) return;
    wallBox.area.value = "";
    wallBox.warning.textContent = "";
    wallBox.anyway.hidden = true;
  });
  for (const name of ["phase", "stage", "answer", "title", "code", "names_shown"]) model.on("change:" + name, sync);
  status.textContent = model.get("status");
  sync();
}

export default { render };
