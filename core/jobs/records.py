"""JobRecord: everything known about one job; JobBook: the records the server keeps."""

from __future__ import annotations

import dataclasses
import itertools
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

ACTIVE = ("queued", "running")


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
    worker: int | None = None
    stop_grace: float | None = None  # None: the pool's; longer for jobs that stop at a boundary
    stop_reason: str = ""  # why the server asked it to stop (time limit, learner gone)
    stop_seen: float | None = None  # when the job said it saw the stop (monotonic)

    @property
    def active(self) -> bool:
        return self.status in ACTIVE

    @property
    def elapsed(self) -> float:
        if self.started is None:
            return 0.0
        return (self.ended or time.time()) - self.started


class JobBook:
    """Every record the server keeps, by server-wide number and by (owner, id); ids are
    counted per learner (their first run is run-1), and a learner's oldest ended records are
    forgotten beyond `keep_per_owner`. Not thread-safe: the manager holds its lock."""

    def __init__(self, keep_per_owner: int = 60) -> None:
        self.keep_per_owner = keep_per_owner
        self._jobs: dict[int, JobRecord] = {}
        self._ids: dict[tuple[str, str], int] = {}  # (owner, job id) -> number
        self._numbers = itertools.count(1)
        self._owner_numbers: dict[str, itertools.count] = {}

    def __iter__(self) -> Iterator[JobRecord]:
        return iter(list(self._jobs.values()))

    def get(self, number: int | None) -> JobRecord | None:
        return self._jobs.get(number) if number is not None else None

    def own(self, owner: str, job_id: str) -> JobRecord | None:
        """The owner's job with that id; None for unknown or foreign ids."""
        return self._jobs.get(self._ids.get((owner, job_id), -1))

    def new(self, owner: str, task: str, label: str, payload: Any, **extra: Any) -> JobRecord:
        number, job_id = self._next_id(owner)
        return self._keep(JobRecord(job_id, number, owner, task, label or job_id, payload, **extra))

    def adopt(self, owner: str, record: JobRecord) -> JobRecord:
        """A record made elsewhere (an imported run), under a fresh id of this owner's."""
        number, job_id = self._next_id(owner)
        return self._keep(
            dataclasses.replace(record, id=job_id, number=number, owner=owner, worker=None)
        )

    def remove(self, job: JobRecord) -> None:
        del self._jobs[job.number], self._ids[job.owner, job.id]

    def active_count(self, owner: str) -> int:
        return sum(j.owner == owner and j.active for j in self._jobs.values())

    def forget_old(self, owner: str) -> None:
        done = [j for j in self._jobs.values() if j.owner == owner and not j.active]
        for job in done[: max(0, len(done) - self.keep_per_owner)]:
            self.remove(job)

    def _keep(self, job: JobRecord) -> JobRecord:
        self._jobs[job.number] = job
        self._ids[job.owner, job.id] = job.number
        return job

    def _next_id(self, owner: str) -> tuple[int, str]:
        number = next(self._numbers)
        counter = self._owner_numbers.setdefault(owner, itertools.count(1))
        job_id = f"run-{next(counter)}"
        while (owner, job_id) in self._ids:
            job_id = f"run-{next(counter)}"
        return number, job_id
