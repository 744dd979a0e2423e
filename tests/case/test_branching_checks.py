"""`espec check` on branching encounters: every graph rule at its field path, and conditions."""

from __future__ import annotations

from pathlib import Path

import pytest

from espec_widgets.case import CaseFileError, parse_case
from espec_widgets.case.branching import Term, holds, parse_condition
from espec_widgets.case.runtime import BranchingSpec, from_case

# Nodes: opening -> worry | defended; worry -> her-voice (when) | defended;
# defended -> worry | missed; her-voice and missed are endings.
BLOCK = """  - id: extra
    type: branching
    title: Sam and the word "comfort"
    prompt: Sam has just heard the team talk about comfort care. Choose what you say.
    domains: [Social Aspects of Care]
    skills: [family meetings]
    start: opening
    flags: [heard]
    counters: [trust]
    nodes:
      - id: opening
        speaker: sam
        text: Everyone keeps saying "comfort". Are you giving up on my mother?
        choices:
          - text: It sounds like you are afraid she is being left behind. Tell me more.
            next: worry
            feedback: Naming the fear and exploring it lets Sam say what he means.
            set: [heard]
            add: {trust: 1}
          - text: Nobody is giving up. Comfort care is very good care.
            next: defended
            feedback: Reassurance before understanding tends to close the conversation.
      - id: worry
        speaker: sam
        text: She said once she never wanted machines. But I cannot be the one who says stop.
        choices:
          - text: If she could sit with us now, what would she tell us?
            next: her-voice
            when: heard and trust >= 1
            feedback: The decision rests on her wishes, so Sam does not carry it alone.
          - text: You are her agent, so the decision is yours.
            next: defended
            feedback: True, but it leaves him alone with the weight of it.
      - id: defended
        speaker: sam
        text: That is what everyone says.
        choices:
          - text: I'm sorry, I rushed past what you said. What worries you most?
            next: worry
            feedback: Owning the misstep and returning to his worry can repair trust.
            set: [heard]
          - text: Let's talk again tomorrow.
            next: missed
            feedback: Leaving now leaves the fear unspoken.
            clear: [heard]
      - id: her-voice
        speaker: sam
        text: She would say, let me go home and see the garden.
        ending:
          kind: strong
          summary: Sam spoke for Ruth's wishes; the team can now plan around going home.
      - id: missed
        speaker: sam
        text: Fine.
        ending:
          kind: missed
          summary: Sam's fear was never explored, and he left alone with it.
"""
WHERE = "activities[2]"


def _write(workbook: Path, minimal_text: str, block: str) -> Path:
    text = minimal_text.replace("debrief: |", block.rstrip() + "\ndebrief: |", 1)
    text = text.replace(
        "activities: [who-decides, own-reactions]",
        "activities: [who-decides, own-reactions, extra]",
    )
    path = workbook / "data" / "cases" / "minimal-case.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _problems(workbook: Path, minimal_text: str, block: str) -> list[tuple[str, str]]:
    """(field path, message) of every problem, in file order."""
    with pytest.raises(CaseFileError) as info:
        parse_case(_write(workbook, minimal_text, block), known_guides={"family-meetings"})
    return [(p.field, p.message) for p in info.value.problems]


def _edit(old: str, new: str, count: int = 1) -> str:
    assert BLOCK.count(old) >= count, old
    return BLOCK.replace(old, new, count)


def _node(text: str) -> str:
    """BLOCK with one more node at the end (written at the nodes' indentation)."""
    return BLOCK.rstrip() + "\n" + text


def test_a_valid_graph_passes_and_reaches_the_runtime(workbook: Path, minimal_text: str) -> None:
    case = parse_case(_write(workbook, minimal_text, BLOCK), known_guides={"family-meetings"})
    spec = from_case(case).activity("extra")
    assert isinstance(spec, BranchingSpec)
    assert spec.start == "opening" and spec.flags == ("heard",) and spec.counters == ("trust",)
    assert [n.id for n in spec.nodes] == ["opening", "worry", "defended", "her-voice", "missed"]
    assert spec.nodes[0].speaker == "Sam Alvarez (son)"
    assert spec.nodes[0].choices[0].add == {"trust": 1}
    assert spec.nodes[1].choices[0].when == "heard and trust >= 1"
    assert spec.nodes[3].ending is not None and spec.nodes[3].ending.kind == "strong"


