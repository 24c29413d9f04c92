"""LocalPool: the job backend of spawned worker processes on the server's own machine.

It only moves work and messages: start workers (with back-off when they fail to start),
report free warm slots, run a task, signal a stop, kill a stuck worker, recycle a worker that
retires, and turn a dead worker into a "lost" message for its job. Policy lives in JobManager.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import sys
import time
import types
from dataclasses import dataclass, field
from typing import Any

from core.jobs import worker as worker_module
from core.jobs.backend import TERMINAL, BackendStatus, Message, drain
from core.jobs.turns import MAX_TURN_JOBS, MAX_TURN_PARAMS, TURN_BUDGET_PARAMS, job_params

OVERLAP = 2  # threads per core a full pool may run (threads_per_worker)


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


def threads_per_worker(size: int, cores: int | None = None) -> int:
    """REGLAB_TF_THREADS, else the cores divided so that a full pool runs at most 2 threads
    per core: a lone job uses every core (the course CNN 1.3× faster on 2), and two jobs at
    once finish together as fast as with one thread each (bench/threads.py)."""
    cores = cores or os.cpu_count() or 1
    try:
        return max(1, int(os.environ["REGLAB_TF_THREADS"]))
    except (KeyError, ValueError):
        return max(1, min(cores, OVERLAP * cores // max(size, 1)))


@dataclass
class _Slot:
    index: int
    process: Any = None
    tasks: Any = None
    ready: bool = False
    jobs: set[int] = field(default_factory=set)  # jobs sent to it, not ended yet
    started: set[int] = field(default_factory=set)  # those the worker said it started
    alone: bool = False  # it runs a job too big to slice: it takes no other
    params: dict[int, int] = field(default_factory=dict)  # each job's model parameters
    retiring: bool = False
    failed_starts: int = 0
    start_at: float = 0.0  # monotonic time of the next start attempt (back-off)
    last_exit: Any = None


def default_turn_jobs() -> int:
    """REGLAB_TURN_JOBS: how many jobs one worker slices (1: each job runs to its end alone)."""
    try:
        return max(1, int(os.environ["REGLAB_TURN_JOBS"]))
    except (KeyError, ValueError):
        return MAX_TURN_JOBS


class LocalPool:
    """`size` worker processes (a Backend); callers hold their lock. Each worker takes up to
    `turn_jobs` jobs and runs them in turns (core.jobs.turns); a job whose model has more than
    `turn_params` parameters only starts on an idle worker and runs there alone, and the models
    a worker slices have `turn_budget` parameters at most in all."""

    def __init__(
        self,
        size: int | None = None,
        *,
        startup: str = worker_module.STARTUP,
        recycle: worker_module.Recycle | None = None,
        retry_base: float = 0.5,
        retry_cap: float = 30.0,
        turn_jobs: int | None = None,
        turn_params: int = MAX_TURN_PARAMS,
        turn_budget: int = TURN_BUDGET_PARAMS,
    ) -> None:
        self.size = size or default_pool_size()
        self.turn_jobs = turn_jobs or default_turn_jobs()
        self.turn_params, self.turn_budget = turn_params, turn_budget
        self._returned: list[Message] = []  # jobs a killed or retired worker never finished
        self._startup = startup
        self._recycle = recycle or worker_module.Recycle()
        self._retry_base, self._retry_cap = retry_base, retry_cap
        self._threads = threads_per_worker(self.size)
        self._context = mp.get_context("spawn")
        self._events = self._context.Queue()
        self._slots = [_Slot(i) for i in range(self.size)]
        self.restarts = 0
        self.recycled = 0
        self._closed = False

    # ---- the backend interface -----------------------------------------------------------
    def start(self) -> None:
        for slot in self._slots:
            self._spawn(slot)

    def free_slots(self) -> list[int]:
        """Workers that can take a job now, the least busy first."""
        open_ = [
            s
            for s in self._slots
            if s.ready
            and not s.retiring
            and not s.alone
            and len(s.jobs) < self.turn_jobs
            and s.process
            and s.process.is_alive()
        ]
        return [s.index for s in sorted(open_, key=lambda s: len(s.jobs))]

    def takes(self, slot: int, task: str, payload: Any) -> bool:
        """Whether the worker may start this job now: any job on an idle worker; on a busy
        one, only a job small enough to take turns."""
        worker = self._slots[slot]
        if not worker.jobs:
            return True
        params = job_params(payload)
        return (
            params is not None
            and params <= self.turn_params
            and sum(worker.params.values()) + params <= self.turn_budget
        )

    def sharing(self, slot: Any) -> int:
        """How many jobs the worker runs, in turns (0 for an unknown slot)."""
        return len(self._slots[slot].jobs) if slot in range(self.size) else 0

    def run(self, slot: int, job: int, task: str, payload: Any, owner: str = "") -> None:
        worker = self._slots[slot]
        worker.jobs.add(job)
        params = job_params(payload)
        worker.params[job] = params or 0
        worker.alone = self.turn_jobs > 1 and (params is None or params > self.turn_params)
        worker.tasks.put(("run", job, task, payload, owner))

    def signal_stop(self, slot: int, job: int) -> None:
        if job in self._slots[slot].jobs:
            self._slots[slot].tasks.put(("stop", job))

    def kill(self, slot: int, job: int | None = None) -> None:
        """Hard stop: end the worker now and start a fresh one in its place. Its other jobs
        (taking turns with `job`) go back to the queue, to start again."""
        worker = self._slots[slot]
        self._returned += [
            Message("returned", slot, other, {}) for other in sorted(worker.jobs) if other != job
        ]
        worker.jobs, worker.started, worker.alone, worker.params = set(), set(), False, {}
        self._terminate(worker)
        self.restarts += 1
        self._spawn(worker)

    def receive(self, timeout: float) -> list[Message]:
        return drain(self._events, timeout)

    def update(self, messages: list[Message]) -> list[Message]:
        """Note what the messages say about the workers, replace dead ones; the messages
        plus a "lost" one for each job whose worker died."""
        for kind, slot, job, _ in messages:
            self._note(kind, slot, job)
        returned, self._returned = self._returned, []
        return messages if self._closed else messages + returned + self._maintain()

    def status(self) -> BackendStatus:
        waiting = [s for s in self._slots if s.failed_starts]
        problem = ""
        if waiting and not any(s.ready for s in self._slots):
            delay = max(0.0, min(s.start_at for s in waiting) - time.monotonic())
            problem = (
                f"The training workers fail to start ({self._exit_text(waiting[0].last_exit)}); "
                f"retrying in {delay:.0f} s. Queued jobs wait and start when a worker is up."
            )
        return {
            "workers": self.size,
            "ready": sum(s.ready and not s.retiring for s in self._slots),
            "busy": sum(bool(s.jobs) for s in self._slots),
            "jobs": sum(len(s.jobs) for s in self._slots),
            "restarts": self.restarts,
            "recycled": self.recycled,
            "problem": problem,
            "pids": [s.process.pid for s in self._slots if s.process is not None],
        }

    def shutdown(self) -> None:
        self._closed = True
        for slot in self._slots:
            if slot.process is not None and slot.process.is_alive():
                slot.process.kill()
        for slot in self._slots:
            if slot.process is not None:
                slot.process.join(timeout=5)

    # ---- internals ---------------------------------------------------------------------
    def _spawn(self, slot: _Slot) -> None:
        slot.tasks = self._context.Queue()
        slot.ready = slot.retiring = slot.alone = False
        slot.jobs, slot.started, slot.params = set(), set(), {}
        slot.start_at = 0.0
        slot.process = self._context.Process(
            target=worker_module.worker_main,
            args=(
                slot.index,
                slot.tasks,
                self._events,
                self._threads,
                self._startup,
                self._recycle,
            ),
            name=f"reglab-worker-{slot.index}",
            daemon=True,
        )
        with _hidden_main_module():
            slot.process.start()

    def _terminate(self, slot: _Slot) -> None:
        if slot.process is not None:
            if slot.process.is_alive():
                slot.process.kill()
            slot.process.join(timeout=5)

    def _note(self, kind: str, index: Any, job: Any) -> None:
        if kind == "ready":
            slot = self._slots[index]
            slot.ready, slot.failed_starts = True, 0
        elif kind == "retiring":
            self._slots[index].retiring = True
        elif kind == "started" and index in range(self.size):
            self._slots[index].started.add(job)
        elif kind in TERMINAL:
            for slot in self._slots:
                if job in slot.jobs:
                    slot.jobs.discard(job)
                    slot.started.discard(job)
                    slot.params.pop(job, None)
                    slot.alone = slot.alone and bool(slot.jobs)

    def _maintain(self) -> list[Message]:
        """Bury dead workers (a lost job is reported) and start new ones, after any back-off."""
        lost: list[Message] = []
        now = time.monotonic()
        for slot in self._slots:
            if slot.process is not None and not slot.process.is_alive():
                lost += self._bury(slot, now)
            if slot.process is None and now >= slot.start_at:
                self._spawn(slot)
        return lost

    def _bury(self, slot: _Slot, now: float) -> list[Message]:
        slot.process.join(timeout=1)
        code, slot.process = slot.process.exitcode, None
        lost: list[Message] = []
        for job in sorted(slot.jobs):  # sent after it retired (it never saw them): start again
            if slot.retiring and code == 0 and job not in slot.started:
                lost.append(Message("returned", slot.index, job, {}))
            else:
                lost.append(Message("lost", slot.index, job, {"reason": self._death(code)}))
        if slot.retiring and code == 0:
            self.recycled += 1
        elif slot.ready:
            self.restarts += 1
        else:  # died while starting: wait before the next try, longer each time
            slot.failed_starts += 1
            slot.last_exit = code
            delay = self._retry_base * 2 ** (slot.failed_starts - 1)
            slot.start_at = now + min(self._retry_cap, delay)
        slot.ready = slot.retiring = slot.alone = False
        slot.jobs, slot.started, slot.params = set(), set(), {}
        return lost

    @staticmethod
    def _exit_text(code: Any) -> str:
        return "likely out of memory" if code in (-9, 137) else f"exit code {code}"

    def _death(self, code: Any) -> str:
        return f"The worker process died ({self._exit_text(code)}); it was replaced."
