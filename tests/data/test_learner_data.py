"""My journal and My data driven from Python as the page would (messages through the widget's
own path), on SQLite and PostgreSQL: the journal read back from the Word document and the
Markdown, the whole record as JSON against docs/data.md, and deletion counted in every table."""

from __future__ import annotations

import base64
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from docx import Document

from espec_widgets.cli import main
from espec_widgets.journal.page import CONFIRM_WORDS, MyJournal
from espec_widgets.navigator import load_modules
from espec_widgets.store import Store, open_store, tables
from espec_widgets.store.learner_data import learner_tables

from ..conftest import PROJECT, send
from .conftest import POST, REFLECTION, learner_with_everything


@pytest.fixture
def store(store_url: str) -> Store:
    return open_store(store_url, upgrade=True)


@pytest.fixture
def page(
    store: Store, workbook: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> MyJournal:
    monkeypatch.setenv("ESPEC_CACHE_DIR", str(tmp_path / "cache"))
    modules, failed = load_modules(workbook)
    assert not failed
    widget = MyJournal(store, [m.case for m in modules])
    widget.sent = []  # type: ignore[attr-defined]
    monkeypatch.setattr(widget, "send", widget.sent.append)  # type: ignore[attr-defined]
    return widget


def _download(page: MyJournal, fmt: str) -> tuple[str, bytes]:
    page.sent.clear()  # type: ignore[attr-defined]
    send(page, event="download", format=fmt)
    (msg,) = page.sent  # type: ignore[attr-defined]
    assert msg["event"] == "download" and page.status == f"Downloaded {msg['name']}."
    return msg["name"], base64.b64decode(msg["data"])


def _all_rows(store: Store) -> dict[str, list[dict[str, Any]]]:
    with store.engine.connect() as conn:
        return {
            t.name: [dict(r) for r in conn.execute(sa.select(t)).mappings()]
            for t in tables.metadata.sorted_tables
        }


def test_the_journal_as_word_and_markdown(store: Store, page: MyJournal) -> None:
    everything = learner_with_everything(store)
    page.start(everything.learner)
    assert page.count == 2  # the reflection, and the wall post under Part II
    (part_i, part_ii) = page.parts
    entry = part_i["sections"][0]["entries"][0]
    assert part_i["part"] == "I" and entry["kind"] == "Reflection" and entry["text"] == REFLECTION
    spec = next(a for a in page._cases[0].activities if a.id == "own-reactions")
    assert entry["prompt"] == " ".join(spec.prompt.split()) and entry["prompt"]
    assert part_ii["sections"][0]["title"] == "Interpreters at the bedside"
    assert part_ii["sections"][0]["entries"][0]["text"] == POST
    assert part_ii["sections"][0]["entries"][0]["prompt"] == "Where should the interpreter sit?"

    name, data = _download(page, "docx")
    assert re.fullmatch(r"espec-journal-ana-tester-\d{4}-\d\d-\d\d\.docx", name)
    doc = Document(io.BytesIO(data))
    assert doc.core_properties.title == "My journal: Ana Tester"
    outline = [(p.style.name, p.text) for p in doc.paragraphs if p.text]
    headings = [(s, t) for s, t in outline if s == "Title" or s.startswith("Heading")]
    case_title = part_i["sections"][0]["title"]
    assert headings == [
        ("Title", "My journal: Ana Tester"),
        ("Heading 1", "Part I: Self-paced cases"),
        ("Heading 2", case_title),
        ("Heading 3", f"Reflection: {entry['title']}"),
        ("Heading 1", "Part II: Live clinical scenarios"),
        ("Heading 2", "Interpreters at the bedside"),
        ("Heading 3", "Wall post: The family meeting"),
    ]
    texts = [t for _s, t in outline]
    at = texts.index(f"Reflection: {entry['title']}")
    assert texts.index(REFLECTION) > at and outline[texts.index(REFLECTION)][0] == "Quote"
    assert texts.index(REFLECTION) < texts.index("Part II: Live clinical scenarios")
    assert f"Prompt: {entry['prompt']}" in texts[at : texts.index(REFLECTION)]

    name, data = _download(page, "md")
    text = data.decode("utf-8")
    assert name.endswith(".md") and text.startswith("# My journal: Ana Tester\n")
    lines = text.splitlines()
    assert lines.index("## Part I: Self-paced cases") < lines.index(f"### {case_title}")
    assert lines.index(f"#### Reflection: {entry['title']}") < lines.index(REFLECTION)
    assert "#### Wall post: The family meeting" in lines


def test_learner_text_is_written_as_it_was_typed(store: Store, page: MyJournal) -> None:
    learner = store.add_learner("Cy")
    hostile = "# not a heading\n\n<script>alert(1)</script> *not bold* [link](http://x)\n\n- dash"
    store.update_or_create_draft(learner, "minimal-case", "own-reactions", hostile)
    page.start(learner)
    _name, data = _download(page, "md")
    text = data.decode()
    assert "<script>" not in text and "\\<script\\>" in text and "\\# not a heading" in text
    assert "\\*not bold\\*" in text and "\\- dash" in text
    _name, data = _download(page, "docx")
    paragraphs = [p.text for p in Document(io.BytesIO(data)).paragraphs]
    assert "<script>alert(1)</script> *not bold* [link](http://x)" in paragraphs


def test_my_data_is_everything_documented(store: Store, page: MyJournal) -> None:
    everything = learner_with_everything(store)
    other = learner_with_everything(store, "Ben Other")
    page.start(everything.learner)
    assert "answers: 1" in page.held and "reflections and rewrites: 1" in page.held
    name, data = _download(page, "json")
    assert name.startswith("espec-my-data-ana-tester-") and name.endswith(".json")
    record = json.loads(data)
    assert record["format"] == "espec-learner-data" and record["schema_version"] == 1
    assert record["learner"]["display_name"] == "Ana Tester"
    text = data.decode()
    assert everything.learner.token not in text and "Ben Other" not in text
    assert other.learner.token not in text and other.certificate_id not in text
    assert record["drafts"][0]["text"] == REFLECTION
    assert record["responses"][0]["created_at"].endswith("Z")
    assert record["live_posts"][0]["text"] == POST
    assert record["live_posts"][0]["session"]["code"] == everything.session_code
    assert record["certificates"][0]["id"] == everything.certificate_id
    # Every section and field is in docs/data.md, and the document names nothing else.
    doc = (PROJECT / "docs" / "data.md").read_text(encoding="utf-8")
    sections = {t.name for t in learner_tables()} | {"learner"}
    assert set(record) - {"format", "schema_version", "exported_at", "workbook_version"} == sections
    for key in ("format", "schema_version", "exported_at", "workbook_version"):
        assert f"| `{key}` |" in doc, key
    for section in sorted(sections):
        assert f"### `{section}`" in doc, section
        rows = record[section] if isinstance(record[section], list) else [record[section]]
        block = doc.split(f"### `{section}`", 1)[1].split("\n### ", 1)[0]
        documented = set(re.findall(r"^\| `([a-z_]+)` \|", block, re.M))
        assert documented == set(rows[0]), (section, documented ^ set(rows[0]))


def test_delete_my_data_counted_in_every_table(store: Store, page: MyJournal) -> None:
    everything = learner_with_everything(store)
    other = learner_with_everything(store, "Ben Other")
    page.start(everything.learner)
    assert page.certificates == 1
    forgotten: list[bool] = []
    page.on_deleted(lambda: forgotten.append(True))
    before = _all_rows(store)
    for typed in ("delete", "DELETE MY DATA please", None, 7):
        send(page, event="delete", confirm=typed)
        assert page.status.startswith("Nothing was deleted.") and not page.deleted
    assert _all_rows(store) == before

    send(page, event="delete", confirm="  Delete   my DATA ")
    assert page.deleted and forgotten == [True] and not page.ready
    assert "1 certificate remains as a verification record only" in page.status
    after = _all_rows(store)
    ana = everything.learner.id
    for table, rows in before.items():
        if table == "learners":
            assert [r["id"] for r in after[table]] == [r["id"] for r in rows if r["id"] != ana]
        elif "learner_id" in tables.metadata.tables[table].c:
            mine = [r for r in rows if r["learner_id"] == ana]
            assert mine, table  # the helper wrote some: the count below means something
            assert not [r for r in after[table] if r["learner_id"] == ana], table
            kept = [r for r in after[table] if r not in rows]
            if table == "certificates":
                (cert,) = kept
                assert cert["id"] == everything.certificate_id and cert["learner_id"] is None
                assert (cert["holder_name"], cert["course_title"], cert["part"]) == (
                    "Ana Tester",
                    "ESPEC",
                    "I",
                )
                assert cert["licence_number"] is cert["licence_state"] is None
                assert cert["details"] == {}
                assert len(after[table]) == len(rows)
            else:
                assert not kept and len(after[table]) == len(rows) - len(mine), table
        else:
            assert after[table] == rows, table  # sessions, secrets, staff keys: nobody's
    # Nothing of hers is left in any column, except the certificate's printed name.
    dump = json.dumps(after, default=str)
    assert json.dumps(before, default=str).count(REFLECTION) == 2 and dump.count(REFLECTION) == 1
    assert everything.learner.token not in dump and "LCSW 12345" in dump  # Ben's licence stays
    assert dump.count("Ana Tester") == 1
    assert store.credit.verify(everything.certificate_id).status == "genuine"
    assert store.data.count_rows(other.learner)["responses"] == 1
    # The page is closed to her; a replayed message changes nothing.
    send(page, event="download", format="json")
    assert page.status.startswith("Your journal appears here")


def test_an_operator_deletes_a_learner(
    store: Store,
    store_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    everything = learner_with_everything(store)
    learner_with_everything(store, "Ben Other")
    monkeypatch.setattr("builtins.input", lambda prompt: "Ana Tster")
    assert main(["learner", "delete", "Ana Tester", "--url", store_url]) == 1
    assert "not deleted" in capsys.readouterr().err
    assert store.data.count_rows(everything.learner)["learners"] == 1
    monkeypatch.setattr("builtins.input", lambda prompt: " ana tester ")
    assert main(["learner", "delete", "Ana Tester", "--url", store_url]) == 0
    out = capsys.readouterr().out
    assert "certificate(s) stay as a verification record" in out
    assert "rows of this learner left in the store: 0" in out
    assert sum(store.data.count_rows(everything.learner).values()) == 0
    assert main(["learner", "delete", "Ana Tester", "--url", store_url, "--yes"]) == 1
    assert "no learner goes by 'Ana Tester'" in capsys.readouterr().err
    assert main(["learner", "export", "Ben Other", "--url", store_url]) == 0
    assert json.loads(capsys.readouterr().out)["learner"]["display_name"] == "Ben Other"


def test_a_deleted_learners_id_is_never_given_again(store: Store, page: MyJournal) -> None:
    """SQLite hands out the highest deleted id again unless told not to (revision 0008): a page
    the deleted learner left open must not reach the next learner's work."""
    learner_with_everything(store, "Ana Tester")
    gone = store.add_learner("Ben Gone")  # the highest id
    page.start(gone)
    store.data.delete(gone)  # from another tab
    newcomer = store.add_learner("Cy New")
    assert newcomer.id > gone.id
    with pytest.raises(sa.exc.IntegrityError):  # a stale case page's save is refused
        store.add_response(gone, "minimal-case", "who-decides", {"chosen": [1]}, correct=True)
    store.update_or_create_draft(newcomer, "minimal-case", "own-reactions", "Cy's own words.")
    page.sent.clear()  # type: ignore[attr-defined]
    send(page, event="download", format="json")
    assert page.status.startswith("Your data is no longer in this workbook")
    assert not page.ready and page.parts == []
    send(page, event="delete", confirm=CONFIRM_WORDS)  # the page has let go of her
    assert page.status.startswith("Your journal appears here") and page.sent == []  # type: ignore[attr-defined]
    assert store.data.count_rows(newcomer)["drafts"] == 1


def test_withdrawn_consent_takes_the_words_out_of_waiting_statements(
    store: Store, page: MyJournal
) -> None:
    learner = store.add_learner("Dee")
    page.start(learner)
    send(page, event="xapi_text", value="yes")  # not a boolean: refused, nothing changes
    assert not store.data.find_xapi_text(learner)
    send(page, event="xapi_text", value=True)
    assert store.data.find_xapi_text(learner) and page.xapi_text
    words = {
        "response": REFLECTION,
        "extensions": {"https://w3id.org/xapi/espec/extensions/words": 16},
    }
    poll = {"response": "0 (other: my own words)"}
    sent_one = {
        "id": "s1",
        "verb": {"id": "http://adlnet.gov/expapi/verbs/responded"},
        "result": words,
    }
    waiting = {
        "id": "s2",
        "verb": {"id": "http://adlnet.gov/expapi/verbs/responded"},
        "result": words,
    }
    answer = {"id": "s3", "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"}, "result": poll}
    now = store._now()
    store.outbox.add_missing(
        [("s1", learner.id, sent_one), ("s2", learner.id, waiting), ("s3", learner.id, answer)],
        now=now,
    )
    store.outbox.update_delivered(["s1"], now=now)
    send(page, event="xapi_text", value=False)
    assert page.status == "Saved: learning records will not include the text of your reflections."
    rows = {r["id"]: r["statement"] for r in _all_rows(store)["xapi_outbox"]}
    assert rows["s1"]["result"]["response"] == REFLECTION  # delivered: the LRS's already
    assert "response" not in rows["s2"]["result"] and rows["s2"]["result"]["extensions"]
    assert rows["s3"]["result"]["response"] == "0"
