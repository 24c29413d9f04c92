"""Hyperparameter search without TensorFlow: the search space, Optuna trials ↔ configs, records.

The worker runs the study (core.training.search_task); the server rebuilds an in-memory copy of it
from plain trial records to draw Optuna's own figures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import optuna

from core.data.datasets import DATASETS
from core.lab.checks import problems
from core.lab.config import OPTIMIZERS, Caps, TrainingConfig
from core.lab.url_state import field_problems, spec

SAMPLERS = ("tpe", "random", "grid")
OBJECTIVES = {"val_loss": "lowest validation loss", "val_accuracy": "highest validation accuracy"}
BATCH_SIZES = ("16", "32", "64", "128", "256")


@dataclass(frozen=True)
class SearchSpace:
    """The ranges a study samples from, the data it trains on and how it searches."""

    dataset: str = spec("digits", "sds", "Dataset", choices=tuple(DATASETS))
    train_subset: int = spec(0, "ssub", "Training subset (0 = all)", lo=0, hi=100_000)
    layers_min: int = spec(1, "lmin", "Fewest hidden layers", lo=1, hi=6)
    layers_max: int = spec(3, "lmax", "Most hidden layers", lo=1, hi=6)
    units_min: int = spec(8, "umin", "Fewest units", lo=1, hi=4096)
    units_max: int = spec(256, "umax", "Most units", lo=1, hi=4096)
    lr_min: float = spec(1e-4, "lrmin", "Smallest learning rate", lo=1e-6, hi=10)
    lr_max: float = spec(1e-1, "lrmax", "Largest learning rate", lo=1e-6, hi=10)
    dropout_max: float = spec(0.5, "dmax", "Largest dropout", lo=0, hi=0.9)
    l2_max: float = spec(1e-2, "l2max", "Largest L2 λ (0 = no L2)", lo=0, hi=1)
    optimizers: tuple[str, ...] = spec(
        ("adam", "rmsprop", "sgd"), "opts", "Optimizers", choices=tuple(OPTIMIZERS)
    )
    batch_sizes: tuple[str, ...] = spec(
        ("32", "64", "128"), "bss", "Batch sizes", choices=BATCH_SIZES
    )
    epochs_min: int = spec(10, "emin", "Fewest epochs", lo=1, hi=500)
    epochs_max: int = spec(30, "emax", "Most epochs", lo=1, hi=500)
    sampler: str = spec("tpe", "sampler", "Sampler", choices=SAMPLERS)
    trials: int = spec(20, "trials", "Trials", lo=1, hi=500)
    pruning: bool = spec(True, "prune", "Prune bad trials (median pruner)")
    seed: int = spec(0, "sseed", "Seed", lo=0, hi=2**31 - 1)
    wd_max: float = spec(0.0, "wdmax", "Largest weight decay (0 = none)", lo=0, hi=1)
    per_layer_units: bool = spec(False, "plu", "Units per layer (e.g. a 128 → 64 funnel)")
    objective: str = spec("val_loss", "obj", "Objective", choices=tuple(OBJECTIVES))

    @property
    def direction(self) -> str:
        return "minimize" if self.objective == "val_loss" else "maximize"

    def base_config(self) -> TrainingConfig:
        """What every trial shares: the data and the seed."""
        return replace(
            TrainingConfig(), dataset=self.dataset, train_subset=self.train_subset, seed=self.seed
        )


L2_FLOOR = 1e-6  # L2 is sampled on a log scale from here to l2_max


def suggest_config(trial: optuna.trial.BaseTrial, space: SearchSpace) -> TrainingConfig:
    """The Training Lab config for a trial's parameters (also works with a FixedTrial)."""
    layers = trial.suggest_int("layers", space.layers_min, space.layers_max)
    if space.per_layer_units:  # one count per layer: funnels like 128 → 64 become possible
        units = tuple(
            trial.suggest_int(f"units_{i + 1}", space.units_min, space.units_max, log=True)
            for i in range(layers)
        )
    else:
        units = (trial.suggest_int("units", space.units_min, space.units_max, log=True),) * layers
    learning_rate = trial.suggest_float("learning_rate", space.lr_min, space.lr_max, log=True)
    dropout = trial.suggest_float("dropout", 0.0, space.dropout_max) if space.dropout_max else 0.0
    l2 = trial.suggest_float("l2", L2_FLOOR, space.l2_max, log=True) if space.l2_max else 0.0
    optimizer = trial.suggest_categorical("optimizer", list(space.optimizers))
    batch_size = int(trial.suggest_categorical("batch_size", list(space.batch_sizes)))
    epochs = trial.suggest_int("epochs", space.epochs_min, space.epochs_max)
    wd_max = space.wd_max
    decay = trial.suggest_float("weight_decay", L2_FLOOR, wd_max, log=True) if wd_max else 0.0
    return replace(
        space.base_config(),
        units=units,
        dropout=(round(dropout, 4),),
        l2=(float(f"{l2:.3g}"),),
        optimizer=optimizer,
        learning_rate=float(f"{learning_rate:.3g}"),
        batch_size=batch_size,
        epochs=epochs,
        weight_decay=float(f"{decay:.3g}"),
    )


