"""The credit page driven from Python as its browser would (messages through the widget's own
message path), on SQLite and PostgreSQL: requirements, the post-test and its retake, the
evaluation, certificates and their verification, and everything a tampered page may send."""

from __future__ import annotations

import io
import json
import random
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from espec_widgets.cli import main
from espec_widgets.credit import evaluation as ev
from espec_widgets.credit import posttest
from espec_widgets.credit.certificate import NO_ACCREDITATION, certificate_pdf
from espec_widgets.credit.page import CreditCentre
from espec_widgets.credit.runtime import Credit, content_version, load_credit
from espec_widgets.navigator import load_modules
from espec_widgets.store import Learner, Store, open_store

from ..conftest import send
from .conftest import add_credit_files, ended_session


@pytest.fixture
def store(store_url: str) -> Store:
    return open_store(store_url, upgrade=True)


@pytest.fixture
def credit(credit_workbook: Path) -> Credit:
    return load_credit(credit_workbook)


@pytest.fixture
def centre(store: Store, credit: Credit, credit_workbook: Path) -> CreditCentre:
    modules, _ = load_modules(credit_workbook)
    return CreditCentre(store, credit, modules)


def _learner(store: Store, centre: CreditCentre, name: str = "Ana Tester") -> Learner:
    learner = store.add_learner(name)
    centre.start(learner)
    return learner


def _complete_cases(store: Store, centre: CreditCentre, learner: Learner) -> None:
    for m in centre._modules:
        order = list(m.case.info.order)
        store.update_or_create_progress(learner, m.case.id, order, len(order))
    centre.refresh()


def _answers(credit: Credit, test: dict[str, Any], *, right: int) -> dict[str, int]:
    """Positions as the page would send them: the first `right` questions answered right."""
    bank = credit.banks["I"]
    out = {}
    for n, q in enumerate(test["questions"]):
        item = bank.item(q["id"])
        assert item is not None
        key = q["options"].index(item.options[item.key])
        out[q["id"]] = key if n < right else (key + 1) % len(q["options"])
    return out


def _evaluate(centre: CreditCentre, part: str) -> None:
    send(centre, event="open_evaluation", part=part)
    asked = centre.evaluation["questions"]
    answers = {q["id"]: 3 for q in asked if q["kind"] == "scale"} | {"bias": 0}
    send(centre, event="evaluate", part=part, answers=answers)
    assert centre.status.startswith(f"Thank you: your evaluation of Part {part}")


def _certified_part_i(store: Store, centre: CreditCentre, credit: Credit, learner: Learner) -> None:
    """Every case done, the post-test answered right, the evaluation done, the certificate
    asked for as "Ana Tester"."""
    _complete_cases(store, centre, learner)
    send(centre, event="start_test", part="I")
    test = centre.test
    send(
        centre,
        event="submit_test",
        attempt=test["attempt"],
        answers=_answers(credit, test, right=len(test["questions"])),
    )
    _evaluate(centre, "I")
    send(centre, event="certificate", part="I", name="Ana Tester")


def _part(centre: CreditCentre, part: str) -> dict[str, Any]:
    return next(p for p in centre.parts if p["part"] == part)


