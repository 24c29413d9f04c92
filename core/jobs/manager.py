"""JobManager: the job policy shared by every learner, over a backend that runs the jobs.

Policy lives here and in its rooms (core.jobs.fair_queue, core.jobs.policy): job records,
round-robin queueing across learners, per-learner and server-wide caps, stop grace, a per-job
time limit, stopping the jobs of learners who left, and wait estimates. A backend (the local
worker pool by default; see core.jobs.backend) only runs tasks and moves messages. A pump
thread moves messages into records under a lock; pages read copies.
"""

from __future__ import annotations

import atexit
import copy
import os
import statistics
import threading
import time
from collections import deque
from typing import Any

from core.jobs import worker as worker_module
from core.jobs.backend import TERMINAL, Backend
from core.jobs.fair_queue import FairQueue
from core.jobs.local_pool import LocalPool
from core.jobs.policy import (
    TYPICAL_JOB_SECONDS,
    JobLimitReached,
    Policy,
    estimate_wait,
    overdue,
)
from core.jobs.records import ACTIVE, JobBook, JobRecord

__all__ = ["ACTIVE", "JobLimitReached", "JobManager", "JobRecord", "Policy", "backend_from_env"]


def backend_from_env(recycle: worker_module.Recycle | None = None) -> Backend:
    """The operator's choice: REGLAB_BACKEND=dask with REGLAB_DASK_SCHEDULER=tcp://host:8786
    runs jobs on a Dask cluster; anything else, the local pool (REGLAB_WORKERS processes)."""
    if os.environ.get("REGLAB_BACKEND", "local").strip().lower() == "dask":
        from core.jobs.dask_backend import DaskPool  # imported only when chosen

        return DaskPool(os.environ.get("REGLAB_DASK_SCHEDULER", "tcp://127.0.0.1:8786"))
    return LocalPool(recycle=recycle)


