"""A worker process: imports TensorFlow once, then runs the jobs its inbox sends, in turns."""

from __future__ import annotations

import gc
import importlib
import multiprocessing as mp
import os
import queue
import sys
import threading
import traceback
from dataclasses import dataclass

from core.jobs.reporter import Reporter, StopRequested, TaskEnded
from core.jobs.turns import Turns


@dataclass(frozen=True)
class Recycle:
    """When a worker retires between jobs to give its memory back (like Celery's
    max_tasks_per_child / max_memory_per_child); the pool starts a fresh one in its place."""

    max_jobs: int = 50
    max_rss_mb: float = 850.0


def rss_mb() -> float:
    """This process's resident memory in MB (Linux: current; elsewhere: the peak, or 0)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, AttributeError):
        pass
    try:
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / 2**20 if sys.platform == "darwin" else peak / 1024
    except (ImportError, OSError):
        return 0.0


def _exit_with_parent() -> None:
    """A worker whose server process died (even by SIGKILL) exits too: no orphans."""
    parent = mp.parent_process()
    if parent is None:
        return

    def watch() -> None:
        parent.join()
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def resolve_task(path: str):
    """'package.module:function' → the function."""
    module_name, _, function_name = path.partition(":")
    return getattr(importlib.import_module(module_name), function_name)


STARTUP = "core.training.startup:configure_tensorflow"  # resolved in the worker only


class TurnReporter(Reporter):
    """A job's line in a worker that slices: Stop is a set the worker's inbox fills, and
    passing the turn goes through the worker's Turns."""

    def __init__(self, job_number: int, events, stops: set[int], turns: Turns, owner: str):
        super().__init__(job_number, events)
        self._stops, self._turns, self.owner = stops, turns, owner

    def _stop_pressed(self) -> bool:
        return self.job_number in self._stops

    def take_turn(self) -> None:
        if self._turns.holder != self.job_number:
            self._turns.take(self.job_number, self.owner)

    def step_out(self) -> None:
        self._turns.step_out(self.job_number)

    def pass_turn(self, started: bool = True) -> bool:
        return self._turns.pass_on(self.job_number, self.owner, started)


class JobThreads:
    """The jobs a worker runs at once, each in a thread, one computing at a time (Turns)."""

    def __init__(self, worker_id: int, events, recycle: Recycle) -> None:
        self.worker_id, self.events, self.recycle = worker_id, events, recycle
        self.turns = Turns()
        self.stops: set[int] = set()
        self.live: dict[int, threading.Thread] = {}
        self.done = 0
        self.retiring = False
        self._lock = threading.Lock()

    def start(self, job_number: int, task_path: str, payload, owner: str) -> None:
        self.events.put(("started", self.worker_id, job_number, {}))
        thread = threading.Thread(
            target=self._run,
            args=(job_number, task_path, payload, owner),
            name=f"job-{job_number}",
            daemon=True,
        )
        with self._lock:
            self.live[job_number] = thread
        thread.start()

    def stop(self, job_number: int) -> None:
        with self._lock:
            if job_number not in self.live:
                return
        self.stops.add(job_number)
        self.turns.hurry(job_number)
        if self.turns.holder != job_number:  # paused: it sees Stop at its next turn, soon
            self.events.put(("stopping", self.worker_id, job_number, {}))

    def idle(self) -> bool:
        with self._lock:
            return not self.live

    def _run(self, job_number: int, task_path: str, payload, owner: str) -> None:
        reporter = TurnReporter(job_number, self.events, self.stops, self.turns, owner)
        try:
            status, data = run_one(task_path, payload, reporter)
        finally:
            self.turns.end(job_number)
        with self._lock:
            self.done += 1
            memory = rss_mb()
            retire = self.done >= self.recycle.max_jobs or memory > self.recycle.max_rss_mb
            if retire and not self.retiring:  # said before the job's end: no new jobs come
                self.retiring = True
                self.events.put(
                    ("retiring", self.worker_id, None, {"jobs": self.done, "rss_mb": memory})
                )
            self.events.put((status, self.worker_id, job_number, data))
            self.stops.discard(job_number)
            del self.live[job_number]


def worker_main(
    worker_id: int,
    tasks,
    events,
    threads: int,
    startup: str,
    recycle: Recycle | None = None,
) -> None:
    """Run `startup(threads)` once, then loop over the inbox: ("run", job, task path, payload,
    owner) starts a job (in turns with the others running here), ("stop", job) asks it to stop.

    After a job the worker retires when `recycle` says it has run enough jobs or holds too much
    memory: it says so (the pool sends no more), finishes the jobs it has, and exits 0; the
    pool starts a fresh worker in its place.
    """
    _exit_with_parent()
    recycle = recycle or Recycle()
    if startup:
        resolve_task(startup)(threads)
    gc.freeze()  # what start-up made stays; per-job collections skip it
    events.put(("ready", worker_id, None, {"pid": os.getpid(), "rss_mb": rss_mb()}))
    jobs = JobThreads(worker_id, events, recycle)
    while True:
        try:
            message = tasks.get(timeout=0.1)
        except queue.Empty:
            if jobs.retiring and jobs.idle():
                return
            continue
        if message is None:
            return
        if message[0] == "stop":
            jobs.stop(message[1])
        else:
            _, job_number, task_path, payload, owner = message
            jobs.start(job_number, task_path, payload, owner)


def run_one(task_path: str, payload, reporter: Reporter) -> tuple[str, dict]:
    """Run one task; (status, data) for the server, whatever happened inside."""
    try:
        return _run_task(task_path, payload, reporter)
    finally:
        for cleanup in reporter.cleanups:
            cleanup()


def _run_task(task_path: str, payload, reporter: Reporter) -> tuple[str, dict]:
    try:
        return "finished", {"result": resolve_task(task_path)(payload, reporter)}
    except TaskEnded as ended:
        status = "stopped" if isinstance(ended, StopRequested) else "diverged"
        return status, {"reason": str(ended), "result": ended.result}
    except MemoryError:
        return "failed", {"reason": "Out of memory: use a smaller model, batch size or dataset."}
    except Exception as error:
        reason = f"{type(error).__name__}: {error}"
        return "failed", {"reason": reason, "detail": traceback.format_exc(limit=-3)}
