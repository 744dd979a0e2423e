"""Load case files: parse YAML with positions, upgrade, validate, and report every problem at file:line."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, get_args

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from .credit import Bank, Course, check_bank, check_course
from .crossref import check_references
from .errors import CaseFileError, Problem, field_path, read_text
from .guides import Guide, parse_guide
from .media import media_problems
from .raw_html import raw_html_warnings
from .scenario import Scenario, check_scenario
from .schema import Case
from .versions import VersionError, upgrade
from .vocabulary import Part

M = TypeVar("M", bound=BaseModel)

MAX_CASE_BYTES = 2_000_000
COURSE = "course.yaml"
"""data/course.yaml: the course record (case/credit.py)."""
POSTTEST = "posttest"
"""data/posttest/: post-test item banks, one per Part (case/credit.py)."""
GALLERY = "gallery"
LIVE = "live"
"""data/live/: Part II scenario files (case/scenario.py)."""

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Library:
    """Every case and guide found under a data directory."""

    cases: tuple[Case, ...]
    sources: dict[str, Path]
    guides: dict[str, Guide]
    warnings: tuple[Problem, ...] = ()
    """Problems that do not stop a build (raw HTML in a field), for `espec check` to show."""
    scenarios: dict[str, Scenario] = field(default_factory=dict)
    """Part II scenarios (data/live/), by id."""
    course: Course | None = None
    """The course record (data/course.yaml), when there is one."""
    banks: dict[Part, Bank] = field(default_factory=dict)
    """Post-test item banks (data/posttest/), by Part."""
    bank_sources: dict[Part, Path] = field(default_factory=dict)

    def in_gallery(self, case_id: str) -> bool:
        """Gallery files (data/gallery/) show components to educators; they are not curriculum."""
        return self.sources[case_id].parent.name == GALLERY

    def notebook(self, case_id: str) -> str:
        """Where the case's notebook lives, relative to the served notebooks/ folder."""
        case = next(c for c in self.cases if c.id == case_id)
        folder = GALLERY if self.in_gallery(case_id) else case.part.slug
        return f"{folder}/{case_id}.ipynb"

    @property
    def curriculum(self) -> tuple[Case, ...]:
        return tuple(c for c in self.cases if not self.in_gallery(c.id))

    def scenarios_using(self, guide_id: str) -> list[Scenario]:
        """Part II scenarios that rest on a guide, in id order."""
        return sorted(
            (s for s in self.scenarios.values() if guide_id in s.guides), key=lambda s: s.id
        )

    def cases_using(self, guide_id: str) -> list[Case]:
        """Curriculum cases that link to a guide, in id order."""
        return sorted((c for c in self.curriculum if guide_id in c.guides), key=lambda c: c.id)


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    return yaml


def _position(root: Any, loc: Loc) -> tuple[int, int, Loc]:
    """Line and column (1-based) of the deepest node of loc that exists in the YAML tree."""
    line, col = 1, 1
    node = root
    matched: list[str | int] = []
    for key in loc:
        if isinstance(node, CommentedMap) and key in node:
            kline, kcol = node.lc.key(key)
            line, col = kline + 1, kcol + 1
            node = node[key]
        elif isinstance(node, CommentedSeq) and isinstance(key, int) and 0 <= key < len(node):
            iline, icol = node.lc.item(key)
            line, col = iline + 1, icol + 1
            node = node[key]
        elif isinstance(node, CommentedMap | CommentedSeq) and isinstance(key, str):
            # A discriminator tag from pydantic (e.g. 'multiple_choice'): not a key in the file.
            continue
        else:
            break
        matched.append(key)
    return line, col, tuple(matched)


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The models an annotation can hold, through lists, unions and Annotated."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in get_args(annotation) for m in _models_in(arg)]


def _allowed_fields(loc: Loc) -> list[str]:
    """Field names allowed beside loc's last key, for 'did you mean' hints."""
    models: list[type[BaseModel]] = [Case]
    for key in loc[:-1]:
        if isinstance(key, int):
            continue
        if len(models) == 1 and key in models[0].model_fields:
            models = _models_in(models[0].model_fields[key].annotation)
        else:  # a discriminator tag (e.g. 'reflection') picks one of several models
            models = [
                m
                for m in models
                if "type" in m.model_fields and key in get_args(m.model_fields["type"].annotation)
            ]
    return list(models[0].model_fields) if len(models) == 1 else []


