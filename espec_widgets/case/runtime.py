"""What a learner kernel needs of a case, without the schema machinery behind it.

Validating a case builds pydantic's validators for every model (about 10 MB in each learner
kernel). A kernel only needs the activities, so the validated case is reduced to this small form
and cached under a key made from the case file's bytes: a kernel reads it with the json module,
and only a cache miss (a case edited since the last `espec build`) pays for full validation.
The attribute names match the schema models', so widgets accept either.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from dataclasses import asdict, dataclass, fields, is_dataclass
from pathlib import Path
from types import UnionType
from typing import Any, Union, get_args, get_origin, get_type_hints

from ..anchors import activity_anchor, scene_anchor, section_anchor
from ..config import CACHE_ENV as CACHE_ENV
from ..config import settings

# Re-exported: learner widgets read it from here.
from .vocabulary import INSTRUMENTS as INSTRUMENTS

FORMAT = 8
"""Bump when the runtime form changes, so old cache entries are ignored."""


@dataclass(frozen=True)
class OptionSpec:
    text: str
    correct: bool
    feedback: str


@dataclass(frozen=True)
class MultipleChoiceSpec:
    id: str
    title: str
    prompt: str
    multiple: bool
    options: tuple[OptionSpec, ...]
    type: str = "multiple_choice"


@dataclass(frozen=True)
class ReflectionSpec:
    id: str
    title: str
    prompt: str
    max_words: int
    type: str = "reflection"


@dataclass(frozen=True)
class CategorySpec:
    id: str
    label: str


@dataclass(frozen=True)
class ClassifyItemSpec:
    text: str
    category: str
    feedback: str
    hint: str | None = None


@dataclass(frozen=True)
class ClassifySpec:
    id: str
    title: str
    prompt: str
    categories: tuple[CategorySpec, ...]
    items: tuple[ClassifyItemSpec, ...]
    type: str = "classify"


@dataclass(frozen=True)
class StepSpec:
    text: str
    feedback: str


@dataclass(frozen=True)
class SequenceSpec:
    id: str
    title: str
    prompt: str
    steps: tuple[StepSpec, ...]
    type: str = "sequence"


@dataclass(frozen=True)
class ChecklistItemSpec:
    text: str
    rationale: str


@dataclass(frozen=True)
class ChecklistSpec:
    id: str
    title: str
    prompt: str
    items: tuple[ChecklistItemSpec, ...]
    type: str = "checklist"


@dataclass(frozen=True)
class SelfAssessmentSpec:
    id: str
    title: str
    prompt: str
    items: tuple[str, ...]
    scale: tuple[str, ...]
    retrospective: bool
    type: str = "self_assessment"


@dataclass(frozen=True)
class RewriteSpec:
    id: str
    title: str
    prompt: str
    weak_line: str
    speaker: str | None  # the speaker's display name, resolved from the case's people
    model_answer: str
    checklist: tuple[str, ...]
    max_words: int
    type: str = "rewrite"


@dataclass(frozen=True)
class ScreenItemSpec:
    label: str
    value: str


@dataclass(frozen=True)
class ScreenSpec:
    instrument: str
    score: int | None
    items: tuple[ScreenItemSpec, ...]
    note: str | None


@dataclass(frozen=True)
class ScreenDecideSpec:
    id: str
    title: str
    prompt: str
    screen: ScreenSpec
    multiple: bool
    options: tuple[OptionSpec, ...]
    type: str = "screen_decide"


@dataclass(frozen=True)
class LineSpec:
    speaker: str  # the speaker's display name, resolved from the case's people
    text: str
    direction: str | None = None


@dataclass(frozen=True)
class FindGapSpec:
    id: str
    title: str
    prompt: str
    transcript: tuple[LineSpec, ...]
    gap_after: int
    where_feedback: str
    options: tuple[OptionSpec, ...]
    type: str = "find_gap"


@dataclass(frozen=True)
class BranchChoiceSpec:
    text: str
    next: str
    feedback: str
    when: str | None
    set: tuple[str, ...]
    clear: tuple[str, ...]
    add: dict[str, int]


@dataclass(frozen=True)
class EndingSpec:
    kind: str
    summary: str


@dataclass(frozen=True)
class BranchNodeSpec:
    id: str
    speaker: str  # the speaker's display name, resolved from the case's people
    text: str
    choices: tuple[BranchChoiceSpec, ...]
    ending: EndingSpec | None


@dataclass(frozen=True)
class BranchingSpec:
    id: str
    title: str
    prompt: str
    start: str
    flags: tuple[str, ...]
    counters: tuple[str, ...]
    nodes: tuple[BranchNodeSpec, ...]
    type: str = "branching"


ActivitySpec = (
    MultipleChoiceSpec
    | ReflectionSpec
    | ClassifySpec
    | SequenceSpec
    | ChecklistSpec
    | SelfAssessmentSpec
    | RewriteSpec
    | ScreenDecideSpec
    | FindGapSpec
    | BranchingSpec
)
SPECS: dict[str, type] = {
    "multiple_choice": MultipleChoiceSpec,
    "reflection": ReflectionSpec,
    "classify": ClassifySpec,
    "sequence": SequenceSpec,
    "checklist": ChecklistSpec,
    "self_assessment": SelfAssessmentSpec,
    "rewrite": RewriteSpec,
    "screen_decide": ScreenDecideSpec,
    "find_gap": FindGapSpec,
    "branching": BranchingSpec,
}


@dataclass(frozen=True)
class MediaSpec:
    kind: str
    src: str
    captions: str
    title: str


@dataclass(frozen=True)
class SceneSpec:
    id: str
    title: str
    transcript: tuple[LineSpec, ...]
    media: MediaSpec | None


@dataclass(frozen=True)
class OutlineEntry:
    """One line of a case page's outline: a section or an activity, and its anchor on the page."""

    anchor: str  # the id of its heading on the page (builder/notebook.py writes the same)
    title: str
    kind: str  # "section" or "activity"
    activity: str = ""  # the activity's id, for an activity


