"""Forwarding statements to a Learning Record Store, through the store's outbox.

Two steps, each safe to repeat and to run in several processes at once:
- `sync` makes the statements of recent events (xapi/statements.py) and queues each one that is
  not queued yet, by its id;
- `deliver` sends due statements in batches, exactly as queued. A batch the LRS accepts is
  marked delivered; a batch it does not is retried later, each failure doubling the wait up to a
  cap. If a delivery reached the LRS but its answer did not reach us, the batch is sent again
  with the same ids, and the LRS, which keeps one statement per id, keeps it once.

The server runs this in a thread of its own (`start_in_thread`), so no learner's page waits for
an LRS, and an LRS that is down loses nothing: the outbox keeps every statement until it is
delivered. `espec xapi forward` runs the same loop as a process of its own.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..store import Store
from .statements import IDLE, Catalogue, InvalidStatement, Maker, validate

log = logging.getLogger(__name__)

XAPI_VERSION = "1.0.3"
BATCH = 50
BACKOFF_FIRST = 5.0  # seconds
BACKOFF_CAP = 900.0
SYNC_SLACK = IDLE + dt.timedelta(minutes=15)
"""How far back each sync after a process's first looks again: a visit's end (suspended) and a
learner's leaving are known up to IDLE after they happened."""
TIMEOUT = 20.0
REFUSED = {400, 409, 413, 422}
"""The LRS's answers about a batch's content (not its availability): sent one by one instead."""
ALONE_AFTER = 3
"""A batch the LRS has answered with an error this many times is sent one by one, so that a
statement it will not take under any status cannot hold up the rest."""


@dataclass(frozen=True)
class Delivery:
    sent: int
    failed: int
    error: str = ""


def backoff(attempts: int, *, first: float = BACKOFF_FIRST, cap: float = BACKOFF_CAP) -> float:
    """Seconds to wait after a statement's attempts-th failure: doubling, capped, jittered."""
    wait = min(cap, first * 2 ** max(0, attempts - 1))
    return float(wait * random.uniform(0.8, 1.0))


