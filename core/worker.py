"""A worker process: imports TensorFlow once, then runs one job at a time from its task queue."""

from __future__ import annotations

import gc
import importlib
import multiprocessing as mp
import os
import sys
import threading
import time
import traceback
from dataclasses import dataclass
from typing import Any


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


class TaskEnded(Exception):
    """A task ended early on purpose; `result` keeps what it had computed."""

    def __init__(self, reason: str, result: dict | None = None) -> None:
        super().__init__(reason)
        self.result = result


class StopRequested(TaskEnded):
    """The learner pressed Stop."""


class Diverged(TaskEnded):
    """The loss became NaN or infinite."""


class Reporter:
    """What a task uses to talk to the server: send plain data, ask whether to stop.

    This one talks over a multiprocessing queue and a shared stop flag (the local pool);
    other backends subclass it and override `_put` and `_stop_pressed`.
    """

    def __init__(self, job_number: int, events=None, stop_flag=None) -> None:
        self.job_number = job_number
        self._events = events
        self._stop_flag = stop_flag
        self._last_progress = 0.0
        self._acknowledged = False

    def _put(self, kind: str, data: dict[str, Any]) -> None:
        self._events.put((kind, None, self.job_number, data))

    def _stop_pressed(self) -> bool:
        return self._stop_flag.value == self.job_number

    def send(self, kind: str, data: dict[str, Any]) -> None:
        """kind: 'epoch' (appended to the history), 'progress' (replaces) or 'live' (merges)."""
        self._put(kind, data)

    def progress(self, data: dict[str, Any], every: float = 0.2) -> None:
        """Throttled progress: at most one message every `every` seconds."""
        now = time.monotonic()
        if now - self._last_progress >= every:
            self._last_progress = now
            self.send("progress", data)

    def should_stop(self) -> bool:
        """Whether Stop was pressed; the first time it is seen, the server hears so and gives
        the job time to wrap up instead of restarting its worker."""
        stop = self._stop_pressed()
        if stop and not self._acknowledged:
            self._acknowledged = True
            self._put("stopping", {})
        return stop


class TaggedReporter(Reporter):
    """A part of a bigger job (one fold, one trial): tags its epochs and progress, keeps a copy.

    `stoppable=False` hides Stop from the part, so the job can end it at a boundary of its own.
    """

    def __init__(
        self, parent: Reporter, tags: dict, progress: dict, *, stoppable: bool = True
    ) -> None:
        super().__init__(parent.job_number)
        self.parent = parent
        self.tags, self.progress_tags, self.stoppable = tags, progress, stoppable
        self.records: list[dict] = []

    def send(self, kind: str, data: dict[str, Any]) -> None:
        if kind == "live":
            return  # a part's live extras (the decision boundary) would mix parts up
        if kind == "epoch":
            data = {**data, **self.tags}
            self.records.append(data)
        elif kind == "progress":
            data = {**data, **self.progress_tags}
        self.parent.send(kind, data)

    def should_stop(self) -> bool:
        return self.stoppable and self.parent.should_stop()


def resolve_task(path: str):
    """'package.module:function' → the function."""
    module_name, _, function_name = path.partition(":")
    return getattr(importlib.import_module(module_name), function_name)


def configure_tensorflow(threads: int) -> None:
    """Quiet logs, bounded threads, deterministic ops; then train the Lab's default model once."""
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"  # 2 lets C++ error-level noise (NodeDef…) through
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.config.threading.set_inter_op_parallelism_threads(threads)
    tf.config.experimental.enable_op_determinism()
    tf.get_logger().setLevel("ERROR")
    from core.training import warm_up  # the Lab's default model, compiled and kept

    warm_up()


STARTUP = "core.worker:configure_tensorflow"


def worker_main(
    worker_id: int,
    tasks,
    events,
    stop_flag,
    threads: int,
    startup: str,
    recycle: Recycle | None = None,
) -> None:
    """Run `startup(threads)` once, then loop: take (job_number, task path, payload), run it.

    After each job the worker retires (exits 0, after saying so) when `recycle` says it has
    run enough jobs or holds too much memory; the pool starts a fresh worker in its place.
    """
    _exit_with_parent()
    recycle = recycle or Recycle()
    if startup:
        resolve_task(startup)(threads)
    gc.freeze()  # what start-up made stays; per-job collections skip it
    events.put(("ready", worker_id, None, {"pid": os.getpid(), "rss_mb": rss_mb()}))
    done = 0
    while True:
        message = tasks.get()
        if message is None:
            return
        job_number, task_path, payload = message
        events.put(("started", worker_id, job_number, {}))
        reporter = Reporter(job_number, events, stop_flag)
        status, data = _run_one(task_path, payload, reporter)
        done += 1
        memory = rss_mb()
        retire = done >= recycle.max_jobs or memory > recycle.max_rss_mb
        if retire:  # said before the job's end, so the pool never hands this worker another job
            events.put(("retiring", worker_id, None, {"jobs": done, "rss_mb": memory}))
        events.put((status, worker_id, job_number, data))
        if retire:
            return


def _run_one(task_path: str, payload, reporter: Reporter) -> tuple[str, dict]:
    """Run one task; (status, data) for the server, whatever happened inside."""
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
