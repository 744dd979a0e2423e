"""Credit in the store: post-test attempts, evaluations and certificates.

An attempt is written when it is drawn (the questions and the order of their options, never the
key, which the kernel reads from the bank) and closed once, when the learner submits: a second
submission of the same attempt, from a replayed message or a second tab, changes nothing. A
learner's evaluation of a Part is written once. A certificate is a row whose id is checked by a
keyed code, so a mistyped or altered id is told apart from an unknown one, and an operator can
revoke it with a reason; its row keeps what the PDF states, so a verification shows exactly
what was issued.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from . import _check_storable, tables

if TYPE_CHECKING:
    from . import Learner, Store

ID_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
"""Certificate ids use the join codes' alphabet: nothing that reads as another character."""
ID_PREFIX = "ESPEC"
ID_GROUPS = 3  # of four random characters
CHECK_LENGTH = 2
SECRET_NAME = "certificate-ids"
MAX_REASON = 500


class CreditError(ValueError):
    """An action the credit rules refuse; the message is for the person who tried it."""


@dataclass(frozen=True)
class Attempt:
    id: int
    learner_id: int
    part: str
    bank_version: str
    items: tuple[tuple[str, tuple[int, ...]], ...]
    answers: dict[str, int] | None
    score: int | None
    passed: bool | None
    started_at: dt.datetime
    submitted_at: dt.datetime | None

    @property
    def total(self) -> int:
        return len(self.items)


@dataclass(frozen=True)
class Evaluation:
    learner_id: int
    part: str
    answers: dict[str, Any]
    submitted_at: dt.datetime


@dataclass(frozen=True)
class Certificate:
    id: str
    learner_id: int | None
    part: str
    holder_name: str
    licence_number: str | None
    licence_state: str | None
    course_title: str
    hours: float
    completed_on: dt.date
    content_version: str
    details: dict[str, Any]
    issued_at: dt.datetime
    revoked_at: dt.datetime | None
    revoke_reason: str | None


@dataclass(frozen=True)
class Verification:
    """What verifying an id found: status is genuine, revoked, altered or unknown."""

    status: str
    certificate: Certificate | None = None

    @property
    def genuine(self) -> bool:
        return self.status == "genuine"


_SEPARATORS = re.compile(r"[\s\-_.]+")


def normal_id(text: str) -> str:
    """An id as typed (any case, spaces or dashes) in its canonical grouped form, or ''."""
    if not isinstance(text, str) or len(text) > 60:
        return ""
    plain = _SEPARATORS.sub("", text.upper())
    if plain.startswith(ID_PREFIX):
        plain = plain[len(ID_PREFIX) :]
    body_length = 4 * ID_GROUPS + CHECK_LENGTH
    if len(plain) != body_length or any(ch not in ID_ALPHABET for ch in plain):
        return ""
    groups = [plain[i : i + 4] for i in range(0, 4 * ID_GROUPS, 4)]
    return "-".join([ID_PREFIX, *groups, plain[4 * ID_GROUPS :]])


def _check_code(secret: bytes, body: str) -> str:
    digest = hmac.new(secret, body.encode("ascii"), hashlib.sha256).digest()
    n = int.from_bytes(digest[:8], "big")
    out = []
    for _ in range(CHECK_LENGTH):
        n, r = divmod(n, len(ID_ALPHABET))
        out.append(ID_ALPHABET[r])
    return "".join(out)