def config_for_params(params: dict, space: SearchSpace) -> TrainingConfig:
    """A finished trial's parameters as a Training Lab config (for "Open best in Training Lab")."""
    return suggest_config(optuna.trial.FixedTrial(params), space)


def _spread(low: float, high: float, log: bool, kind=float) -> list:
    """Three grid values from low to high (fewer when they coincide)."""
    middle = math.sqrt(low * high) if log and low > 0 else (low + high) / 2
    values = [kind(round(v)) if kind is int else kind(f"{v:.3g}") for v in (low, middle, high)]
    return sorted(set(values))


def grid_space(space: SearchSpace) -> dict[str, list]:
    """The values grid search tries for each parameter (every combination, in random order)."""
    grid: dict[str, list] = {
        "layers": list(range(space.layers_min, space.layers_max + 1)),
        "units": _spread(space.units_min, space.units_max, True, int),
        "learning_rate": _spread(space.lr_min, space.lr_max, True),
        "optimizer": list(space.optimizers),
        "batch_size": list(space.batch_sizes),
        "epochs": sorted({space.epochs_min, space.epochs_max}),
    }
    if space.dropout_max:
        grid["dropout"] = [0.0, space.dropout_max]
    if space.l2_max:
        grid["l2"] = sorted({L2_FLOOR, space.l2_max})
    if space.wd_max:
        grid["weight_decay"] = sorted({L2_FLOOR, space.wd_max})
    return grid


def tell(study: optuna.Study, trial: optuna.Trial, *args, **options) -> None:
    """study.tell, for ask-and-tell loops: GridSampler calls study.stop() after its last grid
    point, which Optuna only allows inside study.optimize; the trial is stored either way."""
    try:
        study.tell(trial, *args, **options)
    except RuntimeError as error:
        if "Study.stop" not in str(error):
            raise


def grid_size(space: SearchSpace) -> int:
    return math.prod(len(values) for values in grid_space(space).values())


def make_study(space: SearchSpace) -> optuna.Study:
    if space.sampler == "grid":
        sampler = optuna.samplers.GridSampler(grid_space(space), seed=space.seed)
    elif space.sampler == "tpe":
        sampler = optuna.samplers.TPESampler(seed=space.seed, n_startup_trials=5)
    else:
        sampler = optuna.samplers.RandomSampler(seed=space.seed)
    pruner = (
        optuna.pruners.MedianPruner(n_startup_trials=2, n_warmup_steps=2)
        if space.pruning
        else optuna.pruners.NopPruner()
    )
    return optuna.create_study(direction=space.direction, sampler=sampler, pruner=pruner)


def trial_record(trial: optuna.trial.FrozenTrial, direction: str = "minimize") -> dict:
    """A trial as plain data: what the job sends to the server after each trial."""
    return {
        "number": trial.number,
        "direction": direction,
        "state": trial.state.name,
        "value": trial.value,
        "params": dict(trial.params),
        "distributions": {
            name: optuna.distributions.distribution_to_json(d)
            for name, d in trial.distributions.items()
        },
        "intermediate": {int(k): float(v) for k, v in trial.intermediate_values.items()},
        "seconds": trial.duration.total_seconds() if trial.duration else None,
        "attrs": dict(trial.user_attrs),
    }


