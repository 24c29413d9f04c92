"""JobManager: a FIFO queue of jobs run by a small pool of spawned worker processes.

The server process never imports TensorFlow: workers do, once each. A pump thread moves
worker messages into job records under a lock; pages read copies (snapshots) of them.
"""

from __future__ import annotations

import atexit
import contextlib
import copy
import dataclasses
import itertools
import multiprocessing as mp
import os
import queue
import sys
import threading
import time
import types
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from core import worker as worker_module

ACTIVE = ("queued", "running")
MAX_FAILED_STARTS = 3
DONE = ("finished", "stopped", "failed", "diverged")


class JobLimitReached(RuntimeError):
    """A session already has as many active jobs as the server allows."""


@contextlib.contextmanager
def _hidden_main_module():
    """Spawned children re-import the parent's __main__; under Streamlit that is the app script.

    Workers need none of it, so the parent shows them an empty __main__ while starting them.
    """
    real = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if real is not None:
            sys.modules["__main__"] = real


def default_pool_size() -> int:
    """REGLAB_WORKERS, else one worker per core up to 2 (a class server has 2 cores)."""
    try:
        return max(1, int(os.environ["REGLAB_WORKERS"]))
    except (KeyError, ValueError):
        return max(1, min(2, os.cpu_count() or 1))


@dataclass
class JobRecord:
    """Everything known about one job; the pump thread fills it, pages read copies."""

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
    result: dict | None = None
    stop_requested: float | None = None
    queue_position: int = 0
    worker: int | None = None
    stop_grace: float | None = None  # None: the pool's; longer for jobs that stop at a boundary

    @property
    def active(self) -> bool:
        return self.status in ACTIVE

    @property
    def elapsed(self) -> float:
        if self.started is None:
            return 0.0
        return (self.ended or time.time()) - self.started