class CreditRecords:
    """`store.credit`: attempts, evaluations and certificates, with the store's verbs."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def _secret(self) -> bytes:
        return self._store.find_or_add_secret(SECRET_NAME)

    # post-test attempts
    def add_attempt(
        self,
        learner: Learner,
        part: str,
        bank_version: str,
        items: list[tuple[str, list[int]]],
    ) -> Attempt:
        _check_storable(part, bank_version, [i for i, _ in items])
        now = self._store._now()
        values = {
            "learner_id": learner.id,
            "part": part,
            "bank_version": bank_version,
            "items": [[item, list(order)] for item, order in items],
            "started_at": now,
        }
        with self._store._write() as conn:
            result = conn.execute(tables.posttest_attempts.insert().values(**values))
            attempt_id = int(result.inserted_primary_key[0])  # type: ignore[index]
        return self.find_attempt(attempt_id, learner)

    def find_attempt(self, attempt_id: int, learner: Learner) -> Attempt:
        t = tables.posttest_attempts
        with self._store._read() as conn:
            row = conn.execute(
                sa.select(t).where(t.c.id == attempt_id, t.c.learner_id == learner.id)
            ).first()
        if row is None:
            raise CreditError("this attempt is not yours or no longer exists")
        return _attempt(row)

    def find_attempts(self, learner: Learner, part: str) -> list[Attempt]:
        """The learner's attempts at a Part's post-test, oldest first."""
        t = tables.posttest_attempts
        with self._store._read() as conn:
            rows = conn.execute(
                sa.select(t).where(t.c.learner_id == learner.id, t.c.part == part).order_by(t.c.id)
            ).all()
        return [_attempt(r) for r in rows]

    def update_attempt_result(
        self, attempt: Attempt, answers: dict[str, int], score: int, passed: bool
    ) -> Attempt:
        """Close an open attempt with its graded answers; CreditError if it was already closed
        (a second submission changes nothing)."""
        t = tables.posttest_attempts
        _check_storable(list(answers))
        with self._store._write() as conn:
            done = conn.execute(
                t.update()
                .where(
                    t.c.id == attempt.id,
                    t.c.learner_id == attempt.learner_id,
                    t.c.submitted_at.is_(None),
                )
                .values(
                    answers=answers, score=score, passed=passed, submitted_at=self._store._now()
                )
            ).rowcount
        if not done:
            raise CreditError("this attempt was already submitted; its result stands")
        with self._store._read() as conn:
            row = conn.execute(sa.select(t).where(t.c.id == attempt.id)).one()
        return _attempt(row)

    # evaluations
    def add_evaluation(self, learner: Learner, part: str, answers: dict[str, Any]) -> Evaluation:
        """Record a learner's evaluation of a Part, once; CreditError if it is already done."""
        _check_storable(part, answers)
        now = self._store._now()
        t = tables.evaluations
        with self._store._write() as conn:
            exists = conn.execute(
                sa.select(t.c.part).where(t.c.learner_id == learner.id, t.c.part == part)
            ).first()
            if exists is not None:
                raise CreditError("you have already completed this evaluation; thank you")
            conn.execute(
                t.insert().values(
                    learner_id=learner.id, part=part, answers=answers, submitted_at=now
                )
            )
        return Evaluation(learner.id, part, answers, now)

    def find_evaluation(self, learner: Learner, part: str) -> Evaluation | None:
        t = tables.evaluations
        with self._store._read() as conn:
            row = conn.execute(
                sa.select(t).where(t.c.learner_id == learner.id, t.c.part == part)
            ).first()
        return (
            None
            if row is None
            else Evaluation(row.learner_id, row.part, row.answers, row.submitted_at)
        )

    def find_evaluation_answers(self, part: str) -> list[dict[str, Any]]:
        """Every learner's evaluation answers for a Part, without who gave them (for the
        aggregate report: educators never see one learner's evaluation)."""
        t = tables.evaluations
        with self._store._read() as conn:
            rows = conn.execute(
                sa.select(t.c.answers).where(t.c.part == part).order_by(sa.func.random())
            ).all()
        return [dict(r.answers) for r in rows]

    # certificates
    def new_certificate_id(self) -> str:
        body = "".join(secrets.choice(ID_ALPHABET) for _ in range(4 * ID_GROUPS))
        return normal_id(body + _check_code(self._secret(), body))

    def add_certificate(self, learner: Learner, **fields: Any) -> Certificate:
        """Issue a certificate (the caller has checked the requirements); at most one per
        learner and Part: a second request returns the one already issued."""
        _check_storable(*(v for v in fields.values() if isinstance(v, str | dict | list)))
        part = fields["part"]
        existing = self.find_learner_certificate(learner, part)
        if existing is not None:
            return existing
        t = tables.certificates
        cert_id = self.new_certificate_id()
        with self._store._write() as conn:
            conn.execute(
                t.insert().values(
                    id=cert_id, learner_id=learner.id, issued_at=self._store._now(), **fields
                )
            )
        found = self.find_certificate(cert_id)
        assert found is not None
        return found

    def find_certificate(self, cert_id: str) -> Certificate | None:
        t = tables.certificates
        with self._store._read() as conn:
            row = conn.execute(sa.select(t).where(t.c.id == cert_id)).first()
        return None if row is None else _certificate(row)

    def find_learner_certificate(self, learner: Learner, part: str) -> Certificate | None:
        t = tables.certificates
        with self._store._read() as conn:
            row = conn.execute(
                sa.select(t)
                .where(t.c.learner_id == learner.id, t.c.part == part, t.c.revoked_at.is_(None))
                .order_by(t.c.issued_at.desc())
            ).first()
        return None if row is None else _certificate(row)

    def find_certificates(self) -> list[Certificate]:
        t = tables.certificates
        with self._store._read() as conn:
            rows = conn.execute(sa.select(t).order_by(t.c.issued_at)).all()
        return [_certificate(r) for r in rows]

    def verify(self, text: str) -> Verification:
        """What an id as typed is: genuine, revoked, altered (its check code does not match:
        mistyped or tampered with) or unknown (well formed, never issued here)."""
        cert_id = normal_id(text)
        if not cert_id:
            return Verification("altered")
        plain = cert_id.replace("-", "")[len(ID_PREFIX) :]
        body, check = plain[: 4 * ID_GROUPS], plain[4 * ID_GROUPS :]
        if not hmac.compare_digest(check, _check_code(self._secret(), body)):
            return Verification("altered")
        found = self.find_certificate(cert_id)
        if found is None:
            return Verification("unknown")
        return Verification("revoked" if found.revoked_at else "genuine", found)

    def update_revoked(self, cert_id: str, reason: str) -> Certificate:
        """Revoke a certificate with a reason; CreditError if there is no such certificate."""
        reason = " ".join(str(reason).split())
        if not reason:
            raise CreditError("give the reason for revoking the certificate")
        if len(reason) > MAX_REASON:
            raise CreditError(f"keep the reason under {MAX_REASON} characters")
        _check_storable(reason)
        cert_id = normal_id(cert_id) or cert_id
        t = tables.certificates
        with self._store._write() as conn:
            done = conn.execute(
                t.update()
                .where(t.c.id == cert_id, t.c.revoked_at.is_(None))
                .values(revoked_at=self._store._now(), revoke_reason=reason)
            ).rowcount
        found = self.find_certificate(cert_id)
        if found is None:
            raise CreditError(f"no certificate {cert_id} was issued here")
        if not done:
            raise CreditError(f"certificate {cert_id} was already revoked")
        return found


def _attempt(row: Any) -> Attempt:
    return Attempt(
        id=row.id,
        learner_id=row.learner_id,
        part=row.part,
        bank_version=row.bank_version,
        items=tuple((str(i), tuple(int(x) for x in order)) for i, order in row.items),
        answers=None if row.answers is None else {str(k): int(v) for k, v in row.answers.items()},
        score=row.score,
        passed=None if row.passed is None else bool(row.passed),
        started_at=row.started_at,
        submitted_at=row.submitted_at,
    )


def _certificate(row: Any) -> Certificate:
    return Certificate(
        id=row.id,
        learner_id=row.learner_id,
        part=row.part,
        holder_name=row.holder_name,
        licence_number=row.licence_number,
        licence_state=row.licence_state,
        course_title=row.course_title,
        hours=float(row.hours),
        completed_on=row.completed_on,
        content_version=row.content_version,
        details=dict(row.details),
        issued_at=row.issued_at,
        revoked_at=row.revoked_at,
        revoke_reason=row.revoke_reason,
    )
