"""The learner's credit page: requirements per Part, the post-test, the evaluation, certificates,
the course record, and the learner's own change across Part I.

Everything on the page comes from the kernel. The page sends only actions (start or submit the
post-test, evaluate, ask for or download a certificate), each checked here: a test that is not
the learner's open attempt, an answer to a question that was not drawn, a certificate whose
requirements do not hold, are refused in words. The post-test's key never leaves the kernel
before the attempt is submitted; after it, the page is given each question's answer and
rationale.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import traitlets as t

from ..activities._kernel_owned import KernelOwnedWidget
from ..config import settings
from ..privacy import warning_for
from ..store import Learner, Store
from ..store.credit import CreditError
from . import evaluation as ev
from . import posttest
from .certificate import (
    CertificateError,
    approval_statement,
    certificate_pdf,
    fields,
    issue,
    provider,
)
from .requirements import CREDIT_PARTS, Standing, part_i, part_ii
from .runtime import BankSpec, Credit, course_view, split_words

_HERE = Path(__file__).parent
log = logging.getLogger(__name__)

BEFORE_LEARNER = (
    "Enter your name at the top of the page, or open your resume link, to see your credit."
)
TEST_PARTS = ("I",)
"""Parts with a post-test."""


def growth(store: Store, learner: Learner, modules: list[Any]) -> list[dict[str, Any]]:
    """The learner's own retrospective self-assessments across Part I: per case and statement,
    where they placed themselves before the case and now (their latest ratings)."""
    out = []
    for m in modules:
        if m.case.info.part != "I":
            continue
        specs = [
            a
            for a in m.case.activities
            if a.type == "self_assessment" and getattr(a, "retrospective", False)
        ]
        if not specs:
            continue
        latest: dict[str, Any] = {}
        for r in store.find_responses(learner, m.case.id):
            latest[r.activity_id] = r.payload
        rows = []
        for spec in specs:
            payload = latest.get(spec.id)
            if not isinstance(payload, dict):
                continue
            before, now = payload.get("before"), payload.get("now")
            if not (isinstance(before, list) and isinstance(now, list)):
                continue
            if len(before) != len(spec.items) or len(now) != len(spec.items):
                continue
            for text, b, n in zip(spec.items, before, now, strict=True):
                if (
                    type(b) is int
                    and type(n) is int
                    and 0 <= b < len(spec.scale)
                    and 0 <= n < len(spec.scale)
                ):
                    rows.append(
                        {
                            "statement": text,
                            "before": b,
                            "now": n,
                            "points": len(spec.scale),
                            "before_label": spec.scale[b],
                            "now_label": spec.scale[n],
                        }
                    )
        if rows:
            out.append({"case": m.case.info.title, "rows": rows})
    return out


class CreditCentre(KernelOwnedWidget):
    """Credit for one learner: the kernel holds the state; the page shows it and sends actions."""

    _esm = _HERE / "credit.js"
    _events = frozenset(
        {
            "start_test",
            "submit_test",
            "open_evaluation",
            "evaluate",
            "close",
            "certificate",
            "download",
        }
    )

    ready = t.Bool(False, help="A learner is known.").tag(sync=True)
    parts = t.List(t.Dict(), help="Per Part: requirements, what can be done, the certificate.").tag(
        sync=True
    )
    course = t.Dict(help="The course record.").tag(sync=True)
    test = t.Dict(help="The open post-test attempt: questions, never the key.").tag(sync=True)
    result = t.Dict(help="The last submitted attempt, graded, with rationales.").tag(sync=True)
    evaluation = t.Dict(help="The evaluation form being filled in.").tag(sync=True)
    growth = t.List(t.Dict(), help="The learner's own before/now self-assessments.").tag(sync=True)
    status = t.Unicode(BEFORE_LEARNER, help="Refusals and confirmations (announced).").tag(
        sync=True
    )

    def __init__(self, store: Store, credit: Credit, modules: list[Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._store = store
        self._credit = credit
        self._modules = modules
        self._learner: Learner | None = None
        self._standing: dict[str, Standing] = {}
        self._warned: set[str] = set()  # comments the learner was warned about and kept
        self.course = course_view(credit)

    # -- state ----------------------------------------------------------------------------------
    def start(self, learner: Learner) -> None:
        self._learner = learner
        self.ready = True
        self.status = ""
        self.refresh()
        if (open_attempt := self._open_attempt("I")) is not None:
            self._show_attempt(open_attempt)

    def _open_attempt(self, part: str) -> Any:
        """The learner's unsubmitted attempt, if the bank still holds every question it drew
        and the post-test is still open to them (an attempt drawn from an edited bank, or left
        open once passed, is set aside, unsubmitted, and a new one is drawn)."""
        assert self._learner is not None
        bank = self._bank(part)
        view = next((v for v in self.parts if v["part"] == part), {})
        if bank is None or not view.get("can_test"):
            return None
        attempts = self._store.credit.find_attempts(self._learner, part)
        last = next((a for a in reversed(attempts) if a.submitted_at is None), None)
        if last is None or any(bank.item(i) is None for i, _ in last.items):
            return None
        if any(len(order) != len(bank.item(i).options) for i, order in last.items):  # type: ignore[union-attr]
            return None
        return last

    def _bank(self, part: str) -> BankSpec | None:
        return self._credit.banks.get(part)

    def _length(self, part: str) -> int:
        bank = self._bank(part)
        assert bank is not None
        return posttest.test_length(bank, settings().posttest_length)

    def _shortened(self, part: str) -> int | None:
        bank = self._bank(part)
        if bank is None:
            return None
        length = self._length(part)
        return length if length < bank.test_length else None

    def refresh(self) -> None:
        learner = self._learner
        if learner is None:
            return
        share = settings().attendance_share
        self._standing = {
            "I": part_i(self._store, learner, self._modules),
            "II": part_ii(self._store, learner, share=share),
        }
        views = []
        for part in CREDIT_PARTS:
            record = self._credit.part(part)
            if record is None:
                continue
            standing = self._standing[part]
            req = {r.key: r for r in standing.requirements}
            cert = self._store.credit.find_learner_certificate(learner, part)
            bank = self._bank(part)
            views.append(
                {
                    "part": part,
                    "title": record["title"],
                    "hours": record["hours"],
                    "split": split_words(record.get("categories") or {}),
                    "format": record["format"],
                    "requirements": [
                        {"key": r.key, "label": r.label, "met": r.met, "detail": r.detail}
                        for r in standing.requirements
                    ],
                    "can_test": part in TEST_PARTS
                    and bank is not None
                    and req["cases"].met
                    and not req["posttest"].met,
                    "test_length": self._length(part) if bank is not None else 0,
                    "pass_mark": round(100 * bank.pass_mark) if bank is not None else 0,
                    "can_evaluate": not req["evaluation"].met,
                    "can_certify": standing.met and cert is None,
                    "certificate": (
                        {
                            "id": cert.id,
                            "fields": [list(f) for f in fields(cert)],
                            "statement": approval_statement(cert.details, cert.hours),
                        }
                        if cert is not None
                        else {}
                    ),
                    "default_name": learner.display_name,
                }
            )
        self.parts = views
        self.growth = growth(self._store, learner, self._modules)

    # -- actions --------------------------------------------------------------------------------
    def _part(self, value: Any, event: str) -> str | None:
        if value not in CREDIT_PARTS or self._credit.part(value) is None:
            self._refuse(event, "not a Part with credit", tell="That Part was not recognised.")
            return None
        return str(value)

    def _show_attempt(self, attempt: Any) -> None:
        bank = self._bank(attempt.part)
        assert bank is not None
        self.result = {}
        self.test = {
            "part": attempt.part,
            "attempt": attempt.id,
            "questions": posttest.questions(bank, attempt.items),
            "pass_mark": round(100 * bank.pass_mark),
        }

    def start_test(self, part: Any) -> None:
        assert self._learner is not None
        if (p := self._part(part, "start_test")) is None:
            return
        view = next((v for v in self.parts if v["part"] == p), {})
        if not view.get("can_test"):
            if p not in TEST_PARTS or self._bank(p) is None:
                tell = "This Part has no post-test."
            elif any(r.key == "posttest" and r.met for r in self._standing[p].requirements):
                tell = "You have already passed the post-test."
            else:
                tell = "The post-test opens once every Part I case is complete."
            self._refuse("start_test", "post-test not open", tell=tell)
            return
        bank = self._bank(p)
        assert bank is not None
        previous = self._store.credit.find_attempts(self._learner, p)
        if (open_attempt := self._open_attempt(p)) is not None:
            self._show_attempt(open_attempt)
            self._tell("Your post-test is open where you left it.")
            return
        seen = {item for a in previous for item, _ in a.items}
        drawn = posttest.draw(bank, self._length(p), seen=seen)
        attempt = self._store.credit.add_attempt(self._learner, p, self._credit.version, drawn)
        self._show_attempt(attempt)
        n = len(drawn)
        self._tell(
            f"Post-test started: {n} questions. Your answers are checked when you submit; you need "
            f"{round(100 * bank.pass_mark)}% to pass."
        )

    def submit_test(self, attempt_id: Any, answers: Any) -> None:
        assert self._learner is not None
        if not self.test or type(attempt_id) is not int or attempt_id != self.test.get("attempt"):
            self._refuse(
                "submit_test",
                "not the open attempt",
                tell="That test is not open; nothing was submitted.",
            )
            return
        try:
            attempt = self._store.credit.find_attempt(attempt_id, self._learner)
        except CreditError as exc:
            self._refuse("submit_test", "not this learner's attempt", tell=str(exc))
            return
        bank = self._bank(attempt.part)
        assert bank is not None
        try:
            chosen = posttest.check_answers(attempt.items, answers)
        except posttest.AnswerError as exc:
            self._refuse("submit_test", "answers do not fit the attempt", tell=str(exc))
            return
        graded = posttest.grade(bank, attempt.items, chosen)
        try:
            self._store.credit.update_attempt_result(attempt, chosen, graded.score, graded.passed)
        except CreditError as exc:
            self._refuse("submit_test", "already submitted", tell=str(exc))
            return
        self.test = {}
        self.result = {
            "part": attempt.part,
            "score": graded.score,
            "total": graded.total,
            "percent": graded.percent,
            "passed": graded.passed,
            "pass_mark": round(100 * graded.pass_mark),
            "review": graded.review,
            "revisit": graded.revisit,
        }
        self.refresh()
        self._tell(
            f"You scored {graded.score} of {graded.total} ({graded.percent}%): "
            + (
                "passed."
                if graded.passed
                else f"not passed yet; {round(100 * graded.pass_mark)}% is needed. You may retake it."
            )
        )

    def open_evaluation(self, part: Any) -> None:
        if (p := self._part(part, "open_evaluation")) is None:
            return
        if self._store.credit.find_evaluation(self._learner, p) is not None:  # type: ignore[arg-type]
            self._refuse(
                "open_evaluation",
                "already done",
                tell="You have already completed this evaluation; thank you.",
            )
            return
        record = self._credit.part(p)
        assert record is not None
        self.evaluation = {"part": p, "title": record["title"], "questions": ev.questions(record)}

    def evaluate(self, part: Any, answers: Any) -> None:
        assert self._learner is not None
        if (p := self._part(part, "evaluate")) is None:
            return
        record = self._credit.part(p)
        assert record is not None
        try:
            clean = ev.check(ev.questions(record), answers)
            comments = [v for v in clean.values() if isinstance(v, str)]
            warning = next((w for c in comments if (w := warning_for(c))), "")
            if warning and not set(comments) <= self._warned:
                self._warned.update(comments)
                self._refuse(
                    "evaluate",
                    "a comment looks identifying",
                    tell=f"{warning} Change it, or submit again to send it as it is.",
                )
                return
            self._store.credit.add_evaluation(self._learner, p, clean)
        except (ev.EvaluationError, CreditError) as exc:
            self._refuse("evaluate", "evaluation refused", tell=str(exc))
            return
        self.evaluation = {}
        self.refresh()
        self._tell(f"Thank you: your evaluation of Part {p} is recorded.")

    def certificate(self, content: dict[str, Any]) -> None:
        assert self._learner is not None
        if (p := self._part(content.get("part"), "certificate")) is None:
            return
        self.refresh()  # the requirements as they are now, not as the page last showed them
        try:
            cert = issue(
                self._store,
                self._learner,
                self._credit,
                self._standing[p],
                name=content.get("name"),
                licence_number=content.get("licence_number"),
                licence_state=content.get("licence_state"),
                configured_provider=settings().provider,
                shortened=self._shortened(p) if p in TEST_PARTS else None,
            )
        except CertificateError as exc:
            self._refuse("certificate", "requirements or details refused", tell=str(exc))
            return
        self.refresh()
        self._tell(f"Your Part {p} certificate is issued: {cert.id}. Download it below.")

    def download(self, part: Any) -> None:
        assert self._learner is not None
        if (p := self._part(part, "download")) is None:
            return
        cert = self._store.credit.find_learner_certificate(self._learner, p)
        if cert is None:
            self._refuse(
                "download", "no certificate", tell="There is no certificate to download yet."
            )
            return
        data = certificate_pdf(cert)
        name = re.sub(r"[^A-Za-z0-9-]+", "-", f"certificate-part-{p}-{cert.id}") + ".pdf"
        self.send_download(name, "application/pdf", data)
        self._tell(f"Downloaded {name}.")

    def handle_event(self, event: str, content: dict[str, Any]) -> None:
        if self._learner is None:
            self._refuse(event, "no learner yet", tell=BEFORE_LEARNER)
            return
        if event == "start_test":
            self.start_test(content.get("part"))
        elif event == "submit_test":
            self.submit_test(content.get("attempt"), content.get("answers"))
        elif event == "open_evaluation":
            self.open_evaluation(content.get("part"))
        elif event == "evaluate":
            self.evaluate(content.get("part"), content.get("answers"))
        elif event == "close":
            if content.get("what") == "result":
                self.result = {}
            elif content.get("what") == "evaluation":
                self.evaluation = {}
        elif event == "certificate":
            self.certificate(content)
        elif event == "download":
            self.download(content.get("part"))


class CreditPage:
    """The credit page in one kernel: the learner bar and the credit centre, wired together."""

    def __init__(self, store: Store, credit: Credit, modules: list[Any]) -> None:
        from ..identity import LearnerBar

        self.identity = LearnerBar(store, home="index.ipynb")
        self.credit = CreditCentre(store, credit, modules)
        self.identity.on_learner(self.credit.start)

    def resume(self) -> None:
        self.identity.resolve()


def open_credit_page() -> Any:
    """The credit page's kernel: the learner bar and the credit centre, shown."""
    from IPython.display import display

    from ..case.errors import CaseFileError
    from ..kernel_log import route_to_server_log
    from ..navigator import UnavailablePage, load_modules
    from ..page import _message, open_page_store, strict
    from ..paths import project_root
    from .runtime import load_credit

    route_to_server_log()
    store, problem = open_page_store()
    if store is None:
        display(_message(problem))
        return UnavailablePage(problem)
    root = project_root()
    try:
        credit = load_credit(root)
    except (CaseFileError, OSError) as exc:
        if strict():
            raise
        log.error("credit: cannot load the course record or banks: %s", type(exc).__name__)
        problem = "Credit is unavailable: the course files could not be read. Please tell your course team."
        display(_message(problem))
        return UnavailablePage(problem)
    modules, _failed = load_modules(root)
    page = CreditPage(store, credit, modules)
    display(page.identity)
    display(page.credit)
    return page


__all__ = ["CreditCentre", "CreditPage", "open_credit_page", "provider"]