def test_start_must_be_a_node(workbook: Path, minimal_text: str) -> None:
    block = _edit("start: opening", "start: hello")
    assert _problems(workbook, minimal_text, block) == [
        (f"{WHERE}.start", "the start node 'hello' is not the id of any node")
    ]


def test_duplicate_node_ids(workbook: Path, minimal_text: str) -> None:
    block = _node(
        "      - id: worry\n        speaker: sam\n        text: Again.\n"
        "        ending: {kind: mixed, summary: A second node with the same id.}\n"
    )
    assert _problems(workbook, minimal_text, block) == [
        (f"{WHERE}.nodes[5].id", "duplicate node id 'worry' (node 1 has it too)")
    ]


def test_next_must_name_a_node(workbook: Path, minimal_text: str) -> None:
    # 'missed' is then reached by nothing, which is reported too.
    assert _problems(workbook, minimal_text, _edit("next: missed", "next: mised")) == [
        (f"{WHERE}.nodes[2].choices[1].next", "unknown node 'mised'"),
        (f"{WHERE}.nodes[4]", "node 'missed' cannot be reached from the start node 'opening'"),
    ]


def test_unreachable_nodes(workbook: Path, minimal_text: str) -> None:
    block = _node(
        "      - id: lost\n        speaker: sam\n        text: Nobody comes here.\n"
        "        ending: {kind: mixed, summary: Never reached.}\n"
    )
    assert _problems(workbook, minimal_text, block) == [
        (f"{WHERE}.nodes[5]", "node 'lost' cannot be reached from the start node 'opening'")
    ]


def test_dead_end(workbook: Path, minimal_text: str) -> None:
    block = _edit(
        "        ending:\n          kind: missed\n"
        "          summary: Sam's fear was never explored, and he left alone with it.\n",
        "",
    )
    assert _problems(workbook, minimal_text, block) == [
        (
            f"{WHERE}.nodes[4]",
            "node 'missed' has no choices and is not an ending: the conversation would stop "
            "here with nothing to say",
        )
    ]


def test_an_ending_has_no_choices(workbook: Path, minimal_text: str) -> None:
    block = _edit(
        "        text: Fine.\n",
        "        text: Fine.\n        choices:\n          - text: Wait.\n            next: opening\n"
        "            feedback: Too late.\n",
    )
    assert _problems(workbook, minimal_text, block) == [
        (f"{WHERE}.nodes[4].choices", "node 'missed' is an ending but also has choices")
    ]


def test_speaker_must_be_a_person(workbook: Path, minimal_text: str) -> None:
    block = _edit(
        "      - id: missed\n        speaker: sam", "      - id: missed\n        speaker: tom"
    )
    problems = _problems(workbook, minimal_text, block)
    assert problems == [(f"{WHERE}.nodes[4].speaker", "unknown speaker 'tom'")]


