"""FakeBackend: a Backend with no processes; a test says what each job does, and when."""

from __future__ import annotations

from typing import Any

from core.jobs.backend import TERMINAL, BackendStatus, Message


class FakeBackend:
    """`size` slots that run nothing: run() notes the job, the test makes it talk (say,
    finish, die) and the manager's pump() moves that into the records, deterministically."""

    def __init__(self, size: int = 1) -> None:
        self.size = size
        self.running: dict[int, int] = {}  # slot -> job number
        self.runs: list[tuple[int, int, str, Any]] = []  # (slot, job, task, payload), in order
        self.stops: list[int] = []  # jobs asked to stop
        self.kills: list[int] = []  # slots killed
        self.restarts = 0
        self._inbox: list[Message] = []

    # ---- the Backend protocol ------------------------------------------------------------
    def start(self) -> None:
        pass

    def free_slots(self) -> list[int]:
        return [slot for slot in range(self.size) if slot not in self.running]

    def run(self, slot: int, job: int, task: str, payload: Any, owner: str = "") -> None:
        self.running[slot] = job
        self.runs.append((slot, job, task, payload))
        self._inbox.append(Message("started", slot, job, {}))

    def signal_stop(self, slot: int, job: int) -> None:
        self.stops.append(job)

    def kill(self, slot: int, job: int | None = None) -> None:
        self.running.pop(slot, None)
        self.kills.append(slot)
        self.restarts += 1

    def receive(self, timeout: float) -> list[Message]:
        messages, self._inbox = self._inbox, []
        return messages

    def update(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            if message.kind in (*TERMINAL, "lost"):
                self.running = {s: j for s, j in self.running.items() if j != message.job}
        return messages

    def status(self) -> BackendStatus:
        return {
            "workers": self.size,
            "ready": self.size,
            "busy": len(self.running),
            "restarts": self.restarts,
            "recycled": 0,
            "problem": "",
            "pids": [],
        }

    def shutdown(self) -> None:
        self.running.clear()

    # ---- what the test makes a job do ------------------------------------------------------
    def slot_of(self, job: int) -> int:
        return next(slot for slot, number in self.running.items() if number == job)

    def say(self, job: int, kind: str, **data: Any) -> None:
        self._inbox.append(Message(kind, self.slot_of(job), job, data))

    def finish(self, job: int, **result: Any) -> None:
        self.say(job, "finished", result=result)

    def die(self, job: int) -> None:
        self.say(job, "lost", reason="The worker process died (exit code -9); it was replaced.")

    def started_order(self) -> list[int]:
        return [job for _, job, _, _ in self.runs]