@dataclass
class _Worker:
    index: int
    process: Any
    tasks: Any
    ready: bool = False
    job: int | None = None


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
    ) -> None:
        self.pool_size = pool_size or default_pool_size()
        self.max_active_per_owner = max_active_per_owner  # None: no cap
        self.stop_grace = stop_grace
        self.keep_per_owner = keep_per_owner
        self._startup = startup
        self._threads = max(1, (os.cpu_count() or 1) // self.pool_size)
        self._context = mp.get_context("spawn")
        self._events = self._context.Queue()
        self._stop_flag = self._context.Value("q", -1)
        self._stop_flags: dict[int, Any] = {}
        self._lock = threading.RLock()
        self._jobs: dict[int, JobRecord] = {}
        self._ids: dict[str, int] = {}
        self._queue: deque[int] = deque()
        self._numbers = itertools.count(1)
        self._closed = False
        self.restarts = 0
        self.failed_starts = 0
        self.broken = ""
        self._workers = [self._spawn(i) for i in range(self.pool_size)]
        self._pump_thread = threading.Thread(target=self._pump, name="job-pump", daemon=True)
        self._pump_thread.start()
        atexit.register(self.shutdown)  # before multiprocessing's own exit hook kills workers

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

        Raises JobLimitReached when the owner already has the server's cap of active jobs.
        """
        with self._lock:
            active = sum(j.owner == owner and j.active for j in self._jobs.values())
            if self.max_active_per_owner is not None and active >= self.max_active_per_owner:
                raise JobLimitReached(
                    f"You already have {active} jobs queued or running, the most this server "
                    "allows per learner. Wait for one to finish or stop one."
                )
            number = next(self._numbers)
            job_id = f"run-{number}"
            self._jobs[number] = JobRecord(
                job_id, number, owner, task, label or job_id, payload, stop_grace=stop_grace
            )
            self._ids[job_id] = number
            self._queue.append(number)
            self._forget_old(owner)
            self._dispatch()
        return job_id

    def stop(self, owner: str, job_id: str, now: bool = False) -> bool:
        """Stop a queued job at once, or ask a running one to stop (killed after the grace).

        `now` drops a job's own longer grace: a second Stop that cannot wait.
        """
        with self._lock:
            job = self._own(owner, job_id)
            if job is None or not job.active:
                return False
            if now:
                job.stop_grace = None
            if job.status == "queued":
                self._queue.remove(job.number)
                self._end(job, "stopped", "Stopped before it started.")
            elif job.stop_requested is None:
                job.stop_requested = time.monotonic()
                self._stop_flags[job.worker].value = job.number
            return True

    def snapshot(self, owner: str, job_id: str) -> JobRecord | None:
        """A consistent copy of one of the owner's jobs (None for unknown or foreign ids)."""
        with self._lock:
            job = self._own(owner, job_id)
            return self._copy(job) if job else None

    def jobs(self, owner: str, task: str | None = None) -> list[JobRecord]:
        """Copies of the owner's jobs (of one task, if given), oldest first."""
        with self._lock:
            return [
                self._copy(j)
                for j in self._jobs.values()
                if j.owner == owner and task in (None, j.task)
            ]

    def delete(self, owner: str, job_id: str) -> bool:
        with self._lock:
            job = self._own(owner, job_id)
            if job is None or job.active:
                return False
            del self._jobs[job.number], self._ids[job_id]
            return True

    def adopt(self, owner: str, record: JobRecord) -> str:
        """Keep a finished run brought in from elsewhere (an imported JSON)."""
        with self._lock:
            number = next(self._numbers)
            job_id = f"run-{number}"
            self._jobs[number] = dataclasses.replace(record, id=job_id, number=number, owner=owner)
            self._ids[job_id] = number
            return job_id

    def status(self) -> dict[str, Any]:
        """Pool state for the operator: workers ready and busy, jobs queued, restarts."""
        with self._lock:
            return {
                "workers": self.pool_size,
                "ready": sum(w.ready for w in self._workers),
                "busy": sum(w.job is not None for w in self._workers),
                "queued": len(self._queue),
                "restarts": self.restarts,
                "broken": self.broken,
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
        self._closed = True
        with self._lock:
            for w in self._workers:
                if w.process.is_alive():
                    w.process.kill()
                w.process.join(timeout=5)
        self._pump_thread.join(timeout=2)

    # ---- internals -------------------------------------------------------------------
    def _spawn(self, index: int) -> _Worker:
        tasks = self._context.Queue()
        flag = self._stop_flags.setdefault(index, self._context.Value("q", -1))
        flag.value = -1
        process = self._context.Process(
            target=worker_module.worker_main,
            args=(index, tasks, self._events, flag, self._threads, self._startup),
            name=f"reglab-worker-{index}",
            daemon=True,
        )
        with _hidden_main_module():
            process.start()
        return _Worker(index, process, tasks)

    def _own(self, owner: str, job_id: str) -> JobRecord | None:
        job = self._jobs.get(self._ids.get(job_id, -1))
        return job if job is not None and job.owner == owner else None

    def _copy(self, job: JobRecord) -> JobRecord:
        clone = copy.copy(job)
        clone.history = list(job.history)
        clone.queue_position = self._queue.index(job.number) + 1 if job.status == "queued" else 0
        return clone

    def _forget_old(self, owner: str) -> None:
        done = [j for j in self._jobs.values() if j.owner == owner and not j.active]
        for job in done[: max(0, len(done) - self.keep_per_owner)]:
            del self._jobs[job.number], self._ids[job.id]

    def _end(self, job: JobRecord, status: str, reason: str = "", result=None) -> None:
        job.status, job.reason, job.ended = status, reason, time.time()
        if result is not None:
            job.result = result
        for w in self._workers:
            if w.job == job.number:
                w.job = None
        job.worker = None

    def _dispatch(self) -> None:
        for w in self._workers:
            if not self._queue:
                return
            if w.ready and w.job is None and w.process.is_alive():
                job = self._jobs[self._queue.popleft()]
                w.job, job.worker = job.number, w.index
                job.status, job.started = "running", time.time()
                self._stop_flags[w.index].value = -1
                w.tasks.put((job.number, job.task, job.payload))

    def _replace(self, w: _Worker, job_status: str | None, reason: str) -> None:
        if w.job is not None and w.job in self._jobs and job_status:
            self._end(self._jobs[w.job], job_status, reason)
        if w.process.is_alive():
            w.process.kill()
        w.process.join(timeout=5)
        self.failed_starts = 0 if w.ready else self.failed_starts + 1
        if self.failed_starts >= MAX_FAILED_STARTS:
            self._break(f"Worker processes exit while starting (exit code {w.process.exitcode}).")
            return
        self.restarts += 1
        self._workers[w.index] = self._spawn(w.index)

    def _break(self, reason: str) -> None:
        """Stop restarting workers that cannot start; fail what waits, keep the app up."""
        self.broken = (
            f"{reason} Training is unavailable on this server; the other pages still work. "
            "Check that TensorFlow imports: python -c 'import tensorflow'."
        )
        self._fail_queue()

    def _fail_queue(self) -> None:
        while self._queue:
            self._end(self._jobs[self._queue.popleft()], "failed", self.broken)

    def _handle(self, kind: str, worker_index: int | None, number: int | None, data: dict):
        if kind == "ready":
            self._workers[worker_index].ready = True
            return
        job = self._jobs.get(number) if number is not None else None
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
        elif kind in ("stopped", "diverged", "failed"):
            self._end(job, kind, data.get("reason", ""), data.get("result"))

    def _check_workers(self) -> None:
        now = time.monotonic()
        if self.broken:
            self._fail_queue()
            return
        for w in list(self._workers):
            job = self._jobs.get(w.job) if w.job is not None else None
            if not w.process.is_alive():
                code = w.process.exitcode
                why = "likely out of memory" if code in (-9, 137) else f"exit code {code}"
                self._replace(w, "failed", f"The worker process died ({why}); it was replaced.")
            elif job and job.stop_requested and now - job.stop_requested > self._grace(job):
                self._replace(
                    w,
                    "stopped",
                    "Stopped (the job did not stop by itself, so its worker was restarted).",
                )

    def _grace(self, job: JobRecord) -> float:
        return self.stop_grace if job.stop_grace is None else job.stop_grace

    def _pump(self) -> None:
        while not self._closed:
            try:
                message = self._events.get(timeout=0.05)
            except queue.Empty:
                message = None
            except (EOFError, OSError):
                return
            with self._lock:
                while message is not None:
                    self._handle(*message)
                    try:
                        message = self._events.get_nowait()
                    except queue.Empty:
                        message = None
                if not self._closed:
                    self._check_workers()
                    self._dispatch()
