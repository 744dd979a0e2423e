// The learner's credit page: requirements per Part, the post-test, the evaluation, certificates,
// the learner's own change across Part I, and the course record.
//
// Everything shown comes from the kernel; the page sends actions only. The post-test arrives as
// stems and options (no key); after submitting, the kernel sends each answer and its rationale.
// Choice groups are fieldsets with legends; every status is announced; met and unmet
// requirements say so in words, not by colour.

function render({ model, el: host }) {
  const uid = "espec-credit-" + Math.random().toString(36).slice(2, 10);
  const root = el("section", { class: "espec-credit", "aria-labelledby": uid + "-h" });
  const heading = el("h2", { id: uid + "-h" }, "Your credit");
  const status = el("p", { class: "espec-status", role: "status", "aria-live": "polite" });
  const partsBox = el("div", { class: "espec-credit-parts" });
  const testBox = el("div", { class: "espec-credit-test" });
  const resultBox = el("div", { class: "espec-credit-result" });
  const evalBox = el("div", { class: "espec-credit-evaluation" });
  const growthBox = el("div", { class: "espec-credit-growth" });
  const courseBox = el("div", { class: "espec-credit-course" });
  root.append(heading, status, resultBox, testBox, evalBox, partsBox, growthBox, courseBox);
  host.append(root);

  function focusHeading(box) {
    const h = box.querySelector("h3");
    if (!h) return;
    h.setAttribute("tabindex", "-1");
    h.focus();
  }

  function radios(name, legend, options, { describedBy } = {}) {
    const set = el("fieldset", { class: "espec-credit-choice" });
    const leg = el("legend", {}, legend);
    set.append(leg);
    if (describedBy) set.setAttribute("aria-describedby", describedBy);
    options.forEach((text, i) => {
      const id = `${name}-${i}`;
      const input = el("input", { type: "radio", name, id, value: String(i) });
      set.append(elWith("div", { class: "espec-credit-option" }, input, el("label", { for: id }, text)));
    });
    return set;
  }
  function chosen(form, name) {
    const hit = form.querySelector(`input[name="${CSS.escape(name)}"]:checked`);
    return hit ? Number(hit.value) : null;
  }

  // Parts: requirements and actions
  function drawParts() {
    partsBox.replaceChildren();
    if (!model.get("ready")) return;
    for (const p of model.get("parts")) {
      const hid = `${uid}-part-${p.part}`;
      const sec = el("section", { class: "espec-credit-part", "aria-labelledby": hid });
      sec.append(el("h3", { id: hid }, p.title));
      sec.append(el("p", {}, `${p.hours} CE hours (${p.split || "not split by category"}); ${p.format}.`));
      const list = el("ul", { class: "espec-credit-requirements", "aria-label": `What Part ${p.part} needs` });
      for (const r of p.requirements) {
        const li = el("li", { "data-met": r.met ? "yes" : "no" });
        li.append(el("strong", {}, r.met ? "Done: " : "Still to do: "), document.createTextNode(r.label + ". "));
        if (r.detail) li.append(el("span", { class: "espec-hint" }, r.detail));
        list.append(li);
      }
      sec.append(list);
      const acts = el("p", { class: "espec-actions" });
      if (p.can_test) {
        const b = el("button", { type: "button", class: "espec-button espec-primary" },
          `Take the post-test (${p.test_length} questions)`);
        b.addEventListener("click", () => model.send({ event: "start_test", part: p.part }));
        acts.append(b);
      }
      if (p.can_evaluate) {
        const b = el("button", { type: "button", class: "espec-button espec-secondary" },
          `Complete the Part ${p.part} evaluation`);
        b.addEventListener("click", () => model.send({ event: "open_evaluation", part: p.part }));
        acts.append(b);
      }
      if (acts.childNodes.length) sec.append(acts);
      if (p.can_certify) sec.append(certificateForm(p));
      if (p.certificate && p.certificate.id) sec.append(certificateView(p));
      partsBox.append(sec);
    }
  }

  function field(id, label, hint, attrs = {}) {
    const input = el("input", { id, type: "text", autocomplete: "off", ...attrs });
    const wrap = el("div", { class: "espec-credit-field" });
    wrap.append(el("label", { for: id }, label));
    if (hint) {
      wrap.append(el("p", { id: id + "-hint", class: "espec-hint" }, hint));
      input.setAttribute("aria-describedby", id + "-hint");
    }
    wrap.append(input);
    return [wrap, input];
  }

  function certificateForm(p) {
    const form = el("form", { class: "espec-credit-certify", novalidate: "", "aria-label": `Part ${p.part} certificate` });
    const base = `${uid}-cert-${p.part}`;
    const [nameWrap, name] = field(base + "-name", "Your name as it should appear on the certificate", "", { maxlength: "120", autocomplete: "name" });
    name.value = p.default_name || "";
    const [numWrap, num] = field(base + "-num", "Licence number (optional)", "Printed on the certificate if you give it.", { maxlength: "40" });
    const [stWrap, st] = field(base + "-state", "Licensing state (optional)", "", { maxlength: "40" });
    const go = el("button", { type: "submit", class: "espec-button espec-primary" }, "Issue my certificate");
    form.append(el("p", {}, "Every requirement is met. Check your details, then issue your certificate."),
      nameWrap, numWrap, stWrap, elWith("p", { class: "espec-actions" }, go));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      model.send({ event: "certificate", part: p.part, name: name.value, licence_number: num.value, licence_state: st.value });
    });
    return form;
  }

  function certificateView(p) {
    const box = el("div", { class: "espec-credit-certificate" });
    box.append(el("h4", {}, "Your certificate"));
    const dl = el("dl", {});
    for (const [k, v] of p.certificate.fields) dl.append(el("dt", {}, k), el("dd", {}, v));
    box.append(dl, el("p", { class: "espec-hint" }, p.certificate.statement));
    const b = el("button", { type: "button", class: "espec-button espec-primary" }, "Download the certificate (PDF)");
    b.addEventListener("click", () => model.send({ event: "download", part: p.part }));
    box.append(elWith("p", { class: "espec-actions" }, b));
    return box;
  }

  // The post-test
  let shownAttempt = null;
  function drawTest() {
    const test = model.get("test");
    if (!test.attempt) {
      testBox.replaceChildren();
      shownAttempt = null;
      return;
    }
    if (shownAttempt === test.attempt) return;  // keep the learner's choices
    shownAttempt = test.attempt;
    testBox.replaceChildren();
    const hid = uid + "-test-h";
    const form = el("form", { novalidate: "", "aria-labelledby": hid });
    form.append(el("h3", { id: hid }, `Part ${test.part} post-test`),
      el("p", {}, `${test.questions.length} questions, one answer each. Nothing is marked until you submit; you need ${test.pass_mark}% to pass. A retake asks a new selection of questions.`));
    const count = el("p", { class: "espec-hint" });
    const update = () => {
      const n = test.questions.filter((q) => chosen(form, `${uid}-q-${q.id}`) !== null).length;
      count.textContent = `${n} of ${test.questions.length} answered.`;
    };
    for (const q of test.questions) {
      const set = radios(`${uid}-q-${q.id}`, `Question ${q.number} of ${test.questions.length}: ${q.stem}`, q.options);
      set.addEventListener("change", update);
      form.append(set);
    }
    const go = el("button", { type: "submit", class: "espec-button espec-primary" }, "Submit the post-test");
    form.append(count, elWith("p", { class: "espec-actions" }, go));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const answers = {};
      for (const q of test.questions) {
        const c = chosen(form, `${uid}-q-${q.id}`);
        if (c !== null) answers[q.id] = c;
      }
      model.send({ event: "submit_test", attempt: test.attempt, answers });
    });
    update();
    testBox.append(form);
    focusHeading(testBox);
  }

  function drawResult() {
    const r = model.get("result");
    resultBox.replaceChildren();
    if (r.total === undefined) return;
    const hid = uid + "-result-h";
    const sec = el("section", { "aria-labelledby": hid });
    sec.append(el("h3", { id: hid }, r.passed ? "You passed the post-test" : "Not passed yet"),
      el("p", {}, `You scored ${r.score} of ${r.total} (${r.percent}%); ${r.pass_mark}% is needed to pass.` +
        (r.passed ? "" : " You may retake it: a retake asks a new selection of questions.")));
    if (r.revisit.length) {
      sec.append(el("h4", {}, "Objectives to revisit"));
      const ul = el("ul", {});
      for (const o of r.revisit) ul.append(el("li", {}, `${o.objective} (in “${o.case}”)`));
      sec.append(ul);
    }
    sec.append(el("h4", {}, "Every question, with its rationale"));
    const ol = el("ol", { class: "espec-credit-review" });
    for (const q of r.review) {
      const li = el("li", {});
      li.append(el("p", {}, q.stem),
        el("p", {}, `Your answer: ${q.yours} (${q.correct ? "right" : "not right"}).`));
      if (!q.correct) li.append(el("p", {}, `The answer: ${q.answer}.`));
      li.append(el("p", { class: "espec-hint" }, q.rationale));
      ol.append(li);
    }
    sec.append(ol);
    const close = el("button", { type: "button", class: "espec-button espec-secondary" }, "Close the review");
    close.addEventListener("click", () => model.send({ event: "close", what: "result" }));
    sec.append(elWith("p", { class: "espec-actions" }, close));
    resultBox.append(sec);
    focusHeading(resultBox);
  }

  // The evaluation
  let shownEval = null;
  function drawEvaluation() {
    const ev = model.get("evaluation");
    if (!ev.part) {
      evalBox.replaceChildren();
      shownEval = null;
      return;
    }
    if (shownEval === ev.part) return;
    shownEval = ev.part;
    evalBox.replaceChildren();
    const hid = uid + "-eval-h";
    const form = el("form", { novalidate: "", "aria-labelledby": hid });
    form.append(el("h3", { id: hid }, `Evaluation: ${ev.title}`),
      el("p", {}, "Your answers are seen by the course team only in aggregate, with everyone else's. Comments are optional."));
    const reminder = el("p", { id: uid + "-eval-privacy", class: "espec-hint" },
      "Do not enter names, dates, places or any other detail that could identify a patient, family or colleague.");
    const texts = {};
    for (const q of ev.questions) {
      const name = `${uid}-ev-${q.id}`;
      if (q.kind === "text") {
        const wrap = el("div", { class: "espec-credit-field" });
        const area = el("textarea", { id: name, rows: "3", maxlength: "2000", "aria-describedby": uid + "-eval-privacy" });
        wrap.append(el("label", { for: name }, q.label), area);
        texts[q.id] = area;
        form.append(wrap);
      } else {
        form.append(radios(name, q.label, q.options));
      }
    }
    form.insertBefore(reminder, form.querySelector("textarea")?.parentNode || null);
    const go = el("button", { type: "submit", class: "espec-button espec-primary" }, "Submit the evaluation");
    const cancel = el("button", { type: "button", class: "espec-button espec-secondary" }, "Not now");
    cancel.addEventListener("click", () => model.send({ event: "close", what: "evaluation" }));
    form.append(elWith("p", { class: "espec-actions" }, go, cancel));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const answers = {};
      for (const q of ev.questions) {
        if (q.kind === "text") {
          if (texts[q.id].value.trim()) answers[q.id] = texts[q.id].value;
        } else {
          const c = chosen(form, `${uid}-ev-${q.id}`);
          if (c !== null) answers[q.id] = c;
        }
      }
      model.send({ event: "evaluate", part: ev.part, answers });
    });
    evalBox.append(form);
    focusHeading(evalBox);
  }

  // The learner's own change across Part I
  function drawGrowth() {
    growthBox.replaceChildren();
    const cases = model.get("growth");
    if (!model.get("ready") || !cases.length) return;
    const hid = uid + "-growth-h";
    const sec = el("section", { "aria-labelledby": hid });
    sec.append(el("h3", { id: hid }, "Your own change across Part I"),
      el("p", {}, "Where you placed yourself before each case and now, from your self-assessments. Only you see this."));
    for (const c of cases) {
      const table = el("table", { class: "espec-credit-growth-table" });
      table.append(el("caption", {}, c.case));
      const head = el("tr", {});
      head.append(el("th", { scope: "col" }, "Statement"), el("th", { scope: "col" }, "Before the case"),
        el("th", { scope: "col" }, "Now"), el("th", { scope: "col" }, "Change"));
      const thead = el("thead", {}); thead.append(head);
      const tbody = el("tbody", {});
      for (const r of c.rows) {
        const tr = el("tr", {});
        const bar = (v) => {
          const cell = el("td", {});
          const track = el("span", { class: "espec-credit-bar", "aria-hidden": "true" });
          const fill = el("span", { class: "espec-credit-bar-fill", style: `width:${Math.round(100 * (v + 1) / r.points)}%` });
          track.append(fill);
          cell.append(track, document.createTextNode(` ${v + 1} of ${r.points}`));
          return cell;
        };
        const b = bar(r.before); b.append(document.createTextNode(`: ${r.before_label}`));
        const n = bar(r.now); n.append(document.createTextNode(`: ${r.now_label}`));
        const d = r.now - r.before;
        tr.append(el("th", { scope: "row" }, r.statement), b, n,
          el("td", {}, d > 0 ? `up ${d}` : d < 0 ? `down ${-d}` : "no change"));
        tbody.append(tr);
      }
      table.append(thead, tbody);
      sec.append(table);
    }
    growthBox.append(sec);
  }

  // The course record
  function drawCourse() {
    courseBox.replaceChildren();
    const c = model.get("course");
    if (!c.title) return;
    const det = el("details", { class: "espec-credit-about" });
    det.append(el("summary", {}, "About this course: hours, objectives, authors, disclosures and references"));
    det.append(el("p", {}, `${c.title}, edition ${c.version}. For: ${c.audience}`));
    for (const p of c.parts) {
      det.append(el("h4", {}, p.title),
        el("p", {}, `${p.hours} CE hours${p.split ? " (" + p.split + ")" : ""}; ${p.format}; ${p.level} level.`),
        el("p", {}, `To earn it: ${p.requirements}`));
      const ul = el("ul", { "aria-label": `${p.title}: learning objectives` });
      for (const o of p.objectives) ul.append(el("li", {}, o));
      det.append(ul);
    }
    det.append(el("h4", {}, "Authors and planners"));
    const people = el("ul", {});
    for (const x of c.contributors) people.append(el("li", {}, x));
    det.append(people, el("h4", {}, "Conflict of interest"), el("p", {}, c.coi),
      el("h4", {}, "Commercial support"), el("p", {}, c.support), el("h4", {}, "References"));
    const refs = el("ul", {});
    for (const x of c.references) refs.append(el("li", {}, x));
    det.append(refs);
    courseBox.append(det);
  }

  model.on("msg:custom", saveDownload);  // the kernel says "Downloaded ..." in the status

  const drawStatus = () => { status.textContent = model.get("status"); };
  model.on("change:status", drawStatus);
  model.on("change:parts", drawParts);
  model.on("change:ready", () => { drawParts(); drawGrowth(); });
  model.on("change:test", drawTest);
  model.on("change:result", drawResult);
  model.on("change:evaluation", drawEvaluation);
  model.on("change:growth", drawGrowth);
  model.on("change:course", drawCourse);
  drawStatus(); drawParts(); drawTest(); drawResult(); drawEvaluation(); drawGrowth(); drawCourse();
}

export default { render };