def test_problems_point_at_their_line(workbook: Path, minimal_text: str) -> None:
    block = _edit(
        "      - id: missed\n        speaker: sam", "      - id: missed\n        speaker: tom"
    )
    path = _write(workbook, minimal_text, block)
    with pytest.raises(CaseFileError) as info:
        parse_case(path, known_guides={"family-meetings"})
    (problem,) = info.value.problems
    assert path.read_text().splitlines()[problem.line - 1].strip() == "speaker: tom"
    assert "speakers are ids from 'people': ruth, sam, sw" in str(problem)


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        (
            "when: heard and trust >= 1",
            "when: felt and trust >= 1",
            "nodes[1].choices[0].when",
            "the condition tests 'felt', which is not a declared flag",
        ),
        (
            "when: heard and trust >= 1",
            "when: heard and rapport >= 1",
            "nodes[1].choices[0].when",
            "the condition compares 'rapport', which is not a declared counter",
        ),
        (
            "when: heard and trust >= 1",
            "when: heard >= 1",
            "nodes[1].choices[0].when",
            "'heard' is a flag: it is on or off, not a number",
        ),
        (
            "when: heard and trust >= 1",
            "when: not trust",
            "nodes[1].choices[0].when",
            "'trust' is a counter: the condition must compare it with a number",
        ),
        (
            "set: [heard]",
            "set: [felt]",
            "nodes[0].choices[0].set[0]",
            "'set' names 'felt', which is not a declared flag",
        ),
        (
            "set: [heard]",
            "set: [trust]",
            "nodes[0].choices[0].set[0]",
            "'trust' is a counter, not a flag",
        ),
        (
            "clear: [heard]",
            "clear: [felt]",
            "nodes[2].choices[1].clear[0]",
            "'clear' names 'felt', which is not a declared flag",
        ),
        (
            "add: {trust: 1}",
            "add: {rapport: 1}",
            "nodes[0].choices[0].add.rapport",
            "'add' names 'rapport', which is not a declared counter",
        ),
        (
            "add: {trust: 1}",
            "add: {heard: 1}",
            "nodes[0].choices[0].add.heard",
            "'heard' is a flag, not a counter",
        ),
        (
            "counters: [trust]",
            "counters: [trust, heard]",
            "counters[1]",
            "'heard' is declared both as a flag and as a counter",
        ),
        (
            "flags: [heard]",
            "flags: [heard, heard]",
            "flags[1]",
            "'heard' is declared twice in 'flags'",
        ),
        (
            "counters: [trust]",
            "counters: [trust, and]",
            "counters[1]",
            "'and' cannot be a counter name: it is a word of the condition language",
        ),
    ],
    ids=[
        "when-undeclared-flag",
        "when-undeclared-counter",
        "when-flag-compared",
        "when-counter-as-flag",
        "set-undeclared",
        "set-a-counter",
        "clear-undeclared",
        "add-undeclared",
        "add-a-flag",
        "flag-and-counter",
        "declared-twice",
        "reserved-word",
    ],
)
def test_flags_and_counters_must_be_declared(
    workbook: Path, minimal_text: str, old: str, new: str, field: str, message: str
) -> None:
    assert _problems(workbook, minimal_text, _edit(old, new)) == [(f"{WHERE}.{field}", message)]


def test_a_node_where_every_choice_has_a_condition(workbook: Path, minimal_text: str) -> None:
    block = _edit(
        "            next: defended\n            feedback: True, but",
        "            next: defended\n            when: not heard\n            feedback: True, but",
    )
    assert _problems(workbook, minimal_text, block) == [
        (
            f"{WHERE}.nodes[1].choices",
            "every choice at node 'worry' has a 'when' condition: a learner for whom none "
            "holds would be stuck here",
        )
    ]


def test_no_reachable_ending(workbook: Path, minimal_text: str) -> None:
    block = _edit("next: her-voice", "next: defended")
    block = block.replace("next: missed", "next: opening")
    assert _problems(workbook, minimal_text, block) == [
        (f"{WHERE}.start", "no ending can be reached from the start node 'opening'"),
        (f"{WHERE}.nodes[3]", "node 'her-voice' cannot be reached from the start node 'opening'"),
        (f"{WHERE}.nodes[4]", "node 'missed' cannot be reached from the start node 'opening'"),
    ]


def test_no_ending_at_all(workbook: Path, minimal_text: str) -> None:
    block = BLOCK.split("      - id: her-voice")[0]
    block = block.replace("next: her-voice", "next: opening").replace(
        "next: missed", "next: opening"
    )
    assert _problems(workbook, minimal_text, block) == [
        (f"{WHERE}.nodes", "no node is an ending, so the conversation can never finish")
    ]


