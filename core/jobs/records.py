"""JobRecord: everything known about one job; JobBook: the records the server keeps."""

from __future__ import annotations

import dataclasses
import itertools
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

ACTIVE = ("queued", "running")
INTERRUPTED = "interrupted"  # was queued or running when its server stopped
INTERRUPTED_REASON = "Interrupted by a server restart: its curves so far are kept."


@dataclass
class JobRecord:
    """One job; the manager's pump thread fills it, pages read copies."""

    id: str
    number: int
    owner: str
    task: str
    label: str
    payload: Any
    status: str = "queued"
    reason: str = ""
    created: float = field(default_factory=time.time)
    started: float | None = None
    ended: float | None = None
    history: list[dict] = field(default_factory=list)
    progress: dict = field(default_factory=dict)
    live: dict = field(default_factory=dict)
    result: dict | None = None  # the task's wire dict (core.jobs.contract has typed views)
    stop_requested: float | None = None
    queue_position: int = 0
    estimated_wait: float | None = None  # seconds until a queued job should start
    turns_with: int = 0  # other jobs its worker runs in turns with it (copies only)
    estimated_left: float | None = None  # seconds a running job still needs (copies only)
    worker: int | None = None
    stop_grace: float | None = None  # None: the pool's; longer for jobs that stop at a boundary
    stop_reason: str = ""  # why the server asked it to stop (time limit, learner gone)
    stop_seen: float | None = None  # when the job said it saw the stop (monotonic)
    key: str = field(default_factory=lambda: secrets.token_hex(12))  # the store's, unguessable
    seq: int = 0  # the learner's own run number (id is run-<seq>)
    revision: int = 0  # the stored row's revision this copy reflects
    stored_server: str = ""  # the server that runs it, for a run read from the store
    delete_when_ended: bool = False  # "Delete all my runs" pressed while it ran
    group: str = ""  # seed repeats of one setting share it: they count as one job for caps

    @property
    def active(self) -> bool:
        return self.status in ACTIVE

    @property
    def elapsed(self) -> float:
        if self.started is None:
            return 0.0
        return (self.ended or time.time()) - self.started


class JobBook:
    """Every record the server keeps in memory, by server-wide number and by (owner, id); ids
    are counted per learner (their first run is run-1), and a learner's oldest ended records
    are forgotten beyond `keep_per_owner`. Not thread-safe: the manager holds its lock."""

    def __init__(self, keep_per_owner: int = 60) -> None:
        self.keep_per_owner = keep_per_owner
        self._jobs: dict[int, JobRecord] = {}
        self._ids: dict[tuple[str, str], int] = {}  # (owner, job id) -> number
        self._numbers = itertools.count(1)
        self._top_seq: dict[str, int] = {}  # the highest run number each learner has had

    def __iter__(self) -> Iterator[JobRecord]:
        return iter(list(self._jobs.values()))

    def get(self, number: int | None) -> JobRecord | None:
        return self._jobs.get(number) if number is not None else None

    def own(self, owner: str, job_id: str) -> JobRecord | None:
        """The owner's job with that id; None for unknown or foreign ids."""
        return self._jobs.get(self._ids.get((owner, job_id), -1))

    def owned(self, owner: str) -> list[JobRecord]:
        """The owner's records, by run number."""
        return sorted((j for j in self._jobs.values() if j.owner == owner), key=lambda j: j.seq)

    def new(self, owner: str, task: str, label: str, payload: Any, **extra: Any) -> JobRecord:
        seq = self._next_seq(owner)
        job_id = f"run-{seq}"
        record = JobRecord(job_id, 0, owner, task, label or job_id, payload, seq=seq, **extra)
        return self._keep(record)

    def adopt(self, owner: str, record: JobRecord) -> JobRecord:
        """A record made elsewhere (an imported run), under a fresh id and key of this owner's."""
        seq = self._next_seq(owner)
        fresh = dataclasses.replace(
            record, id=f"run-{seq}", seq=seq, owner=owner, worker=None, key=secrets.token_hex(12)
        )
        return self._keep(fresh)

    def restore(self, record: JobRecord) -> JobRecord:
        """A record read back from the store, under its own id."""
        self._top_seq[record.owner] = max(self._top_seq.get(record.owner, 0), record.seq)
        return self._keep(record)

    def renumber(self, job: JobRecord, seq: int) -> None:
        """Give a job another run number (the store had that one already)."""
        del self._ids[job.owner, job.id]
        job.seq, job.id = seq, f"run-{seq}"
        if job.label.startswith("run-") and job.label[4:].isdigit():
            job.label = job.id
        self._ids[job.owner, job.id] = job.number
        self._top_seq[job.owner] = max(self._top_seq.get(job.owner, 0), seq)

    def remove(self, job: JobRecord) -> None:
        self._jobs.pop(job.number, None)
        self._ids.pop((job.owner, job.id), None)

    def active_count(self, owner: str) -> int:
        """The owner's queued and running jobs; one setting's seed repeats count once."""
        active = [j for j in self._jobs.values() if j.owner == owner and j.active]
        return len({j.group or f"job-{j.number}" for j in active})

    def forget_old(self, owner: str, forgettable=lambda job: True) -> None:
        """Drop the owner's oldest ended records beyond keep_per_owner (those `forgettable`)."""
        done = [j for j in self.owned(owner) if not j.active and forgettable(j)]
        for job in done[: max(0, len(done) - self.keep_per_owner)]:
            self.remove(job)

    def _keep(self, job: JobRecord) -> JobRecord:
        job.number = next(self._numbers)
        self._jobs[job.number] = job
        self._ids[job.owner, job.id] = job.number
        return job

    def _next_seq(self, owner: str) -> int:
        seq = self._top_seq.get(owner, 0) + 1
        while (owner, f"run-{seq}") in self._ids:
            seq += 1
        self._top_seq[owner] = seq
        return seq
