"""Build every notebook (and voila.json) from the case files; deterministic and all-or-nothing."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from ..case import load_library
from ..case.runtime import cache_case
from ..paths import data_dir, notebooks_dir
from .landing import guide_notebook, landing_notebook
from .notebook import GENERATOR, case_notebook, dumps
from .voila_config import voila_config

__all__ = ["BuildReport", "build", "plan"]


@dataclass
class BuildReport:
    """What a build wrote (or, with check, what differs), as paths relative to the project root."""

    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    differs: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (self.differs or self.missing or self.stale)


def plan(root: Path) -> dict[str, str | bytes]:
    """Every generated file's path (relative to root) and exact content. Raises CaseFileError."""
    library = load_library(data_dir(root))
    out: dict[str, str | bytes] = {}
    nb_dir = notebooks_dir(root).relative_to(root)
    for case in sorted(library.cases, key=lambda c: c.id):
        cache_case(library.sources[case.id], case)  # learner kernels then skip validation
        # Lexical, not resolved: data/ may be a symlink (a shared case library).
        source = Path(os.path.relpath(library.sources[case.id], root)).as_posix()
        path = nb_dir / library.notebook(case.id)
        out[path.as_posix()] = dumps(case_notebook(case, source=source))
    for guide_id, guide_path in library.guides.items():
        text = guide_path.read_text(encoding="utf-8")
        out[(nb_dir / "guides" / f"{guide_id}.ipynb").as_posix()] = dumps(
            guide_notebook(guide_id, text)
        )
    # Recordings and captions are served from notebooks/media/ (Voila's files route).
    for case in library.cases:
        for scene in case.scenes:
            if scene.media is not None:
                for name in (scene.media.src, scene.media.captions):
                    out[(nb_dir / "media" / name).as_posix()] = (
                        data_dir(root) / "media" / name
                    ).read_bytes()
    curriculum = sorted(library.curriculum, key=lambda c: c.id)
    gallery = [library.notebook(c.id) for c in library.cases if library.in_gallery(c.id)]
    out[(nb_dir / "index.ipynb").as_posix()] = dumps(landing_notebook(curriculum, gallery))
    config = voila_config(sorted(p for p in out if p.endswith(".ipynb")), nb_dir.as_posix())
    out["voila.json"] = json.dumps(config, indent=2, sort_keys=True) + "\n"
    return out


def _generated_notebooks(root: Path) -> set[str]:
    """Notebooks under notebooks/ that a build wrote (recognised by their metadata)."""
    found = set()
    for path in notebooks_dir(root).rglob("*.ipynb"):
        if ".ipynb_checkpoints" in path.parts:
            continue
        try:
            meta = nbformat.read(path, as_version=4).metadata
        except Exception:  # an unreadable notebook is not ours to remove
            continue
        if meta.get("espec", {}).get("generator") == GENERATOR:
            found.add(path.relative_to(root).as_posix())
    return found


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def build(root: Path, *, check: bool = False) -> BuildReport:
    """Write (or with check=True, compare) every generated file. Nothing is written on error."""
    files = plan(root)  # raises before anything is written
    report = BuildReport()
    for rel, content in files.items():
        path = root / rel
        data = content.encode("utf-8") if isinstance(content, str) else content
        current = path.read_bytes() if path.exists() else None
        if current == data:
            report.unchanged.append(rel)
        elif check:
            (report.missing if current is None else report.differs).append(rel)
        else:
            _write_atomic(path, data)
            report.written.append(rel)
    media = notebooks_dir(root) / "media"
    generated_media = (
        {f.relative_to(root).as_posix() for f in media.rglob("*") if f.is_file()}
        if media.is_dir()
        else set()
    )
    for rel in sorted((_generated_notebooks(root) | generated_media) - files.keys()):
        if check:
            report.stale.append(rel)
        else:
            (root / rel).unlink()
            report.removed.append(rel)
    return report
