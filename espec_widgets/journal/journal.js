// My journal: the learner's reflections, rewrites, self-assessments and wall posts by Part and
// case; downloads (Word, Markdown, all my data as JSON); the learning-record setting; deletion.
//
// Everything shown comes from the kernel, as text (never markup); the page sends actions only.
// Deleting needs the confirmation words typed, and the kernel checks them again.

function render({ model, el: host }) {
  const uid = "espec-journal-" + Math.random().toString(36).slice(2, 10);
  const root = el("div", { class: "espec-journal" });
  const status = el("p", { class: "espec-status", role: "status", "aria-live": "polite" });

  // My journal
  const jid = uid + "-h";
  const jsec = el("section", { class: "espec-journal-entries", "aria-labelledby": jid });
  const jhead = el("h2", { id: jid }, "My journal");
  const intro = el("p", {});
  const word = el("button", { type: "button", class: "espec-button espec-primary" }, "Download as a Word document");
  const md = el("button", { type: "button", class: "espec-button espec-secondary" }, "Download as Markdown");
  word.addEventListener("click", () => model.send({ event: "download", format: "docx" }));
  md.addEventListener("click", () => model.send({ event: "download", format: "md" }));
  const downloads = elWith("p", { class: "espec-actions" }, word, md);
  const entries = el("div", {});
  jsec.append(jhead, intro, downloads, entries);

  // My data
  const did = uid + "-data-h";
  const dsec = el("section", { class: "espec-journal-data", "aria-labelledby": did });
  const held = el("ul", { "aria-label": "What the workbook holds about you" });
  const json = el("button", { type: "button", class: "espec-button espec-secondary" }, "Download all my data (JSON)");
  json.addEventListener("click", () => model.send({ event: "download", format: "json" }));
  const optIn = el("input", { type: "checkbox", id: uid + "-xapi" });
  const optHint = el("p", { class: "espec-hint", id: uid + "-xapi-hint" });
  optIn.setAttribute("aria-describedby", uid + "-xapi-hint");
  optIn.addEventListener("change", () => model.send({ event: "xapi_text", value: optIn.checked }));
  dsec.append(
    el("h2", { id: did }, "My data"),
    el("p", {}, "Everything this workbook keeps about you is yours to take: your name, every answer with its time, your reflections, your progress, post-test attempts, certificates, and live-session attendance, poll answers and wall posts."),
    held,
    elWith("p", { class: "espec-actions" }, json),
    el("h3", {}, "Learning records"),
    elWith("p", { class: "espec-keep" }, optIn,
      el("label", { for: uid + "-xapi" }, " Include the text of my reflections in my learning records")),
    optHint,
  );

  // Delete my data
  const xid = uid + "-delete-h";
  const xsec = el("section", { class: "espec-journal-delete", "aria-labelledby": xid });
  const what = el("p", {});
  const kept = el("p", { class: "espec-warning" });
  const form = el("form", {});
  const confirm = el("input", { type: "text", id: uid + "-confirm", autocomplete: "off", spellcheck: "false" });
  const go = el("button", { type: "submit", class: "espec-button espec-danger" }, "Delete my data permanently");
  form.append(
    elWith("label", { for: uid + "-confirm" }, "To confirm, type ", el("strong", {}, "delete my data")),
    confirm,
    elWith("p", { class: "espec-actions" }, go),
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    model.send({ event: "delete", confirm: confirm.value });
  });
  xsec.append(el("h2", { id: xid }, "Delete my data"), what, kept, form);
  root.append(status, jsec, dsec, xsec);
  host.append(root);

  function drawEntries() {
    entries.replaceChildren();
    const ready = model.get("ready");
    jsec.hidden = !ready;
    if (!ready) { intro.textContent = ""; return; }
    const n = model.get("count");
    intro.textContent = n
      ? `${n} entr${n === 1 ? "y" : "ies"}, by Part and case, with the prompt each answers. Only you can see them.`
      : "Nothing written yet: your reflections, rewrites and self-assessments will appear here.";
    for (const p of model.get("parts")) {
      const pid = `${uid}-part-${p.part}`;
      const psec = el("section", { "aria-labelledby": pid });
      psec.append(el("h3", { id: pid }, `Part ${p.part}: ${p.title}`));
      for (const s of p.sections) {
        psec.append(el("h4", {}, s.title));
        for (const e of s.entries) {
          const art = el("article", { class: "espec-journal-entry" });
          art.append(el("h5", {}, `${e.kind}: ${e.title}`));
          if (e.prompt) art.append(elWith("p", { class: "espec-hint" }, el("strong", {}, "Prompt: "), e.prompt));
          if (e.said) art.append(elWith("p", { class: "espec-hint" }, el("strong", {}, "The line you rewrote: "), e.said));
          art.append(elWith("p", { class: "espec-hint" }, el("strong", {}, "Written: "), e.when));
          for (const para of e.text.split(/\n\s*\n/).filter((x) => x.trim())) {
            art.append(el("blockquote", { class: "espec-journal-text" }, para.trim()));
          }
          if (e.ratings.length) {
            const ul = el("ul", { "aria-label": `${e.title}: your ratings` });
            for (const r of e.ratings) {
              const said = [];
              if (r.before !== null) said.push(`before the case: ${r.before}`);
              if (r.now !== null) said.push(`now: ${r.now}`);
              ul.append(el("li", {}, `${r.statement}: ${said.join("; ")}`));
            }
            art.append(ul);
          }
          psec.append(art);
        }
      }
      entries.append(psec);
    }
  }

  function drawData() {
    const ready = model.get("ready");
    dsec.hidden = xsec.hidden = !ready;
    held.replaceChildren();
    for (const line of model.get("held")) held.append(el("li", {}, line));
    optIn.checked = model.get("xapi_text");
    optHint.textContent = (model.get("lrs")
      ? "This workbook sends learning records (xAPI) to your organisation's learning record store. "
      : "This workbook does not send learning records anywhere now; an operator may export them. ")
      + "They say what you did (opened a case, answered, completed, passed) under a code, not your name. The words of your reflections are left out unless you tick this.";
    what.textContent = "This removes you and everything linked to you from the workbook: your name, answers, reflections, progress, post-test attempts, evaluations, live-session attendance, poll answers, wall posts and learning records not yet sent. It cannot be undone; download your journal and data first if you want to keep them."
      + (model.get("hub") ? " You signed in through your organisation: a later visit starts a new, empty workbook." : "");
    const c = model.get("certificates");
    kept.hidden = !c;
    kept.textContent = c
      ? `Your ${c === 1 ? "certificate stays" : c + " certificates stay"} as a verification record only: the certificate ID, your name as printed, the course, Part, hours and date, so that an employer or board can still check ${c === 1 ? "it" : "them"}. Your licence number, the link to you and the other details on ${c === 1 ? "it" : "them"} are removed.`
      : "";
    if (model.get("deleted")) { confirm.value = ""; }
  }

  model.on("msg:custom", saveDownload);
  const drawStatus = () => { status.textContent = model.get("status"); };
  model.on("change:status", drawStatus);
  for (const name of ["ready", "parts", "count"]) model.on("change:" + name, drawEntries);
  for (const name of ["ready", "held", "xapi_text", "lrs", "certificates", "hub", "deleted"]) model.on("change:" + name, drawData);
  drawStatus(); drawEntries(); drawData();
}

export default { render };
