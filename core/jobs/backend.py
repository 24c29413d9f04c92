"""The backend protocol: what JobManager needs from a backend, its messages, one shared drain.

A backend only moves work and messages (like an Executor): it runs a task in a free slot,
signals a stop, kills a stuck slot and reports what its workers say. The policy (queue,
fairness, caps, limits) stays in JobManager. LocalPool and DaskPool implement it, and the
tests' FakeBackend does too, so the policy can be tested without processes.
"""

from __future__ import annotations

import queue
from typing import Any, NamedTuple, Protocol, TypedDict, runtime_checkable

TERMINAL = ("finished", "stopped", "failed", "diverged")  # the kinds that end a job
# also: "returned", a job its worker gave back unrun (it goes back to the queue, first)


class Message(NamedTuple):
    """One event from a worker: its kind, the slot it came from, the job (if any), plain data."""

    kind: str
    slot: Any
    job: int | None
    data: dict


class BackendStatus(TypedDict):
    """A backend's state for the operator and for wait estimates."""

    workers: int
    ready: int
    busy: int
    restarts: int
    recycled: int
    problem: str
    pids: list[int]


@runtime_checkable
class Backend(Protocol):
    """Slots that each run one job at a time; callers hold their own lock."""

    @property
    def size(self) -> int:
        """How many jobs can run at once (at least 1)."""
        ...

    def start(self) -> None: ...

    def free_slots(self) -> list[Any]:
        """Slots ready for a job now."""
        ...

    def run(self, slot: Any, job: int, task: str, payload: Any, owner: str = "") -> None:
        """Start task ('module:function') with payload in slot, as job number `job` of
        `owner` (a backend that slices serves owners in turn)."""
        ...

    def signal_stop(self, slot: Any, job: int) -> None:
        """Ask the job to stop at its next check (cooperative)."""
        ...

    def kill(self, slot: Any, job: int | None = None) -> None:
        """End the slot's worker now (`job` did not stop) and start a fresh one in its place;
        its other jobs, if any, come back as "returned" messages."""
        ...

    def receive(self, timeout: float) -> list[Message]:
        """Messages from workers, waiting at most `timeout` for the first."""
        ...

    def update(self, messages: list[Message]) -> list[Message]:
        """Note what the messages say about the workers; add a "lost" one per dead job."""
        ...

    def status(self) -> BackendStatus: ...

    def shutdown(self) -> None: ...


def drain(inbox: Any, timeout: float) -> list[Message]:
    """At most one wait of `timeout` on a queue, then whatever else is already there."""
    messages: list[Message] = []
    try:
        messages.append(Message(*inbox.get(timeout=timeout)))
        while True:
            messages.append(Message(*inbox.get_nowait()))
    except (queue.Empty, EOFError, OSError):
        pass  # empty, or the queue closed while the server shuts down
    return messages