def test_part_i_from_the_cases_to_a_verified_certificate(
    store: Store,
    centre: CreditCentre,
    credit: Credit,
    credit_workbook: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    learner = _learner(store, centre)
    assert [r["met"] for r in _part(centre, "I")["requirements"]] == [False, False, False]
    send(centre, event="start_test", part="I")
    assert centre.status == "The post-test opens once every Part I case is complete."
    assert not centre.test
    _complete_cases(store, centre, learner)
    assert _part(centre, "I")["can_test"]

    send(centre, event="start_test", part="I")
    test = centre.test
    assert len(test["questions"]) == 5
    # Nothing the page holds gives an answer away before it is submitted.
    state = json.dumps({k: v for k, v in centre.get_state().items() if not k.startswith("_")})
    assert "Rationale" not in state and '"correct"' not in state and '"answer"' not in state

    send(
        centre,
        event="submit_test",
        attempt=test["attempt"],
        answers=_answers(credit, test, right=3),
    )
    result = centre.result
    assert (result["score"], result["total"], result["passed"]) == (3, 5, False)
    assert centre.status.startswith("You scored 3 of 5 (60%): not passed yet")
    assert [o["objective"] for o in result["revisit"]] == [
        "Identify the legal surrogate from the facts of the case."
    ]
    assert all(r["rationale"].startswith("Rationale") for r in result["review"])
    first = {q["id"] for q in test["questions"]}

    send(centre, event="start_test", part="I")
    retake = centre.test
    assert retake["attempt"] != test["attempt"]
    unseen = {i.id for i in credit.banks["I"].items} - first
    assert unseen <= {q["id"] for q in retake["questions"]}  # the retake asks what was not asked

    send(
        centre,
        event="submit_test",
        attempt=retake["attempt"],
        answers=_answers(credit, retake, right=4),
    )
    assert centre.result["passed"] and centre.status == "You scored 4 of 5 (80%): passed."
    send(centre, event="certificate", part="I", name="Ana Tester")
    assert centre.status == "Not yet: Complete the evaluation."
    assert not _part(centre, "I")["certificate"]

    _evaluate(centre, "I")
    assert _part(centre, "I")["can_certify"]
    send(
        centre,
        event="certificate",
        part="I",
        name="  Ana   M. Tester ",
        licence_number="SW-12345",
        licence_state="Ardell",
    )
    cert = _part(centre, "I")["certificate"]
    assert centre.status == f"Your Part I certificate is issued: {cert['id']}. Download it below."
    shown = dict(cert["fields"])
    assert shown["Participant"] == "Ana M. Tester"
    assert shown["Licence"] == "SW-12345 (Ardell)"
    assert shown["CE hours"] == "0.1" and shown["Hours by category"] == "0.1 ethics"
    assert cert["statement"] == NO_ACCREDITATION

    issued = store.credit.find_certificate(cert["id"])
    assert issued is not None and issued.content_version == content_version(credit_workbook)
    text = " ".join(
        " ".join(p.extract_text().split())
        for p in PdfReader(io.BytesIO(certificate_pdf(issued))).pages
    )
    for value in (
        "Certificate of Completion",
        "Ana M. Tester",
        "SW-12345 (Ardell)",
        "A fixture course for tests",
        "Part I: Fixture cases",
        "0.1 ethics",
        "self-paced online",
        issued.completed_on.isoformat(),
        cert["id"],
        "Pat Planner, LCSW",
        "No commercial support.",
    ):
        assert value in text, value

    # A second request returns the same certificate; the ID verifies, from the command line too.
    send(centre, event="certificate", part="I", name="Someone Else")
    assert _part(centre, "I")["certificate"]["id"] == cert["id"]
    url = str(store.engine.url.render_as_string(hide_password=False))
    assert main(["certificate", "verify", cert["id"].lower().replace("-", " "), "--url", url]) == 0
    out = capsys.readouterr().out
    assert out.startswith("genuine") and "Ana M. Tester" in out and "SW-12345" not in out


def test_verification_tells_altered_unknown_and_revoked_ids_apart(
    store: Store, centre: CreditCentre, credit: Credit, capsys: pytest.CaptureFixture[str]
) -> None:
    learner = _learner(store, centre)
    _certified_part_i(store, centre, credit, learner)
    cert_id = _part(centre, "I")["certificate"]["id"]
    assert store.credit.verify(cert_id).genuine

    last = cert_id[-1]
    altered = cert_id[:-1] + ("C" if last != "C" else "D")
    assert store.credit.verify(altered).status == "altered"
    assert store.credit.verify("ESPEC-<script>").status == "altered"
    assert store.credit.verify(store.credit.new_certificate_id()).status == "unknown"

    url = str(store.engine.url.render_as_string(hide_password=False))
    assert main(["certificate", "verify", altered, "--url", url]) == 1
    assert capsys.readouterr().out.startswith("NOT VALID")
    assert main(["certificate", "revoke", cert_id, "--url", url]) == 1
    assert "give the reason" in capsys.readouterr().err
    assert (
        main(["certificate", "revoke", cert_id, "--reason", "Issued in error", "--url", url]) == 0
    )
    capsys.readouterr()
    assert main(["certificate", "verify", cert_id, "--url", url]) == 1
    out = capsys.readouterr().out
    assert out.startswith("REVOKED") and "reason: Issued in error" in out
    assert main(["certificate", "revoke", cert_id, "--reason", "again", "--url", url]) == 1
    assert "already revoked" in capsys.readouterr().err
    # The learner may earn it again: a revoked certificate is not "the one already issued".
    centre.refresh()
    assert _part(centre, "I")["can_certify"]


def test_a_tampered_page_changes_nothing(
    store: Store, centre: CreditCentre, credit: Credit, caplog: pytest.LogCaptureFixture
) -> None:
    send(centre, event="start_test", part="I")
    assert centre.status.startswith("Enter your name")
    learner = _learner(store, centre)
    other = store.add_learner("Someone Else")
    _complete_cases(store, centre, learner)
    send(centre, event="start_test", part="IX")
    assert centre.status == "That Part was not recognised."
    send(centre, event="start_test", part="I")
    test = centre.test
    right = _answers(credit, test, right=5)
    foreign = store.credit.add_attempt(
        other, "I", "v", [(test["questions"][0]["id"], [0, 1, 2, 3])]
    )

    for attempt, answers, told in [
        (foreign.id, right, "That test is not open; nothing was submitted."),
        (str(test["attempt"]), right, "That test is not open; nothing was submitted."),
        (test["attempt"], "all right", "The answers were not recognised; nothing was submitted."),
        (
            test["attempt"],
            {**right, "surrogate-99": 0},
            "Some answers are for questions not in this test",
        ),
        (test["attempt"], dict(list(right.items())[:4]), "1 question is not answered yet."),
        (test["attempt"], {k: 9 for k in right}, "An answer was not one of its question's options"),
        (
            test["attempt"],
            {k: True for k in right},
            "An answer was not one of its question's options",
        ),
        (
            test["attempt"],
            {k: 1.0 for k in right},
            "An answer was not one of its question's options",
        ),
    ]:
        send(centre, event="submit_test", attempt=attempt, answers=answers)
        assert centre.status.startswith(told), (attempt, centre.status)
        assert centre.test == test and not centre.result
    assert all(a.submitted_at is None for a in store.credit.find_attempts(learner, "I"))

    send(centre, event="submit_test", attempt=test["attempt"], answers=right)
    assert centre.result["passed"]
    # The same submission again (a replayed message) is refused; the result stands.
    centre.test = test
    send(
        centre,
        event="submit_test",
        attempt=test["attempt"],
        answers={k: (v + 1) % 4 for k, v in right.items()},
    )
    assert centre.status == "this attempt was already submitted; its result stands"
    assert [a.score for a in store.credit.find_attempts(learner, "I")] == [5]
    centre.test = {}

    send(centre, event="certificate", part="II", name="Ana")
    assert centre.status.startswith("Not yet: Attend a live session")
    send(centre, event="open_evaluation", part="I")
    asked = centre.evaluation["questions"]
    scale = {q["id"]: 3 for q in asked if q["kind"] == "scale"} | {"bias": 0}
    for answers, told in [
        ({**scale, "bias": 2}, "An answer was not one of its question's options"),
        ({**scale, "nosuch": 1}, "Some answers are for questions not asked"),
        ({k: v for k, v in scale.items() if k != "relevance"}, "1 question is not answered yet"),
        ({**scale, "change": "x" * 2001}, "Keep each comment under 2000 characters"),
        ({**scale, "change": "bad \ud800 text"}, ""),
        ([1, 2], "The answers were not recognised"),
    ]:
        send(centre, event="evaluate", part="I", answers=answers)
        assert centre.status.startswith(told) and store.credit.find_evaluation(learner, "I") is None
    send(centre, event="evaluate", part="I", answers=scale)
    send(centre, event="evaluate", part="I", answers=scale)
    assert centre.status == "you have already completed this evaluation; thank you"

    for details, told in [
        ({"name": ""}, "Enter your name as it should appear."),
        ({"name": ["Ana"]}, "Your name as it should appear was not recognised."),
        ({"name": "Ana\u0007Tester"}, "Your name as it should appear has characters"),
        ({"name": "A" * 121}, "Keep your name as it should appear under 120 characters."),
        ({"name": "Ana", "licence_state": "Ardell"}, "Give the licence number with its state"),
    ]:
        send(centre, event="certificate", part="I", **details)
        assert centre.status.startswith(told)
        assert store.credit.find_learner_certificate(learner, "I") is None
    send(centre, event="download", part="I")
    assert centre.status == "There is no certificate to download yet."
    send(centre, event="close", what="evaluation")
    assert "Ana" not in caplog.text  # refusals are logged without what the page sent


def test_part_ii_rests_on_attendance_recorded_by_the_live_session(
    store: Store, centre: CreditCentre
) -> None:
    learner = _learner(store, centre)
    absent = store.add_learner("Left Early")
    ended_session(store, "A fixture session", [learner], left_early=[absent])

    centre.refresh()
    attendance = _part(centre, "II")["requirements"][0]
    assert attendance["met"] and "Attended “A fixture session”" in attendance["detail"]
    _evaluate(centre, "II")
    send(centre, event="certificate", part="II", name="Ana Tester")
    cert = _part(centre, "II")["certificate"]
    assert dict(cert["fields"])["Instructor"] == "Dana Ruiz, LCSW"
    assert dict(cert["fields"])["CE hours"] == "2.5"

    late = CreditCentre(store, centre._credit, centre._modules)
    late.start(absent)
    assert not _part(late, "II")["requirements"][0]["met"]  # 60 of 150 minutes
    send(late, event="certificate", part="II", name="Left Early")
    assert late.status.startswith("Not yet: Attend a live session")


def test_a_configured_provider_is_stated_in_ace_s_words(
    store: Store, centre: CreditCentre, credit: Credit, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in {
        "ESPEC_PROVIDER_NAME": "Ardell Hospice Education",
        "ESPEC_PROVIDER_NUMBER": "1234",
        "ESPEC_APPROVAL_BODY": "ASWB ACE",
        "ESPEC_APPROVAL_PERIOD": "1/1/2026-1/1/2029",
    }.items():
        monkeypatch.setenv(name, value)
    learner = _learner(store, centre)
    _certified_part_i(store, centre, credit, learner)
    statement = _part(centre, "I")["certificate"]["statement"]
    assert statement.startswith(
        "Ardell Hospice Education, provider #1234, is approved as a provider for social work "
        "continuing education by the Association of Social Work Boards (ASWB)"
    )
    assert "ACE provider approval period: 1/1/2026-1/1/2029" in statement
    assert "receive 0.1 continuing education credits (0.1 ethics)" in statement


def test_a_shortened_test_is_said_so_on_the_certificate(
    store: Store, centre: CreditCentre, credit: Credit, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ESPEC_POSTTEST_LENGTH", "2")
    learner = _learner(store, centre)
    _complete_cases(store, centre, learner)
    send(centre, event="start_test", part="I")
    assert len(centre.test["questions"]) == 2
    send(
        centre,
        event="submit_test",
        attempt=centre.test["attempt"],
        answers=_answers(credit, centre.test, right=2),
    )
    _evaluate(centre, "I")
    send(centre, event="certificate", part="I", name="Ana Tester")
    issued = store.credit.find_learner_certificate(learner, "I")
    assert issued is not None and issued.details["posttest_shortened_to"] == 2


def test_a_draw_covers_every_objective_prefers_unseen_items_and_shuffles_options(
    credit: Credit,
) -> None:
    bank = credit.banks["I"]
    rng = random.Random(7)
    first = posttest.draw(bank, 5, rng=rng)
    assert len({i for i, _ in first}) == 5
    second = posttest.draw(bank, 5, seen=[i for i, _ in first], rng=rng)
    assert {i.id for i in bank.items} - {i for i, _ in first} <= {i for i, _ in second}
    orders = {tuple(o) for _ in range(20) for _, o in posttest.draw(bank, 5, rng=rng)}
    assert len(orders) > 1 and all(sorted(o) == [0, 1, 2, 3] for o in orders)


def test_educators_see_evaluations_only_in_aggregate(
    store: Store,
    centre: CreditCentre,
    credit: Credit,
    credit_workbook: Path,
    capsys: pytest.CaptureFixture[str],
    store_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    record = credit.part("I")
    assert record is not None
    asked = ev.questions(record)
    scale = {q["id"]: 4 for q in asked if q["kind"] == "scale"} | {"bias": 0}
    for n in range(4):
        store.credit.add_evaluation(
            store.add_learner(f"Learner {n}"), "I", {**scale, "change": f"Comment number {n}"}
        )
    monkeypatch.setenv("ESPEC_DB_URL", store_url)
    assert main(["--root", str(credit_workbook), "evaluation", "summary", "--part", "I"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Part I evaluation: 4 responses")
    assert "Comment number" not in out and "Strongly agree" not in out
    assert "shown once 5 learners have answered" in out
    store.credit.add_evaluation(store.add_learner("Learner 4"), "I", {**scale, "change": "Five"})
    assert main(["--root", str(credit_workbook), "evaluation", "summary", "--part", "I"]) == 0
    out = capsys.readouterr().out
    assert "Strongly agree: 5" in out and "Comment number 3" in out and "Learner" not in out


def test_growth_is_the_learner_s_own_before_and_now(store: Store, tmp_path: Path) -> None:
    from espec_widgets.credit.page import growth

    from ..conftest import PROJECT

    modules, _ = load_modules(PROJECT)
    module, spec = next(
        (m, a)
        for m in modules
        if m.case.info.part == "I"
        for a in m.case.activities
        if a.type == "self_assessment" and a.retrospective
    )
    n = len(spec.items)
    mine, theirs = store.add_learner("Me"), store.add_learner("Them")
    store.add_response(
        mine, module.case.id, spec.id, {"before": [0] * n, "now": [2] * n}, correct=None
    )
    store.add_response(
        theirs, module.case.id, spec.id, {"before": [4] * n, "now": [4] * n}, correct=None
    )
    found = growth(store, mine, modules)
    assert found[0]["case"] == module.case.info.title
    rows = found[0]["rows"]
    assert len(rows) == n and rows[0]["before"] == 0 and rows[0]["now"] == 2
    assert rows[0]["before_label"] == spec.scale[0]
    assert growth(store, store.add_learner("Nobody"), modules) == []


def test_credit_files_change_the_content_version(credit_workbook: Path) -> None:
    before = content_version(credit_workbook)
    path = credit_workbook / "data" / "posttest" / "part-1.yaml"
    path.write_text(path.read_text() + "\n", encoding="utf-8")
    assert content_version(credit_workbook) != before
    add_credit_files  # noqa: B018  (the fixture helper is also used by the browser test)


def test_an_identifying_comment_is_warned_about_once_then_kept_if_the_learner_wants(
    store: Store, centre: CreditCentre
) -> None:
    learner = _learner(store, centre)
    send(centre, event="open_evaluation", part="I")
    asked = centre.evaluation["questions"]
    answers = {q["id"]: 3 for q in asked if q["kind"] == "scale"} | {"bias": 0}
    answers["change"] = "My patient, DOB 03/04/1950, MRN 123456, would have liked more cases."
    send(centre, event="evaluate", part="I", answers=answers)
    assert centre.status.startswith("This text seems to contain a date and a record")
    assert centre.status.endswith("Change it, or submit again to send it as it is.")
    assert store.credit.find_evaluation(learner, "I") is None
    send(centre, event="evaluate", part="I", answers=answers)
    found = store.credit.find_evaluation(learner, "I")
    assert found is not None and found.answers["change"] == answers["change"]


def test_an_attempt_drawn_from_an_edited_bank_is_set_aside(
    store: Store, centre: CreditCentre, credit: Credit
) -> None:
    learner = _learner(store, centre)
    _complete_cases(store, centre, learner)
    stale = store.credit.add_attempt(learner, "I", "old", [("gone-item", [0, 1, 2, 3])])
    centre.start(learner)
    assert not centre.test  # not shown: its question is no longer in the bank
    send(centre, event="start_test", part="I")
    assert centre.test["attempt"] != stale.id and len(centre.test["questions"]) == 5
    # Reopening the page shows the new attempt where the learner left it.
    again = CreditCentre(store, credit, centre._modules)
    again.start(learner)
    assert again.test["attempt"] == centre.test["attempt"]
