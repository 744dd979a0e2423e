// The curriculum by Part: each module with its domains, time and the learner's status, and
// where to continue. Everything is text (statuses are words, not colours); the kernel decides it.
// "Complete" would claim more than the workbook knows: done means tried, so the card says that,
// and says apart how many graded answers were right at the last try.
const STATUS_WORDS = { "not started": "Not started", "in progress": "In progress", complete: "Every activity done" };

function render({ model, el: host }) {
  const uid = "espec-" + Math.random().toString(36).slice(2, 10);
  const root = el("nav", { class: "espec-navigator", "aria-label": "Your curriculum" });
  // Kept, not redrawn, so screen readers announce a change of where to continue.
  const note = el("p", { class: "espec-nav-note" });
  const next = el("p", { class: "espec-nav-continue", role: "status", "aria-live": "polite" });
  const parts = el("div");
  const journal = elWith("p", { class: "espec-nav-journal" },
    pageLink("journal.ipynb", "My journal"), ": your reflections and self-assessments from every case, to read or take away, and your data.");
  root.append(note, next, journal, parts);
  host.append(root);

  // Case links carry the learner's token so each case page resumes their work.
  function link(href, text) {
    const url = new URL(href, window.location.href);
    const token = model.get("token");
    if (token && !model.get("hub")) url.searchParams.set("learner", token);
    return el("a", { href: url.toString() }, text);
  }

  function draw() {
    parts.replaceChildren();
    note.textContent = model.get("note");
    next.replaceChildren();
    const target = model.get("continue_to");
    if (target && target.verb === "done") {
      next.textContent = "You have completed every module open to you. Well done.";
    } else if (target && target.href) {
      next.append(`${target.verb}: `, link(target.href, target.title));
      if (target.next) next.append(`. Next activity: ${target.next}`);
      if (!/[.?!]$/.test(next.textContent)) next.append(".");
    }

    model.get("parts").forEach((part, p) => {
      const hid = `${uid}-part-${p}`;
      const section = el("section", { class: "espec-nav-part", "aria-labelledby": hid });
      section.append(el("h2", { id: hid }, `Part ${part.part}: ${part.title}`));
      const hours = part.hours ? ` ${part.hours.toFixed(1)} CE hours.` : "";
      section.append(el("p", {}, part.blurb + hours));
      const rec = part.record || {};
      if (rec.format) {
        // The course record: what a CE provider states for the Part, and how credit is earned.
        section.append(el("p", { class: "espec-nav-record" },
          `Format: ${rec.format}; ${rec.level} level` + (rec.split ? `; hours by category: ${rec.split}.` : ".")));
        const det = el("details", { class: "espec-nav-about" });
        det.append(el("summary", {}, `Part ${part.part}: learning objectives and how to earn credit`));
        const ul = el("ul", {});
        for (const o of rec.objectives) ul.append(el("li", {}, o));
        det.append(ul, el("p", {}, `To earn it: ${rec.requirements}`));
        section.append(det);
      }
      if (part.credit) {
        const line = el("p", { class: "espec-nav-credit" });
        line.append(pageLink(part.credit, `Credit and certificates for Part ${part.part}`));
        section.append(line);
      }
      if (part.progress) section.append(el("p", { class: "espec-nav-progress" }, part.progress));
      if (part.lock) section.append(el("p", { class: "espec-nav-lock", "data-locked": String(part.locked) }, part.lock));
      if (part.join) {
        // A live Part: the instructor paces the group, so the learner joins with a code.
        const card = el("div", { class: "espec-card espec-nav-join" });
        const title = el("h3");
        title.append(pageLink(part.join, "Join a live session"));
        card.append(title, el("p", {},
          "At the start of a live session your instructor shows a code: open this page, type it, and follow the group from stage to stage. If you lose your connection, open it again to rejoin with your answers."));
        section.append(card);
      } else if (!part.modules.length && !part.locked) {
        section.append(el("p", { class: "espec-hint" }, "No modules yet."));
      }
      if (part.modules.length) {
        const list = el("ul", { class: "espec-nav-modules" });
        part.modules.forEach((m) => {
          const item = el("li", { class: "espec-nav-module", "data-status": m.status || "unknown" });
          const title = el("h3");
          title.append(link(m.href, m.title));
          item.append(title);
          const facts = el("dl");
          const fact = (term, value) => facts.append(el("dt", {}, term), el("dd", {}, value));
          fact("Time", `about ${m.minutes} minutes`);
          fact("Main domain", m.main_domain);
          const others = m.domains.filter((d) => d !== m.main_domain);
          if (others.length) fact("Also", others.join("; "));
          if (m.status) {
            let status = STATUS_WORDS[m.status] || m.status;
            if (m.status !== "not started") status += ` (${m.done} of ${m.total} activities done)`;
            fact("Your status", status);
            if (m.graded && m.status !== "not started") {
              fact("Answers right", `${m.right} of ${m.graded} graded activities, at your last try`);
            }
            if (m.next) {
              const next = el("dd");
              next.append(link(m.next_href, m.next));
              facts.append(el("dt", {}, "Next"), next);
            }
          }
          item.append(facts);
          if (m.status) {
            const bar = el("progress", {
              class: "espec-progress-bar",
              max: String(Math.max(m.total, 1)),
              value: String(m.done),
              "aria-label": `${m.title}: ${m.done} of ${m.total} activities done`,
            });
            item.append(bar);
          }
          list.append(item);
        });
        section.append(list);
      }
      parts.append(section);
    });
  }
  for (const name of ["parts", "continue_to", "note", "token", "hub"]) model.on("change:" + name, draw);
  draw();
}

export default { render };
