"""Time slicing in a worker: its jobs train one at a time, in turns, round-robin across owners.

A worker with several jobs runs each in its own thread, but only the one holding the turn
computes. The holder passes the turn on between compiled calls once it has held it for a
quantum (at once when a job still waiting for its first point is queued), so every learner's
first epoch comes early and all curves move together. Jobs never wait on each other's data:
each keeps its own data, callbacks and (see core.training.model_cache) model state.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import deque

TURN_SECONDS = 0.2  # how long a job may hold the turn while others wait (one or two calls)
MAX_TURN_JOBS = 15  # jobs one worker slices at most; more wait in the server's fair queue
MAX_TURN_PARAMS = 4_000_000  # a bigger model runs to its end alone (its state is big to keep)
TURN_BUDGET_PARAMS = 8_000_000  # parameters of all the models one worker slices: with Adam's
# two slots and a paused job's copy, ~4 floats each, ~130 MB at most


class Turns:
    """Who of a worker's jobs computes now. Thread-safe; jobs call take, pass_on and end."""

    def __init__(self, quantum: float = TURN_SECONDS) -> None:
        self.quantum = quantum
        self._changed = threading.Condition()
        self._holder: int | None = None
        self._since = 0.0
        self._waiting: dict[int, tuple[str, bool]] = {}  # job -> (owner, has a first point)
        self._arrival: dict[int, int] = {}
        self._served: dict[str, int] = {}  # owner -> the turn they were last served in
        self._urgent: set[int] = set()  # jobs told to stop: served first, to end soon
        self._counter = itertools.count()
        self._turn = 0
        self.order: deque[int] = deque(maxlen=1000)  # jobs in the order they got turns

    @property
    def holder(self) -> int | None:
        return self._holder

    def waiting(self) -> int:
        with self._changed:
            return len(self._waiting)

    def take(self, job: int, owner: str = "") -> None:
        """Wait for this new job's first turn (it has no point yet: it is served early)."""
        with self._changed:
            self._queue(job, owner, started=False)
            self._wait_for(job)

    def pass_on(self, job: int, owner: str = "", started: bool = True) -> bool:
        """Between calls: let another job compute if one waits and this job's quantum is over
        (or a job without a first point waits); returns once it is this job's turn again.
        True if another job ran meanwhile."""
        with self._changed:
            if self._holder != job or not self._waiting:
                return False
            new_waits = any(not has_point for _, has_point in self._waiting.values())
            early = time.monotonic() - self._since < self.quantum
            if early and job not in self._urgent and not new_waits:
                return False
            self._queue(job, owner, started)
            self._holder = None
            self._grant()
            self._wait_for(job)
            return True

    def step_out(self, job: int) -> None:
        """The job leaves the turn for a while without waiting in line (tracing a new model,
        which touches nobody else's state): the next job computes meanwhile; `take` again."""
        with self._changed:
            if self._holder == job:
                self._holder = None
                self._grant()

    def end(self, job: int) -> None:
        """The job is over: the turn goes to the next waiting one."""
        with self._changed:
            self._waiting.pop(job, None)
            self._arrival.pop(job, None)
            self._urgent.discard(job)
            if self._holder == job:
                self._holder = None
                self._grant()

    def hurry(self, job: int) -> None:
        """A job asked to stop gets the next turn, so it can see Stop and end."""
        with self._changed:
            self._urgent.add(job)

    # ---- internals -----------------------------------------------------------------------
    def _queue(self, job: int, owner: str, started: bool) -> None:
        self._waiting[job] = (owner, started)
        self._arrival[job] = next(self._counter)
        if self._holder is None:
            self._grant()

    def _rank(self, job: int) -> tuple:
        """Stopping jobs first, then jobs without a first point, then the owner served
        longest ago, then the job waiting longest."""
        owner, started = self._waiting[job]
        return (job not in self._urgent, started, self._served.get(owner, -1), self._arrival[job])

    def _grant(self) -> None:
        if not self._waiting:
            return
        job = min(self._waiting, key=self._rank)
        owner, _ = self._waiting.pop(job)
        self._turn += 1
        self._served[owner] = self._turn
        self._holder, self._since = job, time.monotonic()
        self.order.append(job)
        self._changed.notify_all()

    def _wait_for(self, job: int) -> None:
        while self._holder != job:
            self._changed.wait()


def job_params(payload) -> int | None:
    """The parameters of a job's model (0: a job without one; None: one it cannot size)."""
    config = getattr(payload, "config", None)
    if config is None:
        return 0
    try:
        from core.lab.model_summary import summarize

        return summarize(config).total_params
    except Exception:
        return None


def fits_in_turns(payload, max_params: int = MAX_TURN_PARAMS) -> bool:
    """Whether a job's model is small enough to be sliced (else it runs alone, to its end)."""
    params = job_params(payload)
    return params is not None and params <= max_params
