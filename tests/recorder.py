"""A Reporter in the test process that keeps a run's epochs (for in-process training tests)."""

from __future__ import annotations

from core.jobs.reporter import Reporter


class Recorder(Reporter):
    """Keeps every epoch record; never stopped."""

    def __init__(self) -> None:
        super().__init__(1)
        self.epochs: list[dict] = []

    def _put(self, kind: str, data: dict) -> None:
        if kind == "epoch":
            self.epochs.append(data)

    def _stop_pressed(self) -> bool:
        return False
