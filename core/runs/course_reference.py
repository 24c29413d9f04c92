"""The course's own printed training logs (assets/course_logs.csv), as run histories.

bench/extract_course_logs.py reads them out of the notes; each row keeps its source line.
Drawn as dashed grey "course" lines next to a learner's runs of the same experiment.
"""

from __future__ import annotations

import csv
import math
from functools import lru_cache
from pathlib import Path

LOGS = Path(__file__).resolve().parents[2] / "assets" / "course_logs.csv"


def _number(text: str) -> float:
    return float(text) if text else math.nan


@lru_cache(maxsize=1)
def references() -> dict[str, dict]:
    """run name -> {"what", "source", "history"}; histories use the lab's field names."""
    runs: dict[str, dict] = {}
    with LOGS.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            run = runs.setdefault(
                row["run"],
                {
                    "label": row["label"],
                    "what": row["what"],
                    "source": row["source"],
                    "history": [],
                },
            )
            loss, val_loss = _number(row["loss"]), _number(row["val_loss"])
            run["history"].append(
                {
                    "epoch": int(row["epoch"]),
                    "loss": loss,
                    "data_loss": loss,  # none of these runs has an L1/L2 penalty
                    "accuracy": _number(row["accuracy"]),
                    "val_loss": val_loss,
                    "val_data_loss": val_loss,
                    "val_accuracy": _number(row["val_accuracy"]),
                }
            )
    return runs


def reference_lines(names: list[str]) -> list[tuple[str, list[dict]]]:
    """(legend label, history) for the named course runs that exist."""
    found = references()
    return [(f"course: {found[n]['label']}", found[n]["history"]) for n in names if n in found]