def outline_of(case: Any) -> list[OutlineEntry]:
    """The sections and activities of a validated schema.Case, in page order."""
    entries = [
        OutlineEntry(section_anchor("objectives"), "Learning objectives", "section"),
        OutlineEntry(section_anchor("people"), "People in this case", "section"),
    ]
    for scene in case.scenes:
        entries.append(OutlineEntry(scene_anchor(scene.id), _reflow(scene.title), "section"))
        for activity_id in scene.activities:
            title = _reflow(case.activity(activity_id).title)
            entries.append(
                OutlineEntry(activity_anchor(activity_id), title, "activity", activity_id)
            )
    entries.append(OutlineEntry(section_anchor("debrief"), "Debrief", "section"))
    if case.resources:
        entries.append(OutlineEntry(section_anchor("resources"), "Resources", "section"))
    if case.guides:
        entries.append(OutlineEntry(section_anchor("guides"), "Best Practice Guides", "section"))
    return entries


@dataclass(frozen=True)
class CaseInfo:
    """What the navigator shows of a case, the order a learner meets its activities, and the
    outline of its page."""

    title: str = ""
    part: str = "I"
    main_domain: str = ""
    domains: tuple[str, ...] = ()
    estimated_minutes: int = 0
    order: tuple[str, ...] = ()  # activity ids, scene by scene
    outline: tuple[OutlineEntry, ...] = ()
    debrief: str = ""  # Markdown; it discusses the answers, so the page shows it only on request


@dataclass(frozen=True)
class RuntimeCase:
    id: str
    activities: tuple[ActivitySpec, ...]
    scenes: tuple[SceneSpec, ...] = ()
    info: CaseInfo = CaseInfo()

    def scene(self, scene_id: str) -> SceneSpec:
        for scene in self.scenes:
            if scene.id == scene_id:
                return scene
        raise KeyError(f"case '{self.id}' has no scene '{scene_id}'")

    def activity(self, activity_id: str) -> ActivitySpec:
        for activity in self.activities:
            if activity.id == activity_id:
                return activity
        raise KeyError(f"case '{self.id}' has no activity '{activity_id}'")


def _build(cls: Any, data: Any) -> Any:
    """A spec dataclass from a dict, nested specs and tuples included; other keys are dropped."""
    hints = get_type_hints(cls)
    kwargs = {}
    for f in fields(cls):
        if f.name in data:
            kwargs[f.name] = _convert(hints[f.name], data[f.name])
    return cls(**kwargs)


