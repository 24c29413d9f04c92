"""Seed repeats: runs that differ only in their seed form a group; its band; a verdict between two.

A group is found, not declared: runs whose settings are equal but for the seed belong
together (so runs made by hand, imported, or queued as repeats all group the same way). Each
seed counts once (the latest run of it). The verdict between two groups is Welch's t on the
per-seed values of one measure, with its 95 % interval for the difference of the means.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from core.jobs.contract import training_result
from core.jobs.records import JobRecord
from core.lab.config import TrainingConfig
from core.lab.url_state import spec

MAX_SEEDS = 10


@dataclass(frozen=True)
class Repeats:
    """How many seeds a setting is run with (seed, seed + 1, …)."""

    seeds: int = spec(1, "seeds", "Seeds (repeats of each setting)", lo=1, hi=MAX_SEEDS)


def seeded(config: TrainingConfig, seeds: int) -> list[TrainingConfig]:
    """The config once per seed: its own seed, then the next ones."""
    return [replace(config, seed=(config.seed + i) % (2**31 - 1)) for i in range(seeds)]


def seed_label(label: str, config: TrainingConfig, seeds: int) -> str:
    return f"{label} · seed {config.seed}" if seeds > 1 else label


def setting_key(config: TrainingConfig) -> str:
    """What a run's group is: every setting but the seed (its URL parameters, sorted)."""
    query = config.to_query()
    query.pop("seed", None)
    return "&".join(f"{k}={v}" for k, v in sorted(query.items()))


@dataclass
class Group:
    """One setting, run with one or more seeds."""

    key: str
    label: str
    runs: list[JobRecord]

    @property
    def seeds(self) -> int:
        return len(self.runs)

    @property
    def active(self) -> bool:
        return any(job.active for job in self.runs)


def groups_of(jobs: list[JobRecord]) -> list[Group]:
    """Jobs grouped by setting, in the order each setting first appears; a seed run twice
    counts once (its latest run)."""
    found: dict[str, dict[int, JobRecord]] = {}
    labels: dict[str, str] = {}
    for job in jobs:
        config = getattr(job.payload, "config", None)
        if not isinstance(config, TrainingConfig):
            continue
        key = setting_key(config)
        found.setdefault(key, {})[config.seed] = job
        labels.setdefault(key, job.label.split(" · seed ")[0])
    return [Group(key, labels[key], list(by_seed.values())) for key, by_seed in found.items()]


@dataclass(frozen=True)
class Band:
    """A group's curve of one metric: the mean over seeds per epoch, its spread, and n."""

    epochs: list[int]
    mean: list[float]
    std: list[float]
    low: list[float]
    high: list[float]
    count: list[int]


def band(histories: list[list[dict]], metric: str) -> Band:
    """Mean, ±1 std (sample) and min–max per epoch over the seeds that reached it (early
    stopping ends some seeds sooner); epochs no seed has a finite value for are left out."""
    by_epoch: dict[int, list[float]] = {}
    for history in histories:
        for row in history:
            value = row.get(metric)
            if isinstance(value, (int, float)) and math.isfinite(value):
                by_epoch.setdefault(int(row["epoch"]), []).append(float(value))
    epochs = sorted(by_epoch)
    values = [np.asarray(by_epoch[e]) for e in epochs]
    return Band(
        epochs=epochs,
        mean=[float(v.mean()) for v in values],
        std=[float(v.std(ddof=1)) if len(v) > 1 else 0.0 for v in values],
        low=[float(v.min()) for v in values],
        high=[float(v.max()) for v in values],
        count=[len(v) for v in values],
    )


# The measures a verdict can be about: name → (how to read one run, lower is better).
def best_val_loss(job: JobRecord) -> float | None:
    values = [h.get("val_data_loss", h.get("val_loss")) for h in job.history]
    finite = [v for v in values if isinstance(v, (int, float)) and math.isfinite(v)]
    return min(finite) if finite else None


def best_epoch(job: JobRecord) -> float | None:
    best = best_val_loss(job)
    if best is None:
        return None
    return float(next(h["epoch"] for h in job.history if h.get("val_data_loss") == best))


def test_accuracy(job: JobRecord) -> float | None:
    try:
        result = training_result(job.result)
    except (TypeError, KeyError, ValueError):  # a result without its test scores
        return None
    return result.final_scores.accuracy if result else None