class Forwarder:
    def __init__(
        self,
        store: Store,
        root: Path,
        *,
        public_url: str,
        lrs: dict[str, str],
        batch: int = BATCH,
        first_backoff: float = BACKOFF_FIRST,
        cap: float = BACKOFF_CAP,
    ) -> None:
        if not lrs.get("url"):
            raise ValueError("no LRS is configured (ESPEC_LRS_URL)")
        self.store = store
        self.maker = Maker(store, Catalogue.of(root), public_url)
        self.endpoint = lrs["url"].rstrip("/") + "/statements"
        self.auth = (lrs.get("username", ""), lrs.get("password", ""))
        self.batch = batch
        self.first_backoff, self.cap = first_backoff, cap
        self._client: Any = None
        self.paused_until: dt.datetime | None = None
        """After a failure, the whole forwarder waits (not only the batch that failed)."""
        self._synced_at: dt.datetime | None = None

    def _http(self) -> Any:
        if self._client is None:
            import httpx

            self._client = httpx.Client(
                timeout=TIMEOUT,
                auth=self.auth if any(self.auth) else None,
                headers={"X-Experience-API-Version": XAPI_VERSION},
            )
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def sync(self, *, now: dt.datetime | None = None) -> int:
        """Queue the statements of events since the last sync (with slack); how many were new."""
        now = now or dt.datetime.now(dt.UTC)
        # The first sync of a process looks at everything (the outbox skips what it holds);
        # later ones at what happened since the last, with slack.
        since = self._synced_at - SYNC_SLACK if self._synced_at is not None else None
        queued: list[tuple[str, int | None, dict[str, Any]]] = []
        for made in self.maker.for_learners(since=since, now=now):
            try:
                validate(made.statement)
            except InvalidStatement as exc:  # a defect of ours: say which, keep the others
                log.error("xapi: not queued: %s", exc)
                continue
            queued.append((made.id, made.learner_id, made.statement))
        added = self.store.outbox.add_missing(queued, now=now)
        self._synced_at = now
        return added

    def deliver_batch(self, *, now: dt.datetime | None = None) -> Delivery | None:
        """Send one batch of due statements; None when none is due."""
        now = now or dt.datetime.now(dt.UTC)
        if self.paused_until is not None and now < self.paused_until:
            return None  # the LRS failed: nothing is sent before the back-off ends
        due = self.store.outbox.find_due(now=now, limit=self.batch)
        if not due:
            return None
        ids = [q.id for q in due]
        status, error = self._post([q.statement for q in due])
        if not error:
            self.store.outbox.update_delivered(ids, now=dt.datetime.now(dt.UTC))
            self.paused_until = None
            return Delivery(len(ids), 0)
        head = max(q.attempts for q in due)
        if status in REFUSED or (status is not None and head + 1 >= ALONE_AFTER):
            # refused for its content, or an answer that keeps failing the same batch: find
            # which statements the LRS will not take, and let the others through
            return self._one_by_one(due, refused=REFUSED | ({status} if status else set()))
        return self._failed(due, error)

    def _post(self, statements: list[dict[str, Any]]) -> tuple[int | None, str]:
        """(HTTP status or None, '' if the LRS stored them, else what went wrong)."""
        import httpx

        try:
            answer = self._http().post(self.endpoint, json=statements)
        except httpx.HTTPError as exc:
            return None, f"LRS unreachable: {type(exc).__name__}"
        if answer.status_code in (200, 204):
            return answer.status_code, ""
        return answer.status_code, f"LRS answered {answer.status_code}"

    def _one_by_one(self, due: list[Any], *, refused: set[int]) -> Delivery:
        """The LRS refused a batch for its content: send each statement alone, so that one it
        will never take (kept with its error, retried rarely) does not hold up the others."""
        sent = failed = 0
        last = ""
        for q in due:
            status, error = self._post([q.statement])
            if not error:
                self.store.outbox.update_delivered([q.id], now=dt.datetime.now(dt.UTC))
                sent += 1
                continue
            if status not in refused:  # the LRS went away meanwhile: back off as for any failure
                backed = self._failed([q], error, sent)
                return Delivery(sent, failed + backed.failed, error)
            failed += 1
            last = f"LRS refused the statement ({status})"
            retry = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=self.cap)
            self.store.outbox.update_failed([q.id], error=last, retry_at=retry)
            log.error("xapi: the LRS refused statement %s (%s)", q.id, status)
        return Delivery(sent, failed, last)

    def _failed(self, due: list[Any], error: str, sent: int = 0) -> Delivery:
        attempts = max(q.attempts for q in due) + 1
        wait = backoff(attempts, first=self.first_backoff, cap=self.cap)
        retry = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=wait)
        self.store.outbox.update_failed([q.id for q in due], error=error, retry_at=retry)
        self.paused_until = retry
        log.warning("xapi: %d statements wait %.1f s: %s", len(due), wait, error)
        return Delivery(sent, len(due), error)

    def deliver(self) -> Delivery:
        """Send due statements, batch by batch, until none is due or a batch fails."""
        sent = failed = 0
        error = ""
        while (batch := self.deliver_batch()) is not None:
            sent += batch.sent
            failed += batch.failed
            error = batch.error or error  # after a failure, deliver_batch waits out the back-off
        return Delivery(sent, failed, error)

    def run(self, stop: threading.Event, *, every: float = 5.0, sync_every: float = 30.0) -> None:
        """Sync and deliver until stop is set; a problem is logged, never raised."""
        next_sync = 0.0
        clock = 0.0
        while not stop.is_set():
            try:
                if clock >= next_sync:
                    self.sync()
                    next_sync = clock + sync_every
                self.deliver()
            except Exception:  # the database away for a moment: try again next round
                log.exception("xapi: forwarding round failed")
            stop.wait(every)
            clock += every
        self.close()


def start_in_thread(root: Path) -> threading.Event | None:
    """The server's forwarder, if an LRS is configured: a daemon thread with its own store."""
    from ..config import settings
    from ..store import open_store

    config = settings()
    if not config.lrs.get("url"):
        return None
    stop = threading.Event()

    def work() -> None:
        try:
            forwarder = Forwarder(open_store(), root, public_url=config.public_url, lrs=config.lrs)
        except Exception:
            log.exception("xapi: the forwarder could not start")
            return
        forwarder.run(stop)

    threading.Thread(target=work, name="espec-xapi-forwarder", daemon=True).start()
    log.info("xapi: forwarding statements to the configured LRS")
    return stop
