"""A task's line to the server (send plain data, ask whether to stop) and how it ends early."""

from __future__ import annotations

import time
from typing import Any


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
        self.cleanups: list = []

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

    def take_turn(self) -> None:
        """Before training: wait for this job's turn in a worker that slices (core.jobs.turns);
        what comes before (loading data) runs beside the other jobs. Alone: no-op."""

    def step_out(self) -> None:
        """Leave the turn while tracing a new model (beside the other jobs); take_turn after."""

    def pass_turn(self, started: bool = True) -> bool:
        """Between compiled calls: let the worker's other jobs have a turn (core.jobs.turns);
        True if one ran, so this job's model state may need restoring. Alone: no-op."""
        return False

    def on_end(self, cleanup) -> None:
        """Call `cleanup()` when the job ends (the worker runs it: a model's kept state goes)."""
        self.cleanups.append(cleanup)


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

    def take_turn(self) -> None:
        self.parent.take_turn()

    def step_out(self) -> None:
        self.parent.step_out()

    def pass_turn(self, started: bool = True) -> bool:
        return self.parent.pass_turn(started)

    def on_end(self, cleanup) -> None:
        self.parent.on_end(cleanup)
