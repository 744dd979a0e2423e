"""What a learner kernel needs of the course record and the item banks, as plain data.

The validated course record and banks, with each item's objective resolved to its text, case
and domain, are cached as JSON under a key made from the content version: a hash of every case,
scenario, bank and course file, which an issued certificate also records. A kernel reads the
JSON; only a miss (content edited since the last `espec build`) pays for validating the files.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..case.runtime import _write, cache_dir
from ..paths import data_dir

CATEGORY_WORDS = {
    "clinical": "clinical",
    "pain and symptom management": "pain and symptom management",
    "cross-cultural": "cultural competence",
    "ethics": "ethics",
}
"""How certificates and the course record name each CE category."""


def split_words(categories: dict[str, float]) -> str:
    """A Part's hours by category in words: '2 clinical, 3.5 pain and symptom management'."""
    return ", ".join(f"{h:g} {CATEGORY_WORDS.get(c, c)}" for c, h in categories.items())


FORMAT = 1
CONTENT_FOLDERS = ("cases", "live", "posttest")
COURSE_FILE = "course.yaml"


def content_version(root: Path) -> str:
    """A hash of the files credit is earned on: cases, scenarios, banks, the course record."""
    data = data_dir(root)
    files = sorted(
        p for folder in CONTENT_FOLDERS for p in (data / folder).glob("*.yaml") if p.is_file()
    )
    if (data / COURSE_FILE).is_file():
        files.append(data / COURSE_FILE)
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(data).as_posix().encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


@dataclass(frozen=True)
class ItemSpec:
    id: str
    objective: str  # case-id/objective-id
    objective_text: str
    case_id: str
    case_title: str
    domain: str
    kind: str
    stem: str
    options: tuple[str, ...]
    key: int  # never leaves the kernel until the attempt is submitted
    rationale: str


@dataclass(frozen=True)
class BankSpec:
    part: str
    title: str
    test_length: int
    pass_mark: float
    items: tuple[ItemSpec, ...]

    def item(self, item_id: str) -> ItemSpec | None:
        return next((i for i in self.items if i.id == item_id), None)


@dataclass(frozen=True)
class Credit:
    """The course record (as plain dicts) and the banks, on one content version."""

    version: str
    course: dict[str, Any] | None
    banks: dict[str, BankSpec]

    def part(self, part: str) -> dict[str, Any] | None:
        if self.course is None:
            return None
        return next((p for p in self.course["parts"] if p["part"] == part), None)


def _from_library(library: Any, version: str) -> dict[str, Any]:
    course = library.course.model_dump(mode="json") if library.course is not None else None
    cases = {c.id: c for c in library.curriculum}
    banks = {}
    for part, bank in library.banks.items():
        items = []
        for item in bank.items:
            case_id, objective_id = item.objective.split("/")
            case = cases[case_id]
            objective = next(o for o in case.objectives if o.id == objective_id)
            items.append(
                {
                    "id": item.id,
                    "objective": item.objective,
                    "objective_text": objective.text,
                    "case_id": case_id,
                    "case_title": case.title,
                    "domain": objective.domain.value,
                    "kind": item.kind,
                    "stem": item.stem,
                    "options": item.options,
                    "key": item.key,
                    "rationale": item.rationale,
                }
            )
        banks[part.value] = {
            "part": part.value,
            "title": bank.title,
            "test_length": bank.test_length,
            "pass_mark": bank.pass_mark,
            "items": items,
        }
    return {"format": FORMAT, "version": version, "course": course, "banks": banks}


def _credit(data: dict[str, Any]) -> Credit:
    banks = {
        part: BankSpec(
            part=b["part"],
            title=b["title"],
            test_length=int(b["test_length"]),
            pass_mark=float(b["pass_mark"]),
            items=tuple(
                ItemSpec(**{**i, "options": tuple(i["options"]), "key": int(i["key"])})
                for i in b["items"]
            ),
        )
        for part, b in data["banks"].items()
    }
    return Credit(data["version"], data["course"], banks)


def _cache_path(version: str) -> Path:
    return cache_dir() / f"credit-{version[:24]}.json"


def cache_credit(root: Path, library: Any) -> None:
    """Store the runtime form of the library just validated (used by `espec build`)."""
    version = content_version(root)
    _write(_cache_path(version), json.dumps(_from_library(library, version), sort_keys=True))


def load_credit(root: Path) -> Credit:
    """The course record and banks of the workbook at root: cached, else validated and cached.

    Raises CaseFileError when a file is not valid.
    """
    version = content_version(root)
    data_folder = data_dir(root)
    if not (data_folder / COURSE_FILE).is_file() and not any(
        (data_folder / "posttest").glob("*.yaml")
    ):
        return Credit(version, None, {})  # no credit offered: nothing to validate
    path = _cache_path(version)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") == FORMAT and data.get("version") == version:
            return _credit(data)
    except (OSError, ValueError, KeyError, TypeError):
        pass
    from ..case.loader import load_library  # the schema machinery, only on a miss

    data = _from_library(load_library(data_dir(root)), version)
    if content_version(root) == version:
        _write(path, json.dumps(data, sort_keys=True))
    return _credit(data)


def course_view(credit: Credit) -> dict[str, Any]:
    """The course record as the page shows it (on this page and the navigator)."""
    c = credit.course
    if c is None:
        return {}
    return {
        "title": c["title"],
        "version": c["version"],
        "audience": c["target_audience"],
        "coi": c["conflict_of_interest"],
        "support": c["commercial_support"],
        "contributors": [
            f"{p['name']}, {p['credentials']} ({p['role']}). {p['disclosure']}"
            for p in c["contributors"]
        ],
        "references": [r["citation"] for r in c["references"]],
        "parts": [
            {
                "part": p["part"],
                "title": p["title"],
                "hours": p["hours"],
                "split": split_words(p.get("categories") or {}),
                "format": p["format"],
                "level": p["level"],
                "objectives": p["objectives"],
                "requirements": p["requirements"],
            }
            for p in c["parts"]
        ],
    }
