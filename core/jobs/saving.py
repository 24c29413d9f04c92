"""Saver: what the job manager has written to its run store, and what it still has to write.

The manager marks records dirty as messages arrive; the save thread collects their changes
under the manager's lock (new epochs since the last write, status, live state, results) and
writes them in one transaction outside it, so 30 learners' epochs cost one commit a beat.
When the store is down nothing is confirmed, and everything is written once it is back.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Protocol

from core.jobs.records import JobRecord
from core.store import codec  # the rows' wire format lives with the store


class Store(Protocol):
    """What the manager needs of a run store (core.store.run_store.RunStore is one)."""

    problem: str
    notices: list[str]
    generation: int

    @property
    def online(self) -> bool: ...

    def create(self, job: JobRecord) -> int | None: ...
    def save(self, changes: list[tuple[dict, list[dict]]]) -> bool: ...
    def load(self, owner: str, keys=None) -> tuple[list[JobRecord], list[str]]: ...
    def revisions(self, owner: str) -> dict[str, int] | None: ...
    def delete(self, owner: str, keys) -> int: ...
    def usage(self, owner: str | None = None): ...
    def cleanup(self, keep_days: float, total_bytes: int | None = None) -> int: ...
    def beat(self) -> None: ...
    def open(self) -> bool: ...


@dataclass
class Written:
    """How much of one record the store has."""

    epochs: int = 0
    epoch_bytes: int = 0


@dataclass
class Change:
    """One record's pending write, collected under the lock."""

    job: JobRecord
    row: dict
    epochs: list[dict]
    epochs_after: int
    epoch_bytes: int
    version: int


class Saver:
    """Tracks written and pending state per record; not thread-safe (the manager's lock)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.generation = store.generation
        self._written: dict[str, Written] = {}  # key -> what the store has
        self._dirty: dict[str, JobRecord] = {}  # key -> record with unwritten changes
        self._version: dict[str, int] = {}  # key -> count of changes, to confirm the right one
        self._live: dict[str, int] = {}  # key -> the change version whose live state is unsaved
        self.creating: set[str] = set()  # keys being inserted right now (outside the lock)
        self._stamp = 0  # rises with every collected change (time-based: above a predecessor's)

    def has(self, job: JobRecord) -> bool:
        """The store has this record's row (perhaps not its latest changes)."""
        return job.key in self._written

    def written(self, job: JobRecord) -> bool:
        """The store has all of this record."""
        return job.key in self._written and job.key not in self._dirty

    def known(self, job: JobRecord, epoch_bytes: int = 0) -> None:
        """A record read from the store: all of it is written."""
        self._written[job.key] = Written(len(job.history), epoch_bytes)
        self._dirty.pop(job.key, None)

    def created(self, job: JobRecord, epochs: int) -> None:
        """The store inserted the record with its first `epochs` epochs; write the rest."""
        self._written[job.key] = Written(epochs, 0)
        self.dirty(job, live=True)

    def dirty(self, job: JobRecord, live: bool = False) -> None:
        self._dirty[job.key] = job
        version = self._version[job.key] = self._version.get(job.key, 0) + 1
        if live:
            self._live[job.key] = version

    def forget(self, job: JobRecord) -> None:
        for table in (self._written, self._dirty, self._version, self._live):
            table.pop(job.key, None)

    def restart(self, jobs) -> None:
        """The store started afresh (a damaged file moved aside): write every record again."""
        self.generation = self.store.generation
        self._written.clear()
        for job in jobs:
            self.dirty(job, live=True)

    def unsaved(self) -> list[JobRecord]:
        """Dirty records the store has never had (made while it was down)."""
        return [
            job
            for key, job in self._dirty.items()
            if key not in self._written and key not in self.creating
        ]

    def collect(self, only: JobRecord | None = None) -> list[Change]:
        """The pending changes of records the store already has (or of `only` that one)."""
        changes = []
        pending = {only.key: only} if only is not None else self._dirty
        for key, job in pending.items():
            written = self._written.get(key)
            if written is None:
                continue
            row = {
                "key": key,
                "owner": job.owner,
                "status": job.status,
                "reason": job.reason,
                "label": job.label[:200],
                "started": job.started,
                "ended": job.ended,
                "epochs": len(job.history),
            }
            if job.result is not None:
                row["result"] = codec.dumps(job.result)
            if key in self._live:
                row["live"] = codec.dumps(job.live)
            self._stamp = max(time.time_ns(), self._stamp + 1)
            row["write_version"] = self._stamp
            epochs = codec.epoch_rows(job, written.epochs)
            epoch_bytes = written.epoch_bytes + sum(len(e["data"]) for e in epochs)
            row["bytes"] = epoch_bytes + sum(len(row.get(k) or "") for k in ("result", "live"))
            changes.append(
                Change(job, row, epochs, len(job.history), epoch_bytes, self._version[key])
            )
        return changes

    def confirm(self, changes: list[Change]) -> None:
        """The store committed these: a record is clean unless it changed since."""
        for change in changes:
            key = change.job.key
            if key not in self._written:
                continue  # deleted meanwhile
            if change.epochs_after >= self._written[key].epochs:  # never back past a newer write
                self._written[key] = Written(change.epochs_after, change.epoch_bytes)
            if self._live.get(key, 0) <= change.version and "live" in change.row:
                self._live.pop(key, None)
            if self._version.get(key) == change.version:
                self._dirty.pop(key, None)