def test_a_loop_with_no_way_out(workbook: Path, minimal_text: str) -> None:
    block = _node(
        "      - id: round-a\n        speaker: sam\n        text: I don't know.\n"
        "        choices:\n          - text: Say more.\n            next: round-b\n"
        "            feedback: He goes round again.\n"
        "      - id: round-b\n        speaker: sam\n        text: I really don't know.\n"
        "        choices:\n          - text: Say more.\n            next: round-a\n"
        "            feedback: And again.\n"
    ).replace("next: missed", "next: round-a")
    assert _problems(workbook, minimal_text, block) == [
        (f"{WHERE}.nodes[4]", "node 'missed' cannot be reached from the start node 'opening'"),
        (
            f"{WHERE}.nodes[5]",
            "from node 'round-a' no ending can be reached: the choices only go round in a loop",
        ),
        (
            f"{WHERE}.nodes[6]",
            "from node 'round-b' no ending can be reached: the choices only go round in a loop",
        ),
    ]


def test_a_loop_with_a_way_out_is_fine(workbook: Path, minimal_text: str) -> None:
    # defended -> worry -> defended is a loop, but both can reach an ending: BLOCK passes.
    parse_case(_write(workbook, minimal_text, BLOCK), known_guides={"family-meetings"})


@pytest.mark.parametrize(
    "code",
    ["__import__('os')", "heard or trust", "trust >= 1.5", "heard; import os", "trust = 1"],
)
def test_the_schema_refuses_what_is_not_a_condition(
    workbook: Path, minimal_text: str, code: str
) -> None:
    block = _edit("when: heard and trust >= 1", f'when: "{code}"')
    problems = _problems(workbook, minimal_text, block)
    assert problems == [
        (
            f"{WHERE}.nodes[1].choices[0].when",
            f"'{code}' is not a condition; write a flag ('trust'), 'not trust', a counter test "
            "('rapport >= 2'), or several joined by 'and'",
        )
    ]


# -- the evaluator ---------------------------------------------------------------------------

FLAGS = {"heard": True, "named": False}
COUNTERS = {"trust": 2, "doubt": -1}


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (None, True),
        ("heard", True),
        ("named", False),
        ("not heard", False),
        ("not named", True),
        ("trust >= 2", True),
        ("trust >= 3", False),
        ("trust <= 2", True),
        ("trust <= 1", False),
        ("trust == 2", True),
        ("trust == 1", False),
        ("trust > 1", True),
        ("trust > 2", False),
        ("trust < 3", True),
        ("trust < 2", False),
        ("doubt < 0", True),
        ("doubt == -1", True),
        ("trust>=2", True),
        ("  heard  and  trust >= 2 ", True),
        ("heard and not named and trust == 2 and doubt < 0", True),
        ("heard and named", False),
        ("named and heard", False),
        ("heard and trust > 5", False),
    ],
)
def test_truth_table(condition: str | None, expected: bool) -> None:
    assert holds(condition, FLAGS, COUNTERS) is expected


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os')",
        "__import__('os').system('true')",
        "heard or named",
        "heard and",
        "and heard",
        "not",
        "not not heard",
        "trust >= x",
        "trust => 1",
        "trust >= 1.0",
        "Heard",
        "heard && named",
        "",
        "trust >= 12345678901",
        "trust >= \u0661",  # an Arabic-Indic digit: only 0-9 are numbers here
        "(heard)",
        "heard and " * 100 + "heard",
    ],
)
def test_the_evaluator_refuses_anything_outside_the_grammar(text: str) -> None:
    with pytest.raises(ValueError):
        holds(text, FLAGS, COUNTERS)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("unknown", "'unknown' is not a declared flag"),
        ("trust", "'trust' is not a declared flag"),
        ("heard >= 1", "'heard' is not a declared counter"),
        ("rapport < 2", "'rapport' is not a declared counter"),
    ],
)
def test_the_evaluator_refuses_undeclared_names(text: str, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        holds(text, FLAGS, COUNTERS)


def test_conditions_are_parsed_not_executed() -> None:
    assert parse_condition("not heard and trust >= -3") == (
        Term("heard", negated=True),
        Term("trust", op=">=", number=-3),
    )
    # A name that happens to be a Python builtin is only ever a key in the flags mapping.
    assert holds("exit", {"exit": True}, {}) is True
    assert holds("not print", {"print": False}, {}) is True