def _hint_for(error: Any, loc: Loc) -> tuple[str, str]:
    """A message and a hint for one pydantic error."""
    kind = error["type"]
    name = loc[-1] if loc else ""
    if kind == "missing":
        return f"required field '{name}' is missing", f"add '{name}:' here"
    if kind == "extra_forbidden":
        allowed = _allowed_fields(loc)
        close = difflib.get_close_matches(str(name), allowed, n=1)
        hint = f"did you mean '{close[0]}'?" if close else ""
        if allowed:
            hint = (hint + " " if hint else "") + "allowed here: " + ", ".join(allowed)
        return f"unknown field '{name}'", hint
    if kind == "enum":
        expected = error.get("ctx", {}).get("expected", "")
        choices = [c.strip().strip("'") for c in expected.replace(" or ", ", ").split(", ")]
        given = str(error.get("input", ""))
        close = difflib.get_close_matches(given, choices, n=1, cutoff=0.5)
        hint = f"did you mean '{close[0]}'?" if close else f"use one of: {expected}"
        return f"'{given}' is not an allowed value", hint
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        if name == "schema_version":
            return "unsupported schema_version", f"expected {expected}"
        return f"'{error.get('input')}' is not allowed here", f"expected {expected}"
    if kind == "union_tag_invalid":
        ctx = error.get("ctx", {})
        return (
            f"unknown activity type '{ctx.get('tag')}'",
            f"use one of: {ctx.get('expected_tags')}",
        )
    if kind == "union_tag_not_found":
        return "this activity has no 'type'", "add 'type: multiple_choice' or 'type: reflection'"
    if kind == "string_pattern_mismatch":
        return (
            f"'{error.get('input')}' is not a valid id",
            "use lower-case letters, digits and single hyphens, e.g. 'family-meeting-1'",
        )
    if kind in {"string_type", "int_type", "int_parsing", "bool_type", "bool_parsing", "list_type"}:
        wanted = {
            "string_type": "text",
            "int_type": "a whole number",
            "int_parsing": "a whole number",
            "bool_type": "true or false",
            "bool_parsing": "true or false",
            "list_type": "a list (lines starting with '- ')",
        }[kind]
        got = type(error.get("input")).__name__
        got = {"CommentedMap": "a mapping", "CommentedSeq": "a list", "NoneType": "nothing"}.get(
            got, got
        )
        return f"expected {wanted}, found {got}", ""
    if kind == "model_type":
        return "expected a mapping of fields (key: value lines)", ""
    if kind == "string_too_short":
        return "this text is empty", "write the text, or remove the field if it is optional"
    if kind == "too_short":
        return error["msg"].replace("List", "the list"), "add at least one item"
    if kind in {"url_parsing", "url_scheme", "url_type"}:
        return f"'{error.get('input')}' is not a web address", "write the full address, https://…"
    if kind in {"greater_than_equal", "less_than_equal", "greater_than", "less_than"}:
        ctx = error.get("ctx", {})
        bound = next(iter(ctx.values()), "")
        word = {
            "greater_than_equal": "at least",
            "less_than_equal": "at most",
            "greater_than": "more than",
            "less_than": "less than",
        }[kind]
        return f"{error.get('input')} is out of range: it must be {word} {bound}", ""
    if kind in {"too_long", "string_too_long"}:
        return "this is too long: " + error["msg"].lower(), "shorten it"
    if kind == "value_error":
        return str(error.get("ctx", {}).get("error", error["msg"])), ""
    return error["msg"], ""


def _problems_from_validation(exc: ValidationError, root: Any, path: Path) -> list[Problem]:
    problems = []
    for error in exc.errors(include_url=False):
        loc = tuple(error["loc"])
        if error["type"] == "union_tag_invalid":
            loc += ("type",)
        line, col, matched = _position(root, loc)
        message, hint = _hint_for(error, loc)
        # A missing field has no position of its own: show it under its parent. Discriminator
        # tags (e.g. 'reflection') are skipped by _position, so they never reach the path.
        shown = matched or loc
        if error["type"] in {"missing", "extra_forbidden"} and matched[-1:] != loc[-1:]:
            shown = (*matched, loc[-1])
        problems.append(Problem(path, line, col, field_path(shown), message, hint))
    return problems


def parse_case(
    path: Path, *, known_guides: Iterable[str] | None = None, media_dir: Path | None = None
) -> Case:
    """Load one case file, raising CaseFileError with every problem found in it."""
    return read_case(path, known_guides=known_guides, media_dir=media_dir)[0]


