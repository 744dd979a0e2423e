"""xAPI statements made from the store's rows, validated with Ralph's models: the verbs each
event makes, accounts instead of names, reflection text only by the learner's choice, stable
ids, and `espec export xapi`."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from espec_widgets.cli import main
from espec_widgets.store import Store, open_store
from espec_widgets.xapi.statements import VERBS, Catalogue, InvalidStatement, Maker, validate

from ..conftest import PROJECT
from ..data.conftest import REFLECTION, learner_with_everything

URL = "https://espec.example.org/"


@pytest.fixture
def store(store_url: str) -> Store:
    return open_store(store_url, upgrade=True)


@pytest.fixture
def catalogue(workbook: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Catalogue:
    monkeypatch.setenv("ESPEC_CACHE_DIR", str(tmp_path / "cache"))
    return Catalogue.of(workbook)


def _verbs(made: list[Any]) -> Counter[str]:
    return Counter(m.statement["verb"]["display"]["en-US"] for m in made)


def test_every_event_makes_its_statement(store: Store, catalogue: Catalogue) -> None:
    everything = learner_with_everything(store)
    ana = everything.learner
    store.data.add_visit(ana, "minimal-case")  # a second visit: resumed
    made = list(Maker(store, catalogue, URL).for_learners())
    for m in made:
        validate(m.statement)
    assert _verbs(made) == {
        "launched": 1,
        "initialized": 1,
        "suspended": 1,  # the first visit ended hours before the case was done
        "resumed": 1,
        "responded": 2,  # the multiple choice and the reflection
        "completed": 1,
        "passed": 1,
        "joined": 1,
        "left": 1,
        "answered": 1,
    }
    by_verb = {m.statement["verb"]["display"]["en-US"]: m.statement for m in made}
    for verb, statement in by_verb.items():
        assert statement["verb"]["id"] == VERBS[verb]
        assert statement["timestamp"].endswith("Z")
    launched = by_verb["launched"]
    assert launched["object"]["id"] == URL + "cases/minimal-case"
    assert (
        launched["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/simulation"
    )
    assert launched["context"]["contextActivities"]["category"] == [
        {"id": "https://w3id.org/xapi/virtual-patient"}
    ]
    answer = next(
        m.statement for m in made if m.statement["object"]["id"].endswith("/activities/who-decides")
    )
    assert answer["result"] == {"response": "option-1", "success": True}  # {"chosen": [0]}
    choices = answer["object"]["definition"]["choices"]
    assert [c["id"] for c in choices] == ["option-1", "option-2"]
    assert choices[0]["description"]["en-US"] == "Sam, her appointed health care agent."
    passed = by_verb["passed"]
    assert passed["result"]["score"] == {"raw": 2, "min": 0, "max": 2, "scaled": 1.0}
    assert passed["result"]["success"] is True
    joined = by_verb["joined"]
    assert joined["object"]["id"] == URL + f"live/{everything.session_code}"
    assert joined["context"]["extensions"][
        "https://w3id.org/xapi/cmi5/context/extensions/sessionid"
    ] == (everything.session_code)
    answered = by_verb["answered"]
    assert answered["result"]["response"] == "0"
    assert answered["context"]["contextActivities"]["parent"][0]["id"] == joined["object"]["id"]
    assert by_verb["suspended"]["timestamp"] < by_verb["resumed"]["timestamp"]


def test_actors_are_accounts_and_words_need_consent(store: Store, catalogue: Catalogue) -> None:
    everything = learner_with_everything(store)
    ben = learner_with_everything(store, "Ben Other").learner
    made = list(Maker(store, catalogue, URL).for_learners())
    text = json.dumps([m.statement for m in made])
    assert "Ana Tester" not in text and "Ben Other" not in text and "mbox" not in text
    actors = {json.dumps(m.statement["actor"], sort_keys=True) for m in made}
    assert len(actors) == 2
    for actor in map(json.loads, actors):
        assert set(actor) == {"objectType", "account"} and actor["account"]["homePage"] == URL
        assert len(actor["account"]["name"]) == 32
    assert REFLECTION not in text and "other:" not in text
    reflection = next(
        m.statement
        for m in made
        if m.statement["object"]["id"].endswith("own-reactions")
        and m.learner_id == everything.learner.id
    )
    assert (
        reflection["result"]["extensions"]["https://w3id.org/xapi/espec/extensions/words"]
        == len(REFLECTION.split())
        == 16
    )
    store.data.update_xapi_text(everything.learner, True)
    again = {m.id: m for m in Maker(store, catalogue, URL).for_learners()}
    mine = again[reflection["id"]].statement
    assert mine["result"]["response"] == REFLECTION
    theirs = [m for m in again.values() if m.learner_id == ben.id]
    assert REFLECTION not in json.dumps([m.statement for m in theirs])


def test_ids_are_stable_and_never_shared(store: Store, catalogue: Catalogue) -> None:
    everything = learner_with_everything(store)
    first = [m.id for m in Maker(store, catalogue, URL).for_learners()]
    second = [m.id for m in Maker(store, catalogue, URL).for_learners()]
    assert first == second and len(set(first)) == len(first)
    other_site = [
        m.id for m in Maker(store, catalogue, "https://other.example.org/").for_learners()
    ]
    assert not set(first) & set(other_site)
    # A deleted learner's row id may be given again (SQLite): the next learner is someone else.
    old_actor = Maker(store, catalogue, URL).actor(everything.learner.id)
    store.data.delete(everything.learner)
    newcomer = store.add_learner("Cy New")
    store.data.add_visit(newcomer, "minimal-case")
    maker = Maker(store, catalogue, URL)
    made = list(maker.for_learners())
    assert maker.actor(newcomer.id) != old_actor
    assert not set(first) & {m.id for m in made}


def test_a_conversation_step_responds_and_arrives(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ESPEC_CACHE_DIR", str(tmp_path / "cache"))
    catalogue = Catalogue.of(PROJECT)
    case = catalogue.cases["als-spiritual-care"]
    talk = case.activity("what-matters-most")
    start = next(n for n in talk.nodes if n.id == talk.start)
    learner = store.add_learner("Dee")
    store.add_response(learner, case.id, talk.id, {"path": [[start.id, 0]]}, correct=None)
    store.add_response(learner, case.id, talk.id, {"path": []}, correct=None)  # a replay
    store.add_response(learner, case.id, talk.id, {"path": [["no-such-node", 9]]}, correct=None)
    made = list(Maker(store, catalogue, URL).for_learners())
    assert _verbs(made) == {"responded": 1, "arrived": 1}
    by_verb = {m.statement["verb"]["display"]["en-US"]: m.statement for m in made}
    responded, arrived = by_verb["responded"], by_verb["arrived"]
    assert responded["result"]["response"] == " ".join(start.choices[0].text.split())
    assert arrived["verb"]["id"] == "https://w3id.org/xapi/medbiq/verbs/arrived"
    assert arrived["object"]["id"].endswith(f"/nodes/{start.choices[0].next}")
    assert arrived["object"]["definition"]["type"] == "http://activitystrea.ms/schema/1.0/node"
    for s in (responded, arrived):
        validate(s)


def test_ralph_refuses_a_broken_statement(store: Store, catalogue: Catalogue) -> None:
    learner_with_everything(store)
    statement = next(iter(Maker(store, catalogue, URL).for_learners())).statement
    broken = {**statement, "actor": {"objectType": "Agent", "name": "no identifier"}}
    with pytest.raises(InvalidStatement, match=r"statement .+ actor"):
        validate(broken)
    with pytest.raises(InvalidStatement):
        validate({**statement, "timestamp": "yesterday"})


def test_export_xapi_writes_json_lines_that_validate(
    store: Store,
    store_url: str,
    workbook: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("ESPEC_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("ESPEC_PUBLIC_URL", URL)
    learner_with_everything(store)
    out = tmp_path / "all.jsonl"
    root = ["--root", str(workbook)]
    assert main([*root, "export", "xapi", "--url", store_url, "-o", str(out)]) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert out.stat().st_mode & 0o777 == 0o600  # learners' records: the owner's only
    assert capsys.readouterr().err.strip() == f"{len(lines)} statements" and len(lines) == 10
    statements = [json.loads(line) for line in lines]
    for s in statements:
        validate(s)
        assert s["actor"]["account"]["homePage"] == URL
    stamps = [s["timestamp"] for s in statements]
    assert stamps == sorted(stamps)
    cut = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)).isoformat()
    assert main([*root, "export", "xapi", "--url", store_url, "--since", cut]) == 0
    recent = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert 0 < len(recent) < len(statements)
    assert all(s["timestamp"] >= cut[:19] for s in recent)
    assert {s["id"] for s in recent} <= {s["id"] for s in statements}
    assert main([*root, "export", "xapi", "--url", store_url, "--since", "last week"]) == 2
    assert "is not a date or time" in capsys.readouterr().err


def test_reopening_a_finished_case_does_not_suspend_it(store: Store, catalogue: Catalogue) -> None:
    learner = store.add_learner("Fay")
    early = dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)
    store.data.add_visit(learner, "minimal-case", now=early)
    store.update_or_create_progress(learner, "minimal-case", ["who-decides", "own-reactions"], 2)
    (first,) = store.find_progress(learner).values()
    # ... the visit that finished it saved at that moment; hours later she opens it again
    with store.engine.begin() as conn:
        from espec_widgets.store import tables

        v = tables.case_visits
        conn.execute(v.update().values(last_seen_at=first.updated_at))
    store.data.add_visit(learner, "minimal-case")
    store.update_or_create_progress(learner, "minimal-case", ["who-decides", "own-reactions"], 2)
    made = list(
        Maker(store, catalogue, URL).for_learners(
            now=dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
        )
    )
    verbs = _verbs(made)
    # neither visit suspended the case: the first finished it, the second came back to a
    # finished case (its first completion stays, though progress was reported again)
    assert verbs == {"launched": 1, "initialized": 1, "completed": 1, "resumed": 1}
    assert store.find_progress(learner)["minimal-case"].updated_at > first.updated_at
    (done,) = [m.statement for m in made if m.statement["verb"]["display"]["en-US"] == "completed"]
    assert done["timestamp"] == first.updated_at.isoformat(timespec="milliseconds").replace(
        "+00:00", "Z"
    )


def test_an_operator_can_say_which_learner_an_account_is(
    store: Store,
    store_url: str,
    workbook: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import csv

    monkeypatch.setenv("ESPEC_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("ESPEC_PUBLIC_URL", URL)
    everything = learner_with_everything(store)
    hub = store.update_or_create_hub_learner("jdoe", "jdoe")
    root = ["--root", str(workbook)]
    assert main([*root, "export", "accounts", "--url", store_url]) == 2
    assert "needs -o FILE" in capsys.readouterr().err
    out = tmp_path / "accounts.csv"
    assert main([*root, "export", "accounts", "--url", store_url, "-o", str(out)]) == 0
    assert out.stat().st_mode & 0o777 == 0o600
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [(r["display_name"], r["hub_user"]) for r in rows] == [
        ("Ana Tester", ""),
        ("jdoe", "jdoe"),
    ]
    statements = list(Maker(store, Catalogue.of(workbook), URL).for_learners())
    ana = {
        s.statement["actor"]["account"]["name"]
        for s in statements
        if s.learner_id == everything.learner.id
    }
    assert ana == {rows[0]["account_name"]} and rows[0]["account_homepage"] == URL
    assert (
        rows[1]["account_name"] == Maker(store, Catalogue(), URL).actor(hub.id)["account"]["name"]
    )