MEASURES = {
    "best validation loss": (best_val_loss, True),
    "epoch of the best validation loss": (best_epoch, None),  # neither better: a timing
    "test accuracy": (test_accuracy, False),
}
METHOD = (
    "Welch's t-test on the per-seed values (unequal variances); the ± is the half-width of "
    "the 95 % interval for the difference of the two means. 'Beyond seed noise' means that "
    "interval excludes 0."
)


@dataclass(frozen=True)
class Verdict:
    """The difference of one measure between two groups (b − a), or why there is none."""

    measure: str
    difference: float | None = None
    half_width: float | None = None
    p_value: float | None = None
    seeds: tuple[int, int] = (0, 0)
    sentence: str = ""

    @property
    def real(self) -> bool:
        return self.half_width is not None and abs(self.difference) > self.half_width


def values(group: Group, measure: str) -> list[float]:
    read, _ = MEASURES[measure]
    found = [read(job) for job in group.runs if not job.active]
    return [v for v in found if v is not None and math.isfinite(v)]


def verdict(a: Group, b: Group, measure: str = "best validation loss") -> Verdict:
    """Does `b` differ from `a` in `measure` by more than the seeds spread? In a sentence."""
    from scipy import stats  # loaded when a verdict is asked for

    xa, xb = values(a, measure), values(b, measure)
    seeds = (len(xa), len(xb))
    if min(seeds) < 2:
        return Verdict(
            measure,
            seeds=seeds,
            sentence=(
                f"No verdict on the {measure}: {_seeds_text(seeds)}. One run per setting "
                "cannot tell the setting from seed noise; run 3 or more seeds of each."
            ),
        )
    ma, mb = float(np.mean(xa)), float(np.mean(xb))
    va, vb = np.var(xa, ddof=1) / len(xa), np.var(xb, ddof=1) / len(xb)
    difference = mb - ma
    error = math.sqrt(va + vb)
    if error == 0.0:
        half, p = 0.0, 0.0 if difference else 1.0
    else:
        df = (va + vb) ** 2 / (va**2 / (len(xa) - 1) + vb**2 / (len(xb) - 1))
        half = float(stats.t.ppf(0.975, df) * error)
        p = float(stats.ttest_ind(xb, xa, equal_var=False).pvalue)
    result = Verdict(measure, difference, half, p, seeds)
    return replace(result, sentence=_sentence(a, b, result))


def _seeds_text(seeds: tuple[int, int]) -> str:
    a, b = seeds
    return f"{a} seed{'s' if a != 1 else ''} and {b} seed{'s' if b != 1 else ''} finished"


def _sentence(a: Group, b: Group, result: Verdict) -> str:
    _, lower_better = MEASURES[result.measure]
    size = f"{abs(result.difference):.3g} ± {result.half_width:.2g}"
    if result.difference == 0:
        change = f"leaves the {result.measure} unchanged"
    elif result.measure == "epoch of the best validation loss":
        moves = "later" if result.difference > 0 else "earlier"
        change = f"moves the {result.measure} {moves} by {size} epochs"
    else:
        rises = result.difference > 0
        word = "raises" if rises else "lowers"
        change = f"{word} the {result.measure} by {size}"
    seeds = (
        f"{result.seeds[0]} seeds each"
        if result.seeds[0] == result.seeds[1]
        else f"{result.seeds[0]} and {result.seeds[1]} seeds"
    )
    head = f"{b.label} (vs {a.label}) {change} ({seeds})"
    if result.real:
        better = ""
        if lower_better is not None:
            good = (result.difference < 0) == lower_better
            better = " — better" if good else " — worse"
        return f"{head}: larger than the seed spread{better}."
    return f"{head}: within seed noise; run more seeds."


def spread_text(group: Group, measure: str = "best validation loss") -> str:
    """'0.352 ± 0.006 (3 seeds)': a group's mean and sample std of one measure."""
    found = values(group, measure)
    if not found:
        return "—"
    if len(found) == 1:
        return f"{found[0]:.4g} (1 seed)"
    return f"{np.mean(found):.4g} ± {np.std(found, ddof=1):.2g} ({len(found)} seeds)"


def group_table(groups: list[Group]) -> list[dict]:
    """One row per setting: its seeds and each measure's mean ± std over them."""
    return [
        {
            "Setting": group.label,
            "Seeds": group.seeds,
            **{measure.capitalize(): spread_text(group, measure) for measure in MEASURES},
        }
        for group in groups
    ]
