"""The fair queue: each learner's queued jobs in order, served one per learner per round."""

from __future__ import annotations

from collections import deque


class FairQueue:
    """Round-robin across owners: the next job is the oldest of the owner whose turn it is,
    who then goes to the back of the line (a learner with 5 jobs never starves one with 1)."""

    def __init__(self) -> None:
        self._waiting: dict[str, deque[int]] = {}  # each owner's queued jobs, oldest first
        self._turns: deque[str] = deque()  # owners with queued jobs, whose turn is next first

    def __len__(self) -> int:
        return sum(len(q) for q in self._waiting.values())

    @property
    def owners(self) -> int:
        """How many learners have a job waiting."""
        return len(self._turns)

    def push(self, owner: str, number: int, first: bool = False) -> None:
        """Queue a job at the back (`first`: at the front, a job given back to the queue)."""
        waiting = self._waiting.setdefault(owner, deque())
        waiting.appendleft(number) if first else waiting.append(number)
        if owner not in self._turns:
            self._turns.appendleft(owner) if first else self._turns.append(owner)

    def remove(self, owner: str, number: int) -> None:
        waiting = self._waiting.get(owner)
        if waiting and number in waiting:
            waiting.remove(number)
            if not waiting:
                del self._waiting[owner]
                self._turns.remove(owner)

    def pop(self, accept=None) -> int | None:
        """The next job in round-robin order, or None when nothing waits. With `accept`, the
        first owner in turn whose oldest job it accepts (each learner's order is kept)."""
        for owner in list(self._turns):
            waiting = self._waiting[owner]
            if accept is not None and not accept(waiting[0]):
                continue
            self._turns.remove(owner)
            number = waiting.popleft()
            if waiting:
                self._turns.append(owner)
            else:
                del self._waiting[owner]
            return number
        return None

    def positions(self) -> dict[int, int]:
        """1-based places in the order pop() will serve them: one job per learner per round."""
        order: list[int] = []
        queues = [self._waiting[o] for o in self._turns]
        for depth in range(max((len(q) for q in queues), default=0)):
            order += [q[depth] for q in queues if len(q) > depth]
        return {number: place for place, number in enumerate(order, start=1)}
