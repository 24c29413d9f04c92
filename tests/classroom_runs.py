"""Published runs for class-board tests and benches: real Lab records written to a RunStore."""

from __future__ import annotations

import math
from dataclasses import replace

from core.jobs.contract import TRAINING_TASK, TrainingPayload
from core.jobs.records import JobRecord
from core.lab.config import TrainingConfig


def history(epochs: int, dropout: float, seed: int = 0) -> list[dict]:
    """A believable curve: more dropout, a later and lower validation minimum."""
    rows = []
    for epoch in range(epochs):
        train = 1.0 / (epoch + 1)
        val = 0.4 + 0.6 / (epoch + 1) + (0.02 - 0.03 * dropout) * epoch + 0.001 * seed
        rows.append(
            {
                "epoch": epoch + 1,  # as Keras callbacks report them: from 1
                "loss": train,
                "data_loss": train,
                "val_loss": val,
                "val_data_loss": val,
                "accuracy": 1 - train / 2,
                "val_accuracy": max(0.0, 1 - val / 2),
                "seconds": 0.1,
            }
        )
    return rows


def result(test_accuracy: float) -> dict:
    scores = {"accuracy": test_accuracy, "data_loss": 0.3, "loss": 0.31}
    return {"test_last": scores, "best_epoch": 1, "epochs_run": 3}


def lab_run(
    owner: str,
    dropout: float = 0.0,
    *,
    epochs: int = 5,
    test_accuracy: float = 0.9,
    seed: int = 0,
    status: str = "finished",
    **changes,
) -> JobRecord:
    config = replace(TrainingConfig(), dropout=(dropout,), seed=42 + seed, **changes)
    return JobRecord(
        id="run-0",
        number=0,
        owner=owner,
        task=TRAINING_TASK,
        label=f"dropout {dropout}",
        payload=TrainingPayload(config),
        status=status,
        history=history(epochs, dropout, seed),
        result=result(test_accuracy) if status == "finished" else None,
        ended=1.0 if status == "finished" else None,
    )


def stored(store, job: JobRecord) -> JobRecord:
    job.seq = store.create(job) or 0
    assert job.seq, store.problem
    return job


def isclose(a, b) -> bool:
    return a is not None and math.isclose(a, b, rel_tol=1e-9)