def _read_yaml(path: Path, what: str = "a case file") -> tuple[CommentedMap, str]:
    """A file's YAML tree (with positions) and its text; CaseFileError pointing at the line."""
    text = read_text(
        path,
        max_bytes=MAX_CASE_BYTES,
        too_big=f"file is larger than {MAX_CASE_BYTES // 1_000_000} MB",
    )
    try:
        root = _yaml().load(text)
    except DuplicateKeyError as exc:
        mark = exc.problem_mark
        key = str(exc.problem).split('"')[1] if '"' in str(exc.problem) else ""
        raise CaseFileError(
            [
                Problem(
                    path,
                    mark.line + 1 if mark else 1,
                    mark.column + 1 if mark else 1,
                    key,
                    f"the key '{key}' appears twice in the same mapping",
                    "keep one of them",
                )
            ]
        ) from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = (exc.problem or exc.context or "invalid YAML").strip()
        raise CaseFileError(
            [
                Problem(
                    path,
                    mark.line + 1 if mark else 1,
                    mark.column + 1 if mark else 1,
                    "",
                    f"this is not valid YAML: {message}",
                    "check the indentation and that text containing ': ' or '#' is quoted",
                )
            ]
        ) from None
    except YAMLError as exc:
        raise CaseFileError([Problem(path, 1, 1, "", f"this is not valid YAML: {exc}")]) from None
    if not isinstance(root, CommentedMap):
        raise CaseFileError(
            [Problem(path, 1, 1, "", f"{what} is a mapping of fields (key: value lines)")]
        )
    return root, text


def read_case(
    path: Path, *, known_guides: Iterable[str] | None = None, media_dir: Path | None = None
) -> tuple[Case, list[Problem]]:
    """Load one case file and its warnings, raising CaseFileError with every problem found in
    it (and the warnings)."""
    root, text = _read_yaml(path)
    warnings = raw_html_warnings(root, path, text)
    try:
        return _validate(root, path, known_guides, media_dir), warnings
    except CaseFileError as exc:
        raise CaseFileError(exc.problems, warnings=warnings) from None


def _validate(
    root: CommentedMap, path: Path, known_guides: Iterable[str] | None, media_dir: Path | None
) -> Case:
    """The case in a file's YAML tree, or CaseFileError with every problem in it."""
    try:
        data = upgrade(dict(root))
    except VersionError as exc:
        line, col, _ = _position(root, ("schema_version",))
        raise CaseFileError([Problem(path, line, col, "schema_version", str(exc))]) from None
    try:
        case = Case.model_validate(data)
    except ValidationError as exc:
        raise CaseFileError(_problems_from_validation(exc, root, path)) from None
    found = list(check_references(case, known_guides=known_guides))
    if media_dir is not None:
        found += media_problems(case, media_dir)
    problems = _located(root, path, found, case.id)
    if problems:
        raise CaseFileError(problems)
    return case


def _located(root: CommentedMap, path: Path, found: Iterable[Any], file_id: str) -> list[Problem]:
    """Each (field path, message, hint) at its line in the file; and the file named by its id."""
    problems = [
        Problem(path, *_position(root, loc)[:2], field_path(loc), message, hint)
        for loc, message, hint in found
    ]
    if path.stem != file_id:
        line, col, _ = _position(root, ("id",))
        problems.append(
            Problem(
                path,
                line,
                col,
                "id",
                f"the id '{file_id}' does not match the file name '{path.name}'",
                f"rename the file to '{file_id}.yaml' or change the id",
            )
        )
    return problems


def read_scenario(path: Path, *, known_guides: Iterable[str] | None = None) -> Scenario:
    """Load one Part II scenario file (data/live/), raising CaseFileError with every problem."""
    root, _ = _read_yaml(path, "a scenario file")
    try:
        scenario = Scenario.model_validate(dict(root))
    except ValidationError as exc:
        raise CaseFileError(_problems_from_validation(exc, root, path)) from None
    found = check_scenario(scenario, known_guides=known_guides)
    problems = _located(root, path, found, scenario.id)
    if problems:
        raise CaseFileError(problems)
    return scenario


def _read_model(path: Path, model: type[M], what: str) -> tuple[M, CommentedMap]:
    root, _ = _read_yaml(path, what)
    try:
        return model.model_validate(dict(root)), root
    except ValidationError as exc:
        raise CaseFileError(_problems_from_validation(exc, root, path)) from None


def read_course(path: Path, cases: Iterable[Case] = ()) -> Course:
    """The course record (data/course.yaml), raising CaseFileError with every problem."""
    course, root = _read_model(path, Course, "the course record")
    problems = [
        Problem(path, *_position(root, loc)[:2], field_path(loc), message, hint)
        for loc, message, hint in check_course(course, cases)
    ]
    if problems:
        raise CaseFileError(problems)
    return course


