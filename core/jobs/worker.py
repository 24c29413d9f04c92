"""A worker process: imports TensorFlow once, then runs one job at a time from its task queue."""

from __future__ import annotations

import gc
import importlib
import multiprocessing as mp
import os
import sys
import threading
import traceback
from dataclasses import dataclass

from core.jobs.reporter import Reporter, StopRequested, TaskEnded


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
        status, data = run_one(task_path, payload, reporter)
        done += 1
        memory = rss_mb()
        retire = done >= recycle.max_jobs or memory > recycle.max_rss_mb
        if retire:  # said before the job's end, so the pool never hands this worker another job
            events.put(("retiring", worker_id, None, {"jobs": done, "rss_mb": memory}))
        events.put((status, worker_id, job_number, data))
        if retire:
            return


def run_one(task_path: str, payload, reporter: Reporter) -> tuple[str, dict]:
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
