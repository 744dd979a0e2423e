"""Build every notebook (and voila.json) from the case files; deterministic and all-or-nothing."""

from __future__ import annotations

import itertools
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from ..case import Library, load_library
from ..case.runtime import cache_case, cache_dir
from ..credit.runtime import cache_credit
from ..curriculum import sort_key
from ..paths import data_dir, notebooks_dir, staff_dir
from .landing import guide_notebook, landing_notebook
from .live import (
    CONSOLE_PAGE,
    CREDIT_PAGE,
    JOURNAL_PAGE,
    LIVE_PAGE,
    console_notebook,
    credit_notebook,
    journal_notebook,
    live_notebook,
)
from .notebook import EARLIER_GENERATORS, GENERATOR, case_notebook, dumps
from .voila_config import voila_config

__all__ = ["BuildReport", "build", "guide_pdfs", "plan", "write_guide_pdfs"]


@dataclass
class BuildReport:
    """What a build wrote (or, with check, what differs), as paths relative to the project root."""

    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    differs: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (self.differs or self.missing or self.stale)


def plan(root: Path, library: Library | None = None) -> dict[str, str | bytes]:
    """Every committed generated file's path (relative to root) and exact content.

    Raises CaseFileError. Guide PDFs are not part of the plan: see `build`.
    """
    library = library or load_library(data_dir(root))
    out: dict[str, str | bytes] = {}
    nb_dir = notebooks_dir(root).relative_to(root)
    titles = {g.id: g.title for g in library.guides.values()}
    # "Next case" at the end of each case page: the next module in the curriculum's order.
    program = sorted(
        (c for c in library.cases if not library.in_gallery(c.id)),
        key=lambda c: sort_key(c.part.value, c.main_domain.value, c.title),
    )
    following = {
        a.id: {"href": f"../{library.notebook(b.id)}", "title": b.title}
        for a, b in itertools.pairwise(program)
    }
    for case in sorted(library.cases, key=lambda c: c.id):
        cache_case(library.sources[case.id], case)  # learner kernels then skip validation
        # Lexical, not resolved: data/ may be a symlink (a shared case library).
        source = Path(os.path.relpath(library.sources[case.id], root)).as_posix()
        path = nb_dir / library.notebook(case.id)
        nb = case_notebook(
            case, source=source, guide_titles=titles, next_case=following.get(case.id)
        )
        out[path.as_posix()] = dumps(nb)
    for guide in library.guides.values():
        used_in = [(library.notebook(c.id), c) for c in library.cases_using(guide.id)]
        out[(nb_dir / "guides" / f"{guide.id}.ipynb").as_posix()] = dumps(
            guide_notebook(
                guide,
                used_in=used_in,
                live=[s.title for s in library.scenarios_using(guide.id)],
            )
        )
    # Recordings and captions are served from notebooks/media/ (Voila's files route).
    for case in library.cases:
        for scene in case.scenes:
            if scene.media is not None:
                for name in (scene.media.src, scene.media.captions):
                    out[(nb_dir / "media" / name).as_posix()] = (
                        data_dir(root) / "media" / name
                    ).read_bytes()
    gallery = [library.notebook(c.id) for c in library.cases if library.in_gallery(c.id)]
    guides = sorted(library.guides.values(), key=lambda g: g.title.casefold())
    out[(nb_dir / "index.ipynb").as_posix()] = dumps(landing_notebook(guides, gallery))
    out[(nb_dir / LIVE_PAGE).as_posix()] = dumps(live_notebook())
    out[(nb_dir / CREDIT_PAGE).as_posix()] = dumps(credit_notebook())
    out[(nb_dir / JOURNAL_PAGE).as_posix()] = dumps(journal_notebook())
    cache_credit(root, library)  # the course record and banks, for learner kernels
    staff = staff_dir(root).relative_to(root)
    out[(staff / CONSOLE_PAGE).as_posix()] = dumps(console_notebook())
    config = voila_config(sorted(p for p in out if p.endswith(".ipynb")), nb_dir.as_posix())
    out["voila.json"] = json.dumps(config, indent=2, sort_keys=True) + "\n"
    return out


def guide_pdfs(root: Path, library: Library | None = None) -> dict[str, bytes]:
    """Each guide as a PDF, by path under root: made on the machine that serves them, not
    committed (their bytes depend on the system's fonts and Pango). Raises ImportError or
    OSError when WeasyPrint or Pango is missing."""
    from .guide_pdf import cached_guide_pdf

    library = library or load_library(data_dir(root))
    cache = cache_dir() / "guide-pdfs"
    nb_dir = notebooks_dir(root).relative_to(root)
    out = {}
    for guide in library.guides.values():
        used_in = [c.title for c in library.cases_using(guide.id)]
        used_in += [
            f"{s.title} (a Part II live session)" for s in library.scenarios_using(guide.id)
        ]
        pdf = cached_guide_pdf(guide, used_in=used_in, cache=cache)
        out[(nb_dir / "guides" / f"{guide.id}.pdf").as_posix()] = pdf
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
        if meta.get("espec", {}).get("generator") in {GENERATOR, *EARLIER_GENERATORS}:
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


def build(root: Path, *, check: bool = False, pdfs: bool = True) -> BuildReport:
    """Write (or with check=True, compare) every generated file. Nothing is written on error.

    Writing also makes the guides' PDFs (unless pdfs=False); `--check` leaves them alone, since
    they are not committed.
    """
    library = load_library(data_dir(root))  # raises before anything is written
    files = plan(root, library)
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
    if not check and pdfs:
        write_guide_pdfs(root, report, library)
    return report


def write_guide_pdfs(root: Path, report: BuildReport, library: Library | None = None) -> None:
    """Bring notebooks/guides/*.pdf up to date (they are not committed), noting what changed
    in report; a missing WeasyPrint or Pango is a warning, not an error."""
    try:
        pdfs = guide_pdfs(root, library)
    except (ImportError, OSError) as exc:
        report.warnings.append(
            f"the guides' PDFs were not made ({exc}); they need WeasyPrint and the Pango "
            "library: on Debian or Ubuntu, apt-get install libpango-1.0-0 libpangoft2-1.0-0"
        )
        return
    for rel, data in pdfs.items():
        path = root / rel
        if path.exists() and path.read_bytes() == data:
            report.unchanged.append(rel)
        else:
            _write_atomic(path, data)
            report.written.append(rel)
    guides = notebooks_dir(root) / "guides"
    for old in sorted(guides.glob("*.pdf")) if guides.is_dir() else []:
        rel = old.relative_to(root).as_posix()
        if rel not in pdfs:
            old.unlink()
            report.removed.append(rel)