def _convert(hint: Any, value: Any) -> Any:
    if get_origin(hint) is tuple:
        return tuple(_convert(get_args(hint)[0], v) for v in value)
    if value is not None and get_origin(hint) in (Union, UnionType):  # e.g. EndingSpec | None
        hint = next(a for a in get_args(hint) if a is not type(None))
    if is_dataclass(hint):
        return _build(hint, value)
    return value


def _from_dicts(
    case_id: str,
    activities: list[dict[str, Any]],
    scenes: list[dict[str, Any]],
    info: dict[str, Any],
) -> RuntimeCase:
    return RuntimeCase(
        case_id,
        tuple(_build(SPECS[a["type"]], a) for a in activities),
        tuple(_build(SceneSpec, sc) for sc in scenes),
        _build(CaseInfo, info),
    )


def _reflow(text: str) -> str:
    """Activity texts are plain text: a YAML block's wrapped lines are joined, and a blank line
    stays a paragraph break (the widgets show it as one)."""
    paragraphs = (" ".join(p.split()) for p in re.split(r"\n\s*\n", text.strip()))
    return "\n\n".join(p for p in paragraphs if p)


def _plain(data: Any) -> Any:
    if isinstance(data, str):
        return _reflow(data) if "\n" in data else data
    if isinstance(data, dict):
        return {k: _plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_plain(v) for v in data]
    return data


def _named(data: Any, names: dict[str, str]) -> Any:
    """Replace every 'speaker' person id with that person's display name."""
    if isinstance(data, dict):
        return {
            k: names.get(v, v) if k == "speaker" and isinstance(v, str) else _named(v, names)
            for k, v in data.items()
        }
    if isinstance(data, list):
        return [_named(v, names) for v in data]
    return data


def from_case(case: Any) -> RuntimeCase:
    """Reduce a validated schema.Case to its runtime form."""
    names = {
        p.id: p.name + (f" ({p.relationship})" if p.relationship else " (patient)")
        for p in case.people
    }
    info = {
        "title": case.title,
        "part": case.part.value,
        "main_domain": case.main_domain.value,
        "domains": [d.value for d in case.domains],
        "estimated_minutes": case.estimated_minutes,
        "order": [a for scene in case.scenes for a in scene.activities],
        "outline": [asdict(e) for e in outline_of(case)],
        "debrief": case.debrief,
    }
    return _from_dicts(
        case.id,
        [_plain(_named(a.model_dump(mode="json"), names)) for a in case.activities],
        [_named(sc.model_dump(mode="json"), names) for sc in case.scenes],
        info,
    )


def _to_json(case: RuntimeCase) -> str:
    return json.dumps({"format": FORMAT, **asdict(case)}, sort_keys=True)


def _from_json(text: str) -> RuntimeCase:
    data = json.loads(text)
    if data.get("format") != FORMAT:
        raise ValueError("old runtime format")
    return _from_dicts(data["id"], data["activities"], data["scenes"], data["info"])


def cache_dir() -> Path:
    if (folder := settings().cache_dir) is not None:
        return folder
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("espec-workbook", appauthor=False)) / "cases"


def _cache_path(source: Path, raw: bytes) -> Path:
    digest = hashlib.sha256(raw).hexdigest()[:24]
    return cache_dir() / f"{source.stem}-{digest}.json"


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except OSError:
        pass  # a cache that cannot be written only costs the next kernel a validation


def cache_case(source: Path, case: Any) -> None:
    """Store the runtime form of a case just validated from source (used by `espec build`)."""
    _write(_cache_path(source, source.read_bytes()), _to_json(from_case(case)))


def load_runtime_case(source: Path) -> RuntimeCase:
    """The runtime form of the case in source: from the cache, else validated and cached.

    Raises CaseFileError (from the loader) when the file is not a valid case.
    """
    raw = source.read_bytes()
    cached = _cache_path(source, raw)
    try:
        return _from_json(cached.read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError):
        pass
    from .loader import parse_case  # the schema machinery, only on a miss

    case = parse_case(source)
    runtime = from_case(case)
    if source.read_bytes() == raw:  # not edited while we validated
        _write(cached, _to_json(runtime))
    return runtime
