"""The task contract: what a page sends a worker (payloads) and what comes back (results), typed.

Payloads are frozen dataclasses, pickled to the worker. Results travel, are exported and are
imported as plain JSON-able dicts (the wire format: `to_dict`); pages and core read them
through the typed views here (`from_dict`), by attribute, never by string key.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:  # annotations only: the contract loads neither Optuna nor the configs
    from core.lab.config import TrainingConfig
    from core.lab.kfold import KFoldSettings
    from core.lab.search import SearchSpace

# 'module:function' run in a worker; the server never imports these modules
TRAINING_TASK = "core.training.lab_task:run_training"
KFOLD_TASK = "core.training.kfold_task:run_kfold"
SEARCH_TASK = "core.training.search_task:run_search"


@dataclass(frozen=True)
class TrainingPayload:
    """One Training Lab run: the config, and where the course datasets are on disk."""

    config: TrainingConfig
    data_dir: str | None = None
    task: ClassVar[str] = TRAINING_TASK


@dataclass(frozen=True)
class KFoldPayload:
    """One K-fold job: the model's config and the folds' settings."""

    config: TrainingConfig
    kfold: KFoldSettings
    data_dir: str | None = None
    task: ClassVar[str] = KFOLD_TASK


@dataclass(frozen=True)
class SearchPayload:
    """One Optuna study; `enqueue` lists parameter sets to try first."""

    space: SearchSpace
    data_dir: str | None = None
    enqueue: tuple[dict, ...] = ()
    task: ClassVar[str] = SEARCH_TASK


Payload = TrainingPayload | KFoldPayload | SearchPayload


def _plain(value: Any) -> Any:
    """A result view back to its wire dict: nested views as dicts, None fields left out."""
    if dataclasses.is_dataclass(value):
        return {
            f.name: _plain(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if getattr(value, f.name) is not None
        }
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


class _Wire:
    """to_dict / from_dict for the result views (unknown keys are ignored)."""

    def to_dict(self) -> dict:
        return _plain(self)

    @classmethod
    def from_dict(cls, data: dict):
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**cls._nested({k: v for k, v in data.items() if k in names}))

    @classmethod
    def _nested(cls, values: dict) -> dict:
        """Turn nested wire dicts into their views (a subclass's hook)."""
        return values


@dataclass(frozen=True)
class TestScores(_Wire):
    """Scores of one set of weights on the test set."""

    __test__ = False  # not a pytest test class, whatever its name

    accuracy: float
    data_loss: float
    loss: float
    confusion: list[list[int]] = field(default_factory=list)
    misclassified: list[dict] = field(default_factory=list)  # index, true, predicted
    misclassified_images: list | None = None  # 0–255 pixel rows of the first wrong images


@dataclass(frozen=True)
class TrainingResult(_Wire):
    """What a finished (or stopped) Lab run reports: test scores of its last and best weights."""

    test_last: TestScores
    test_best: TestScores
    best_epoch: int
    epochs_run: int
    final: str = "last"  # which weights the model ended with: last, best or restored
    early_stopped: bool = False
    stopped_by_learner: bool = False
    restored_best: bool = False
    weights: list[dict] = field(default_factory=list)
    weight_history: list[dict] = field(default_factory=list)
    params: int | None = None
    sizes: dict[str, int] = field(default_factory=dict)
    test_restored: TestScores | None = None
    tensorboard_dir: str | None = None
    best_val_loss: float | None = None

    @classmethod
    def _nested(cls, values: dict) -> dict:
        scores = {
            key: TestScores.from_dict(values[key])
            for key in ("test_last", "test_best", "test_restored")
            if values.get(key) is not None
        }
        scores.setdefault("test_best", scores["test_last"])
        return {**values, **scores}

    @property
    def final_scores(self) -> TestScores:
        """The test scores of the weights the model ended with."""
        return {"best": self.test_best, "restored": self.test_restored}.get(
            self.final
        ) or self.test_last


@dataclass(frozen=True)
class FoldScore(_Wire):
    """One metric over the folds at the best epoch."""

    mean: float
    std: float


@dataclass(frozen=True)
class KFoldResult(_Wire):
    """The folds' average at the best epoch, and the retrained model's one test score."""

    best_index: int | None
    retrain_epochs: int
    test: dict[str, float]
    folds_at_best: dict[str, FoldScore]
    models_trained: int
    sizes: dict[str, int]

    @classmethod
    def _nested(cls, values: dict) -> dict:
        at_best = values.get("folds_at_best", {})
        return {**values, "folds_at_best": {k: FoldScore.from_dict(v) for k, v in at_best.items()}}


@dataclass(frozen=True)
class SearchResult(_Wire):
    """Every trial of a study as a record, and the best one."""

    trials: list[dict]
    best: dict | None = None


def training_result(result: dict | None) -> TrainingResult | None:
    """The typed view of a Lab run's result, or None for a run that never reached its test."""
    if not result or "test_last" not in result:
        return None
    return TrainingResult.from_dict(result)


def kfold_result(result: dict | None) -> KFoldResult | None:
    """The typed view of a K-fold job's result, or None before it has one."""
    if not result or "test" not in result:
        return None
    return KFoldResult.from_dict(result)
