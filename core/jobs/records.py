"""JobRecord: everything known about one job, filled by the job manager, read as copies."""

from __future__ import annotations

import time
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