class JobManager:
    """Shared by every session; every public method is thread-safe and checks the owner."""

    def __init__(
        self,
        pool_size: int | None = None,
        *,
        stop_grace: float = 0.8,
        keep_per_owner: int = 60,
        startup: str = worker_module.STARTUP,
        max_active_per_owner: int | None = None,
        policy: Policy | None = None,
        backend: Backend | None = None,
        recycle: worker_module.Recycle | None = None,
        background: bool = True,
    ) -> None:
        """`background=False` runs no pump thread: the caller calls pump() (tests)."""
        self.backend = backend or LocalPool(pool_size, startup=startup, recycle=recycle)
        self.policy = policy or Policy(max_active_per_owner=max_active_per_owner)
        self.stop_grace = stop_grace
        self._lock = threading.RLock()
        self._book = JobBook(keep_per_owner)
        self._queue = FairQueue()
        self._seen: dict[str, float] = {}
        self._durations: deque[float] = deque(maxlen=20)
        self._closed = False
        self.backend.start()
        self._pump_thread = threading.Thread(target=self._pump, name="job-pump", daemon=True)
        if background:
            self._pump_thread.start()
        atexit.register(self.shutdown)  # before multiprocessing's own exit hook kills workers

    @property
    def pool_size(self) -> int:
        return self.backend.size

    @property
    def max_active_per_owner(self) -> int | None:
        return self.policy.max_active_per_owner

    # ---- public API -------------------------------------------------------------------
    def submit(
        self,
        owner: str,
        task: str,
        payload: Any,
        label: str = "",
        *,
        stop_grace: float | None = None,
    ) -> str:
        """Queue a job; returns its id. task is 'module:function' run in a worker.

        Raises JobLimitReached when the owner already has the server's cap of active jobs,
        or when the server's queue is full.
        """
        with self._lock:
            self._touch(owner)
            self.policy.check_caps(self._book.active_count(owner), len(self._queue))
            job = self._book.new(owner, task, label, payload, stop_grace=stop_grace)
            self._queue.push(owner, job.number)
            self._book.forget_old(owner)
            self._dispatch()
        return job.id

    def stop(self, owner: str, job_id: str, now: bool = False) -> bool:
        """Stop a queued job at once, or ask a running one to stop (killed after the grace).

        `now` drops a job's own longer grace: a second Stop that cannot wait.
        """
        with self._lock:
            self._touch(owner)
            job = self._book.own(owner, job_id)
            if job is None or not job.active:
                return False
            if now:
                job.stop_grace = None
            self._request_stop(job, "")
            return True

    def snapshot(self, owner: str, job_id: str) -> JobRecord | None:
        """A consistent copy of one of the owner's jobs (None for unknown or foreign ids)."""
        with self._lock:
            self._touch(owner)
            job = self._book.own(owner, job_id)
            return self._copy(job, self._queue.positions()) if job else None

    def jobs(self, owner: str, task: str | None = None) -> list[JobRecord]:
        """Copies of the owner's jobs (of one task, if given), oldest first."""
        with self._lock:
            self._touch(owner)
            positions = self._queue.positions()
            return [
                self._copy(j, positions)
                for j in self._book
                if j.owner == owner and task in (None, j.task)
            ]

    def heartbeat(self, owner: str) -> None:
        """A sign that the learner's browser is still open (their jobs keep running)."""
        with self._lock:
            self._touch(owner)

    def delete(self, owner: str, job_id: str) -> bool:
        with self._lock:
            job = self._book.own(owner, job_id)
            if job is None or job.active:
                return False
            self._book.remove(job)
            return True

    def adopt(self, owner: str, record: JobRecord) -> str:
        """Keep a finished run brought in from elsewhere (an imported JSON)."""
        with self._lock:
            job = self._book.adopt(owner, record)
            self._book.forget_old(owner)
            return job.id

    def status(self) -> dict[str, Any]:
        """Pool state for the operator: workers ready and busy, jobs queued, restarts."""
        with self._lock:
            pool = self.backend.status()
            return {
                **pool,
                "queued": len(self._queue),
                "running": sum(j.status == "running" for j in self._book),
                "learners": self._queue.owners,
                "broken": pool.get("problem", ""),
            }

    def wait(self, owner: str, job_id: str, timeout: float = 60.0) -> JobRecord | None:
        """Block until the job is done (for tests and benchmarks)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job = self.snapshot(owner, job_id)
            if job is None or not job.active:
                return job
            time.sleep(0.05)
        return self.snapshot(owner, job_id)

    def wait_ready(self, timeout: float = 120.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.status()["ready"] == self.pool_size:
                return True
            time.sleep(0.05)
        return False

    def shutdown(self) -> None:
        if self._closed:
            return
        self._closed = True
        with self._lock:
            self.backend.shutdown()
        if self._pump_thread.is_alive():
            self._pump_thread.join(timeout=2)

    # ---- internals -------------------------------------------------------------------
    def _touch(self, owner: str) -> None:
        self._seen[owner] = time.monotonic()

    def _copy(self, job: JobRecord, positions: dict[int, int]) -> JobRecord:
        clone = copy.copy(job)
        clone.history = list(job.history)
        clone.queue_position = positions.get(job.number, 0)
        if clone.queue_position:
            clone.estimated_wait = self._estimate_wait(clone.queue_position)
        return clone

    def _typical_seconds(self) -> float:
        return statistics.median(self._durations) if self._durations else TYPICAL_JOB_SECONDS

    def _estimate_wait(self, position: int) -> float:
        """Seconds until the job at `position` starts, from recent jobs' typical length."""
        running = [j.elapsed for j in self._book if j.status == "running"]
        return estimate_wait(position, self._typical_seconds(), running, self.pool_size)

    def _request_stop(self, job: JobRecord, why: str) -> None:
        if job.status == "queued":
            self._queue.remove(job.owner, job.number)
            self._end(job, "stopped", why or "Stopped before it started.")
        elif job.stop_requested is None:
            job.stop_requested, job.stop_reason = time.monotonic(), why
            self.backend.signal_stop(job.worker, job.number)

    def _end(self, job: JobRecord, status: str, reason: str = "", result=None) -> None:
        if job.stop_reason and status == "stopped":
            reason = job.stop_reason
        job.status, job.reason, job.ended = status, reason, time.time()
        if result is not None:
            job.result = result
        if job.started is not None and status in ("finished", "stopped"):
            self._durations.append(job.elapsed)
        job.worker = None

    def _dispatch(self) -> None:
        for slot in self.backend.free_slots():
            number = self._queue.pop()
            if number is None:
                return
            job = self._book.get(number)
            job.worker, job.status, job.started = slot, "running", time.time()
            self.backend.run(slot, job.number, job.task, job.payload)

    def _handle(self, kind: str, slot: Any, number: int | None, data: dict) -> None:
        """Apply one Message to its job's record."""
        job = self._book.get(number)
        if job is None or job.status not in ACTIVE:
            return  # a job already ended (killed, forgotten): drop late messages
        if kind == "epoch":
            job.history.append({**data, "received_at": time.time()})
        elif kind == "progress":
            job.progress = data
        elif kind == "live":
            job.live = {**job.live, **data}
        elif kind == "finished":
            self._end(job, "finished", result=data.get("result"))
        elif kind in TERMINAL:
            self._end(job, kind, data.get("reason", ""), data.get("result"))
        elif kind == "stopping":
            job.stop_seen = time.monotonic()
        elif kind == "lost":
            self._end(job, "failed", data.get("reason", "The worker was lost."))

    def _enforce(self) -> None:
        """Kill jobs that ignored Stop; stop jobs past the time limit or whose learner left."""
        now = time.monotonic()
        for job in self._book:
            if job.status == "running" and job.stop_requested is not None:
                if overdue(job, now, self.stop_grace):
                    self.backend.kill(job.worker)
                    self._end(
                        job,
                        "stopped",
                        "Stopped (the job did not stop by itself, so its worker was restarted).",
                    )
            elif job.active:
                why = self.policy.stop_reason(job, now - self._seen.get(job.owner, now))
                if why:
                    self._request_stop(job, why)

    def pump(self, timeout: float = 0.0) -> None:
        """Move what the backend says into the records, enforce the policy, start jobs."""
        messages = self.backend.receive(timeout)
        with self._lock:
            if self._closed:
                return
            for message in self.backend.update(messages):
                self._handle(*message)
            self._enforce()
            self._dispatch()

    def _pump(self) -> None:
        while not self._closed:
            self.pump(0.05)