def read_bank(path: Path, cases: Iterable[Case] = (), course: Course | None = None) -> Bank:
    """A post-test item bank (data/posttest/*.yaml), checked against the Part's cases and its
    CE hours in the course record when one is given; CaseFileError with every problem."""
    bank, root = _read_model(path, Bank, "an item bank")
    record = course.part(bank.part) if course is not None else None
    if record is not None:
        problems = [
            Problem(path, *_position(root, loc)[:2], field_path(loc), message, hint)
            for loc, message, hint in check_bank(bank, cases, hours=record.hours)
        ]
        if problems:
            raise CaseFileError(problems)
    return bank


def case_files(paths: Sequence[Path]) -> list[Path]:
    """The case files named by paths (files or folders), sorted."""
    found: set[Path] = set()
    for p in paths:
        if p.is_dir():
            found.update(q for q in p.rglob("*.yaml") if not q.name.startswith("."))
            found.update(q for q in p.rglob("*.yml") if not q.name.startswith("."))
        else:
            found.add(p)
    return sorted(found)


def guide_files(guides_dir: Path) -> list[Path]:
    return sorted(guides_dir.glob("*.md")) if guides_dir.is_dir() else []


def load_library(data_dir: Path, *, paths: Sequence[Path] | None = None) -> Library:
    """Load every case and guide under data_dir, raising CaseFileError with all problems.

    With paths, only the case files and guides they name (files or folders) are checked; every
    guide is still read, since cases link to guides.
    """
    guides_dir = data_dir / "guides"
    known = {p.resolve() for p in guide_files(guides_dir)}
    if paths is None:
        named_guides = known
        default = [data_dir / "cases", data_dir / GALLERY]
        files = case_files([d for d in default if d.is_dir()])
    else:
        # Resolved, so a guide named as data/guides/x.md is the same file as the library's.
        named_guides = {p.resolve() for p in paths if p.suffix == ".md"}
        named_guides |= {g.resolve() for p in paths if p.is_dir() for g in guide_files(p)}
        files = case_files([p for p in paths if p.suffix != ".md"])
    problems: list[Problem] = []
    warnings: list[Problem] = []
    guides: dict[str, Guide] = {}
    for path in sorted(known | named_guides):
        try:
            guides[path.stem] = parse_guide(path)
        except CaseFileError as exc:
            if path in named_guides:
                problems.extend(exc.problems)
            guides[path.stem] = Guide(path.stem, path, path.stem, "")  # known, for case links
    cases: list[Case] = []
    sources: dict[str, Path] = {}
    for path in files:
        if path.parent.name == LIVE:
            continue  # a scenario, read below
        if path.suffix not in {".yaml", ".yml"}:
            problems.append(Problem(path, 1, 1, "", "case files end in .yaml"))
            continue
        try:
            case, found = read_case(path, known_guides=guides, media_dir=data_dir / "media")
        except CaseFileError as exc:
            problems.extend(exc.problems)
            warnings.extend(exc.warnings)
            continue
        warnings.extend(found)
        if case.id in sources:
            problems.append(
                Problem(
                    path,
                    1,
                    1,
                    "id",
                    f"duplicate case id '{case.id}': also used by {sources[case.id]}",
                    "every case needs its own id",
                )
            )
            continue
        cases.append(case)
        sources[case.id] = path
    scenarios: dict[str, Scenario] = {}
    live = data_dir / LIVE
    if paths is None:
        scenario_paths = case_files([live]) if live.is_dir() else []
    else:
        scenario_paths = [p for p in files if p.parent.name == LIVE]
    for path in scenario_paths:
        try:
            scenarios[path.stem] = read_scenario(path, known_guides=guides)
        except CaseFileError as exc:
            problems.extend(exc.problems)
    curriculum = [c for c in cases if sources[c.id].parent.name != GALLERY]
    course: Course | None = None
    course_file = data_dir / COURSE
    if course_file.is_file():
        try:
            course = read_course(course_file, curriculum if paths is None else ())
        except CaseFileError as exc:
            problems.extend(exc.problems)
    banks: dict[Part, Bank] = {}
    bank_sources: dict[Part, Path] = {}
    for path in sorted((data_dir / POSTTEST).glob("*.yaml")):
        try:
            bank = read_bank(path, curriculum, course if paths is None else None)
        except CaseFileError as exc:
            problems.extend(exc.problems)
            continue
        if bank.part in banks:
            problems.append(Problem(path, 1, 1, "part", f"a second bank for Part {bank.part}"))
            continue
        banks[bank.part] = bank
        bank_sources[bank.part] = path
    if problems:
        raise CaseFileError(problems, warnings=warnings)
    return Library(
        cases=tuple(cases),
        sources=sources,
        guides=guides,
        warnings=tuple(warnings),
        scenarios=scenarios,
        course=course,
        banks=banks,
        bank_sources=bank_sources,
    )
