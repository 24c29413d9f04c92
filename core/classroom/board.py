"""The board's rows: each published run's setting, what differs from the mission, its scores,
its validation and test ranks; the counts; what the runs showed about the class's prediction."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from core.classroom.classes import OUTCOMES, ClassInfo, Mission
from core.classroom.store import BoardData, PublishedRun
from core.jobs.contract import training_result
from core.lab.config import TrainingConfig
from core.lab.controls import labels
from core.lab.url_state import to_query
from core.runs.repeats import Group, best_val_loss, verdict

ANONYMOUS = "learner"  # the anonymous id: "learner 7" (join order), never the name
HIGHLIGHTED = 3  # at most this many runs with the largest rank gaps are highlighted
COLORINGS = ("drop", "l2", "l1", "units", "bn", "lr", "opt", "bs", "wd", "es", "ep", "seed")


@dataclass(frozen=True)
class BoardRow:
    """One published run as the board shows it."""

    key: str
    who: str  # the display name, or the anonymous id
    setting: str  # the chosen setting's value (URL form: "0.3", "64,64")
    differs: str  # what differs from the mission's setup
    history: list[dict]
    status: str
    best_val_loss: float | None
    best_epoch: int | None
    val_accuracy: float | None
    test_accuracy: float | None  # None until the instructor reveals it
    val_rank: int | None = None
    test_rank: int | None = None
    highlighted: bool = False

    @property
    def rank_gap(self) -> int:
        if self.val_rank is None or self.test_rank is None:
            return 0
        return abs(self.val_rank - self.test_rank)


def full_query(config: TrainingConfig) -> dict[str, str]:
    return to_query(config, only_changed=False)


def differences(config: TrainingConfig, setup: TrainingConfig) -> str:
    """'Dropout p 0.5 · L2 λ 0.01': the settings where a run left the mission's setup."""
    names = labels("training_lab")
    mine, theirs = full_query(config), full_query(setup)
    changed = [f"{names.get(k, k)} {v}" for k, v in mine.items() if theirs.get(k) != v]
    return " · ".join(changed) or "the mission's setup"


def who(run: PublishedRun, anonymous: bool) -> str:
    member = run.member
    if member is None:
        return "(left the class)" if not anonymous else f"{ANONYMOUS} ?"
    return f"{ANONYMOUS} {member.number}" if anonymous else member.name


def rows(data: BoardData, info: ClassInfo, color_by: str, anonymous: bool) -> list[BoardRow]:
    """The board's rows, ranked by best validation loss; test ranks once revealed."""
    setup = info.mission.config
    found = []
    for run in data.runs:
        config = getattr(run.record.payload, "config", None)
        if not isinstance(config, TrainingConfig):
            continue
        loss = best_val_loss(run.record)
        epoch, accuracy = _best_epoch(run.record.history, loss)
        found.append(
            BoardRow(
                key=run.record.key,
                who=who(run, anonymous),
                setting=full_query(config).get(color_by, ""),
                differs=differences(config, setup),
                history=run.record.history,
                status=run.record.status,
                best_val_loss=loss,
                best_epoch=epoch,
                val_accuracy=accuracy,
                test_accuracy=_test_accuracy(run) if info.revealed is not None else None,
            )
        )
    return ranked(found)


def _best_epoch(history: list[dict], loss: float | None) -> tuple[int | None, float | None]:
    for row in history:
        if loss is not None and row.get("val_data_loss", row.get("val_loss")) == loss:
            return int(row["epoch"]), row.get("val_accuracy")
    return None, None


def _test_accuracy(run: PublishedRun) -> float | None:
    if run.record.active:
        return None
    try:
        result = training_result(run.record.result)
    except (TypeError, KeyError, ValueError):
        return None
    return result.final_scores.accuracy if result else None


def _finite(value) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value)


def ranked(found: list[BoardRow]) -> list[BoardRow]:
    """Sorted by best validation loss (runs without one last); validation rank 1 is the lowest
    loss, test rank 1 the highest test accuracy; the largest gaps between them highlighted."""
    from dataclasses import replace

    by_val = sorted(found, key=lambda r: r.best_val_loss if _finite(r.best_val_loss) else math.inf)
    val_ranks = {r.key: i + 1 for i, r in enumerate(by_val) if _finite(r.best_val_loss)}
    tested = [r for r in by_val if _finite(r.test_accuracy) and r.key in val_ranks]
    by_test = sorted(tested, key=lambda r: -r.test_accuracy)
    test_ranks = {r.key: i + 1 for i, r in enumerate(by_test)}
    out = [
        replace(r, val_rank=val_ranks.get(r.key), test_rank=test_ranks.get(r.key)) for r in by_val
    ]
    gaps = sorted((r.rank_gap for r in out if r.rank_gap > 0), reverse=True)
    if gaps:
        cutoff = gaps[min(HIGHLIGHTED, len(gaps)) - 1]
        out = [replace(r, highlighted=r.rank_gap >= cutoff and r.rank_gap > 0) for r in out]
    return out


def table(board_rows: list[BoardRow], color_label: str, revealed: bool) -> list[dict]:
    """The board's table, one dict per run (for a dataframe)."""
    shown = []
    for r in board_rows:
        row = {
            "rank": r.val_rank,
            "who": r.who,
            color_label: r.setting,
            "differs from the mission": r.differs,
            "best val loss": _rounded(r.best_val_loss),
            "best epoch": r.best_epoch,
            "val accuracy": _rounded(r.val_accuracy),
            "status": r.status,
        }
        if revealed:
            row["test accuracy"] = _rounded(r.test_accuracy)
            row["test rank"] = r.test_rank
            row["rank gap"] = r.rank_gap if r.test_rank else None
        shown.append(row)
    return shown


def _rounded(value) -> float | None:
    return round(float(value), 4) if _finite(value) else None


@dataclass(frozen=True)
class PredictionTally:
    """The class's answers to the mission's question, and what the runs showed."""

    counts: dict[str, int]
    showed: str = ""  # the outcome the runs support (one of OUTCOMES' texts), "" when unknown
    sentence: str = ""


def tally(mission: Mission, answers: dict[str, str], data: BoardData) -> PredictionTally:
    counted = Counter(answers.values())
    counts = {choice: counted.get(choice, 0) for choice in mission.answers}
    if not mission.test_key:
        return PredictionTally(
            counts, sentence="The runs do not answer this question by themselves."
        )
    base_value = full_query(mission.config).get(mission.test_key, "")
    groups = {base_value: [], mission.test_value: []}
    for run in data.runs:
        config = getattr(run.record.payload, "config", None)
        if isinstance(config, TrainingConfig) and not run.record.active:
            value = full_query(config).get(mission.test_key)
            if value in groups:
                groups[value].append(run.record)
    name = labels("training_lab").get(mission.test_key, mission.test_key)
    a = Group("base", f"{name} {base_value}", groups[base_value])
    b = Group("tested", f"{name} {mission.test_value}", groups[mission.test_value])
    if not a.runs and not b.runs:
        return PredictionTally(
            counts,
            sentence=f"No finished run with {a.label} or {b.label} on the board yet: once each "
            "has a few, the runs answer the question.",
        )
    result = verdict(a, b, "best validation loss")
    if result.half_width is None:
        return PredictionTally(counts, "", result.sentence)
    outcome = "same" if not result.real else ("lower" if result.difference < 0 else "higher")
    return PredictionTally(counts, OUTCOMES[outcome], result.sentence)
