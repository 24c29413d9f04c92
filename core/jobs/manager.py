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
from core.jobs.eta import job_seconds, measured_scale, run_seconds_left, seconds_left
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
from core.jobs.saving import Saver, Store

__all__ = ["ACTIVE", "JobLimitReached", "JobManager", "JobRecord", "Policy", "backend_from_env"]

SYNC_SECONDS = 1.0  # how often a learner's list is checked against the store (other servers)
BEAT_SECONDS = 2.0  # how often this server tells the store it is alive
RETRY_SECONDS = 5.0  # how often a store that is down is tried again
CLEANUP_SECONDS = 3600.0  # how often runs past REGLAB_KEEP_DAYS are deleted
IDLE_SECONDS = 900.0  # a learner gone this long has their saved runs dropped from memory


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
        store: Store | None = None,
        server: str = "",
        save_seconds: float = 0.5,
        keep_days: float = 30.0,
        store_bytes: int | None = None,
        turn_jobs: int | None = None,
    ) -> None:
        """`background=False` runs no pump or save thread: the caller calls pump() and save()
        (tests). `turn_jobs`: jobs a local worker runs in turns (1: each alone, to its end;
        default REGLAB_TURN_JOBS or 15). With a `store`, every run is written to it (epochs
        batched every `save_seconds`, a run's end at once) and each learner's runs are read
        back from it."""
        self.backend = backend or LocalPool(
            pool_size, startup=startup, recycle=recycle, turn_jobs=turn_jobs
        )
        self.policy = policy or Policy(max_active_per_owner=max_active_per_owner)
        self.stop_grace = stop_grace
        self._lock = threading.RLock()
        self._book = JobBook(keep_per_owner)
        self._queue = FairQueue()
        self._seen: dict[str, float] = {}
        self._durations: deque[float] = deque(maxlen=20)
        self._scales: deque[float] = deque(maxlen=20)  # measured / estimated epoch time
        self._closed = False
        self.store = store
        self.server = server
        self.save_seconds = save_seconds
        self.keep_days = keep_days
        self.store_bytes = store_bytes
        self._saver = Saver(store) if store is not None else None
        self._synced: dict[str, float] = {}  # learner -> when their runs were last read
        self._load_notices: dict[str, list[str]] = {}
        self._timers = {"beat": 0.0, "retry": 0.0, "cleanup": 0.0}
        self._wake = threading.Event()
        self.backend.start()
        self._pump_thread = threading.Thread(target=self._pump, name="job-pump", daemon=True)
        self._save_thread = threading.Thread(target=self._save_loop, name="job-save", daemon=True)
        if background:
            self._pump_thread.start()
            if store is not None:
                self._save_thread.start()
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
        group: str = "",
    ) -> str:
        """Queue a job; returns its id. task is 'module:function' run in a worker.

        Raises JobLimitReached when the owner already has the server's cap of active jobs,
        or when the server's queue is full. Jobs of one `group` (a setting's seed repeats)
        count as one job for the cap.
        """
        self._refresh(owner)
        size = self._stored_bytes(owner)
        with self._lock:
            self._touch(owner)
            joining = group and any(j.group == group and j.active for j in self._book.owned(owner))
            if not joining:
                self.policy.check_caps(self._book.active_count(owner), len(self._queue))
            kept = self._book.owned(owner)
            epochs = getattr(getattr(payload, "config", None), "epochs", 0)
            self.policy.check_quota(len(kept), sum(len(j.history) for j in kept), size, epochs)
            job = self._book.new(owner, task, label, payload, stop_grace=stop_grace, group=group)
            self._queue.push(owner, job.number)
            self._forget_old(owner)
            self._dispatch()
            copy_ = self._creating(job)
        self._create_in_store(job, copy_)
        return job.id

    def stop(self, owner: str, job_id: str, now: bool = False) -> bool:
        """Stop a queued job at once, or ask a running one to stop (killed after the grace).

        `now` drops a job's own longer grace: a second Stop that cannot wait.
        """
        with self._lock:
            self._touch(owner)
            job = self._book.own(owner, job_id)
            if job is None or not job.active or job.stored_server:
                return False  # unknown, ended, or running on another server
            if now:
                job.stop_grace = None
            self._request_stop(job, "")
            return True

    def snapshot(self, owner: str, job_id: str) -> JobRecord | None:
        """A consistent copy of one of the owner's jobs (None for unknown or foreign ids)."""
        self._refresh(owner)
        with self._lock:
            self._touch(owner)
            job = self._book.own(owner, job_id)
            return self._copy(job, self._queue.positions()) if job else None

    def jobs(self, owner: str, task: str | None = None) -> list[JobRecord]:
        """Copies of the owner's jobs (of one task, if given), oldest first."""
        self._refresh(owner)
        with self._lock:
            self._touch(owner)
            positions = self._queue.positions()
            return [
                self._copy(j, positions) for j in self._book.owned(owner) if task in (None, j.task)
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
            self._forget(job)
        if self.store is not None:
            self.store.delete(owner, [job.key])
        return True

    def delete_all(self, owner: str) -> int:
        """Delete every run of the learner's; running ones stop first, then go. How many."""
        self._refresh(owner)
        with self._lock:
            jobs = self._book.owned(owner)
            for job in jobs:
                if job.active and not job.stored_server:
                    job.delete_when_ended = True
                    self._request_stop(job, "Stopped: its learner deleted all their runs.")
                else:
                    self._forget(job)
            keep = {job.key for job in jobs if job.delete_when_ended}
        stored = (self.store.revisions(owner) or {}) if self.store is not None else {}
        if self.store is not None:
            self.store.delete(owner, [key for key in stored if key not in keep])
        return len({job.key for job in jobs} | set(stored))

    def adopt(self, owner: str, record: JobRecord) -> str:
        """Keep a finished run brought in from elsewhere (an imported JSON)."""
        self._refresh(owner)
        with self._lock:
            job = self._book.adopt(owner, record)
            self._forget_old(owner)
            copy_ = self._creating(job)
        self._create_in_store(job, copy_)
        return job.id

    def notices(self, owner: str) -> list[str]:
        """What could not be read back of the learner's stored runs (shown once)."""
        with self._lock:
            return self._load_notices.pop(owner, [])

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
                "saving": self.store.problem if self.store is not None else "",
                "store_notices": list(self.store.notices) if self.store is not None else [],
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
        self._wake.set()
        if self._save_thread.is_alive():
            self._save_thread.join(timeout=5)
        if self.store is not None:
            self._save_changes()  # what the last beat did not write yet

    # ---- internals -------------------------------------------------------------------
    def _touch(self, owner: str) -> None:
        self._seen[owner] = time.monotonic()

    def _copy(self, job: JobRecord, positions: dict[int, int]) -> JobRecord:
        clone = copy.copy(job)
        clone.history = list(job.history)
        clone.queue_position = positions.get(job.number, 0)
        if clone.queue_position:
            clone.estimated_wait = self._estimate_wait(clone.queue_position, positions)
        if job.status == "running":
            sharing = getattr(self.backend, "sharing", None)
            clone.turns_with = max(0, sharing(job.worker) - 1) if sharing else 0
            clone.estimated_left = run_seconds_left(
                job, self._typical_seconds(), self.speed_scale()
            )
        return clone

    def _typical_seconds(self) -> float:
        return statistics.median(self._durations) if self._durations else TYPICAL_JOB_SECONDS

    def speed_scale(self) -> float | None:
        """How much slower (> 1) this server's workers train than the estimate's model says:
        the median over the last finished Lab runs (None before the first)."""
        return statistics.median(self._scales) if self._scales else None

    def _estimate_wait(self, position: int, positions: dict[int, int]) -> float:
        """Seconds until the job at queue `position` starts: the running jobs' remaining
        epochs at their measured speed, then the expected lengths of the jobs ahead of it."""
        typical, scale = self._typical_seconds(), self.speed_scale()
        running = [seconds_left(j, typical, scale) for j in self._book if j.status == "running"]
        ahead = sorted((place, number) for number, place in positions.items() if place < position)
        lengths = [
            job_seconds(job, typical, scale)
            for _, number in ahead
            if (job := self._book.get(number)) is not None
        ]
        return estimate_wait(lengths, running, self.pool_size)

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
        if status == "finished" and (scale := measured_scale(job)) is not None:
            self._scales.append(scale)
        job.worker = None
        if job.delete_when_ended:
            self._forget(job)
            if self.store is not None:
                self.store.delete(job.owner, [job.key])
        elif self._saver is not None:
            self._saver.dirty(job)
            if self.store.online and self._saver.has(job):
                self._write(self._saver.collect(only=job))  # before anyone sees it

    def _dispatch(self) -> None:
        takes = getattr(self.backend, "takes", None)
        for slot in self.backend.free_slots():
            if not len(self._queue):
                return
            number = self._queue.pop(self._taken_by(takes, slot) if takes else None)
            if number is None:
                continue  # a worker already busy, and only big jobs wait: an idle one takes them
            job = self._book.get(number)
            job.worker, job.status, job.started = slot, "running", time.time()
            self.backend.run(slot, job.number, job.task, job.payload, owner=job.owner)

    def _taken_by(self, takes, slot):
        def accept(number: int) -> bool:
            job = self._book.get(number)
            return takes(slot, job.task, job.payload)

        return accept

    def _handle(self, kind: str, slot: Any, number: int | None, data: dict) -> None:
        """Apply one Message to its job's record."""
        job = self._book.get(number)
        if job is None or job.status not in ACTIVE:
            return  # a job already ended (killed, forgotten): drop late messages
        if kind == "epoch":
            job.history.append({**data, "received_at": time.time()})
            self._changed(job)
        elif kind == "progress":
            job.progress = data
        elif kind == "live":
            job.live = {**job.live, **data}
            self._changed(job, live=True)
        elif kind == "finished":
            self._end(job, "finished", result=data.get("result"))
        elif kind in TERMINAL:
            self._end(job, kind, data.get("reason", ""), data.get("result"))
        elif kind == "stopping":
            job.stop_seen = time.monotonic()
        elif kind == "lost":
            self._end(job, "failed", data.get("reason", "The worker was lost."))
        elif kind == "returned":  # its worker ended before it could run it: first in line
            job.status, job.worker, job.started = "queued", None, None
            job.history, job.progress, job.live = [], {}, {}
            self._queue.push(job.owner, job.number, first=True)

    def _enforce(self) -> None:
        """Kill jobs that ignored Stop; stop jobs past the time limit or whose learner left."""
        now = time.monotonic()
        for job in self._book:
            if job.status == "running" and job.stop_requested is not None:
                if overdue(job, now, self.stop_grace):
                    self.backend.kill(job.worker, job.number)
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

    # ---- the store --------------------------------------------------------------------
    def _changed(self, job: JobRecord, live: bool = False) -> None:
        if self._saver is not None:
            self._saver.dirty(job, live)

    def _forget(self, job: JobRecord) -> None:
        self._book.remove(job)
        if self._saver is not None:
            self._saver.forget(job)

    def _forget_old(self, owner: str) -> None:
        saved = self._saver.written if self._saver is not None else (lambda job: True)
        self._book.forget_old(owner, saved)

    def _stored_bytes(self, owner: str) -> int:
        if self.store is None or not self.store.online or self.policy.max_bytes is None:
            return 0
        usage = self.store.usage(owner)
        return usage.bytes if usage else 0

    def _creating(self, job: JobRecord) -> JobRecord:
        """A copy of a new record to insert outside the lock (marked, so it is inserted once)."""
        if self._saver is not None:
            self._saver.creating.add(job.key)
        return self._copy(job, {})

    def _create_in_store(self, job: JobRecord, copy_: JobRecord) -> None:
        """Insert a new record (outside the lock); it may get another run number there."""
        if self.store is None:
            return
        seq = self.store.create(copy_) if self.store.online else None
        with self._lock:
            self._saver.creating.discard(job.key)
            if self._book.get(job.number) is not job:
                if seq is not None:  # deleted meanwhile
                    self.store.delete(job.owner, [job.key])
                return
            if seq is None:
                self._saver.dirty(job)  # written once the store is back
                return
            if seq != job.seq:
                self._book.renumber(job, seq)
            self._saver.created(job, len(copy_.history))
        self._wake.set()

    def _refresh(self, owner: str) -> None:
        """Read the learner's runs from the store (all at first, then what changed elsewhere),
        at most once a second; outside the lock, so a slow database never stalls the pump."""
        if self.store is None or not self.store.online:
            return
        now = time.monotonic()
        last = self._synced.get(owner)
        if last is not None and now - last < SYNC_SECONDS:
            return
        self._synced[owner] = now
        if last is None:
            records, notices = self.store.load(owner)
            with self._lock:
                self._merge(records)
                if notices:
                    self._load_notices[owner] = notices
            return
        revisions = self.store.revisions(owner)
        if revisions is None:
            return
        with self._lock:
            kept = {job.key: job for job in self._book.owned(owner)}
            stale = [
                key
                for key, revision in revisions.items()
                if key not in kept or (kept[key].stored_server and kept[key].revision < revision)
            ]
            for key, job in kept.items():  # deleted elsewhere (another server, cleanup)
                if key not in revisions and self._saver.written(job) and not job.active:
                    self._forget(job)
        if stale:
            records, _ = self.store.load(owner, stale)
            with self._lock:
                self._merge(records)

    def _merge(self, records: list[JobRecord]) -> None:
        """Keep records read from the store, replacing older copies; never this server's own."""
        by_key = {job.key: job for job in self._book}
        for record in records:
            old = by_key.get(record.key)
            if old is not None and not old.stored_server:
                continue  # this server made it and keeps it current
            if old is not None:
                self._book.remove(old)
            record.stored_server = record.stored_server or "?"
            self._book.restore(record)
            self._saver.known(record)

    def _write(self, changes) -> bool:
        if changes and self.store.save([(c.row, c.epochs) for c in changes]):
            self._saver.confirm(changes)
            return True
        return False

    def _save_changes(self) -> None:
        """Write what changed: records made while the store was down, then the rest."""
        with self._lock:
            if self.store.generation != self._saver.generation:
                self._saver.restart(self._book)
            fresh = [(job, self._creating(job)) for job in self._saver.unsaved()]
        for job, copy_ in fresh:
            self._create_in_store(job, copy_)
        with self._lock:
            changes = self._saver.collect()
        if changes and self.store.save([(c.row, c.epochs) for c in changes]):
            with self._lock:
                self._saver.confirm(changes)

    def save(self) -> None:
        """One beat of the save thread: retry a store that is down, write what changed, tell
        the store this server is alive, delete runs past their keeping time, and drop the
        saved runs of learners long gone from memory."""
        if self.store is None:
            return
        now = time.monotonic()
        if not self.store.online:
            if now - self._timers["retry"] < RETRY_SECONDS:
                return
            self._timers["retry"] = now
            if not self.store.open():
                return
        self._save_changes()
        if now - self._timers["beat"] >= BEAT_SECONDS:
            self._timers["beat"] = now
            self.store.beat()
        if now - self._timers["cleanup"] >= CLEANUP_SECONDS:
            self._timers["cleanup"] = now
            self.store.cleanup(self.keep_days, self.store_bytes)
        self._forget_idle(now)

    def _forget_idle(self, now: float) -> None:
        with self._lock:
            for owner in list(self._synced):
                if now - self._seen.get(owner, now) < IDLE_SECONDS:
                    continue
                jobs = self._book.owned(owner)
                if all(not job.active and self._saver.written(job) for job in jobs):
                    for job in jobs:
                        self._forget(job)
                    del self._synced[owner]

    def _save_loop(self) -> None:
        while not self._closed:
            self._wake.wait(self.save_seconds)
            self._wake.clear()
            try:
                self.save()
            except Exception as error:  # the save thread must outlive any fault
                if self.store is not None:
                    self.store.problem = f"Runs are not being saved: {error}."
