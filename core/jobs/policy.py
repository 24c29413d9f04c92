"""The operator's limits and the rules that enforce them: caps, stop grace, time limits."""

from __future__ import annotations

import heapq
from dataclasses import dataclass

from core.jobs.records import JobRecord

TYPICAL_JOB_SECONDS = 30.0  # wait estimates before any job has finished
WARMUP_GRACE = 10.0  # a job that has not finished one step yet (loading data, tracing the
# model) cannot look at Stop: it gets this long before its worker is restarted
WRAP_UP_GRACE = 15.0  # a job that said it saw Stop gets this long to end (and report)


class JobLimitReached(RuntimeError):
    """A learner, or the whole server, already has as many jobs waiting as allowed."""


@dataclass(frozen=True)
class Policy:
    """Operator limits the job manager enforces (None: no limit)."""

    max_active_per_owner: int | None = None
    max_queued: int | None = None  # queued jobs on the whole server
    time_limit: float | None = None  # seconds a job may run
    owner_timeout: float | None = None  # seconds without a sign of life before a learner's
    # jobs are stopped (their browser tab closed)
    max_runs: int | None = None  # runs one learner keeps (stored, with their curves)
    max_epochs: int | None = None  # epochs of history one learner keeps
    max_bytes: int | None = None  # bytes of stored runs one learner keeps

    def check_quota(self, runs: int, epochs: int, size: int, adding_epochs: int = 0) -> None:
        """Raise JobLimitReached when a learner keeps as much as this server allows."""
        delete = " Delete some on Compare runs (or Delete all my runs) to make room."
        if self.max_runs is not None and runs >= self.max_runs:
            raise JobLimitReached(
                f"You keep {runs:,} runs, the most this server keeps per learner." + delete
            )
        if self.max_epochs is not None and epochs + adding_epochs > self.max_epochs:
            raise JobLimitReached(
                f"Your runs hold {epochs:,} epochs; with {adding_epochs:,} more they would pass "
                f"this server's {self.max_epochs:,} per learner." + delete
            )
        if self.max_bytes is not None and size >= self.max_bytes:
            raise JobLimitReached(
                f"Your runs take {size / 2**20:.1f} MB, the most this server keeps per "
                "learner." + delete
            )

    def check_caps(self, active_for_owner: int, queued: int) -> None:
        """Raise JobLimitReached when one more job would pass a cap."""
        cap, server_cap = self.max_active_per_owner, self.max_queued
        if cap is not None and active_for_owner >= cap:
            raise JobLimitReached(
                f"You already have {active_for_owner} jobs queued or running, the most this "
                "server allows per learner. Wait for one to finish or stop one."
            )
        if server_cap is not None and queued >= server_cap:
            raise JobLimitReached(
                f"The server's queue is full ({queued} jobs waiting). Try again in a minute."
            )

    def stop_reason(self, job: JobRecord, idle: float) -> str:
        """Why the server should stop an active job now ('' to let it run): its learner has
        been gone `idle` seconds, or it ran past the time limit."""
        if self.owner_timeout is not None and idle > self.owner_timeout:
            return "Stopped: the learner's browser tab was closed."
        if (
            self.time_limit is not None
            and job.status == "running"
            and job.elapsed > self.time_limit
        ):
            return f"Stopped at this server's time limit of {self.time_limit / 60:g} min per job."
        return ""


def overdue(job: JobRecord, now: float, pool_grace: float) -> bool:
    """Whether a job asked to stop has had its time: its own or the pool's grace, more while
    it warms up (it cannot look yet) or once it said it is wrapping up."""
    grace = pool_grace if job.stop_grace is None else job.stop_grace
    if job.stop_seen is not None:
        return now - job.stop_seen > max(grace, WRAP_UP_GRACE)
    if not job.history and not job.progress.get("batch"):
        grace = max(grace, WARMUP_GRACE)
    return now - job.stop_requested > grace


def estimate_wait(ahead: list[float], running_left: list[float], slots: int) -> float:
    """Seconds until a queued job starts: each slot frees when its running job has done
    (`running_left`), then the jobs queued ahead of it (`ahead`, in serving order, their
    expected lengths) take the first free slots in turn."""
    free_at = list(running_left[:slots]) + [0.0] * max(0, slots - len(running_left))
    heapq.heapify(free_at)
    for seconds in ahead:
        heapq.heappush(free_at, heapq.heappop(free_at) + seconds)
    return heapq.heappop(free_at) if free_at else 0.0