def study_from_records(records: list[dict]) -> optuna.Study:
    """An in-memory study holding the records' trials, for Optuna's plots on the server."""
    study = optuna.create_study(direction=_direction(records))
    study.add_trials(
        optuna.trial.create_trial(
            state=optuna.trial.TrialState[r["state"]],
            value=r["value"] if r["state"] == "COMPLETE" else None,
            params=r["params"],
            distributions={
                name: optuna.distributions.json_to_distribution(text)
                for name, text in r["distributions"].items()
            },
            intermediate_values=r["intermediate"],
            user_attrs=r["attrs"],
        )
        for r in records
    )
    return study


def _direction(records: list[dict]) -> str:
    return records[0].get("direction", "minimize") if records else "minimize"


def best_record(records: list[dict]) -> dict | None:
    done = [r for r in records if r["state"] == "COMPLETE" and r["value"] is not None]
    pick = max if _direction(records) == "maximize" else min
    return pick(done, key=lambda r: r["value"]) if done else None


def shown_trials(live: dict, result: dict | None, active: bool) -> list[dict]:
    """A study's trial records as a page shows them: the live ones (sent after each trial, so
    they survive even a Stop now), else the result's; once the job ended, a trial cut short
    is no longer RUNNING but STOPPED."""
    records = live.get("trials", (result or {}).get("trials", []))
    if not active:
        records = [{**r, "state": "STOPPED"} if r["state"] == "RUNNING" else r for r in records]
    return records


def trials_table(records: list[dict]) -> list[dict]:
    """One row per trial: its parameters, value, state and duration."""
    rows = []
    for r in records:
        value = r["value"]
        rows.append(
            {
                "trial": r["number"],
                "state": r["state"].lower(),
                "value": round(value, 4) if value is not None and math.isfinite(value) else None,
                "val acc": r["attrs"].get("val_accuracy"),
                **{name: _short(v) for name, v in r["params"].items()},
                "epochs run": r["attrs"].get("epochs_run"),
                "seconds": round(r["seconds"], 1) if r["seconds"] else None,
                "note": r["attrs"].get("note", ""),
            }
        )
    return rows


def _short(value):
    return float(f"{value:.3g}") if isinstance(value, float) else value


def search_problems(space: SearchSpace, caps: Caps | None = None) -> list[str]:
    """Everything that stops this study, as sentences a learner can act on."""
    caps = caps or Caps.from_env()
    found = field_problems(space)
    for low, high, what in (
        ("layers_min", "layers_max", "hidden layers"),
        ("units_min", "units_max", "units"),
        ("lr_min", "lr_max", "learning rate"),
        ("epochs_min", "epochs_max", "epochs"),
    ):
        if getattr(space, low) > getattr(space, high):
            found.append(f"The smallest {what} is above the largest; swap them.")
    if not space.optimizers:
        found.append("Pick at least one optimizer.")
    if not space.batch_sizes:
        found.append("Pick at least one batch size.")
    if space.l2_max and space.l2_max < L2_FLOOR:
        found.append(f"Largest L2 λ must be 0 (no L2) or at least {L2_FLOOR:g}.")
    if space.wd_max and space.wd_max < L2_FLOOR:
        found.append(f"Largest weight decay must be 0 (none) or at least {L2_FLOOR:g}.")
    if space.sampler == "grid" and space.per_layer_units:
        found.append("Grid search uses one unit count for every layer: untick units per layer.")
    if space.trials > caps.max_trials:
        found.append(f"Trials are capped at {caps.max_trials} per study on this server.")
    if not found:  # the biggest model the space allows must fit the server's caps
        biggest = replace(
            space.base_config(),
            units=(space.units_max,) * space.layers_max,
            epochs=space.epochs_max,
        )
        found += problems(biggest, caps)
    return found
