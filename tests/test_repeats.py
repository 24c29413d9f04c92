"""Seed repeats: groups found from settings, bands on known curves, verdicts on built groups."""

import math
from dataclasses import replace

import pytest

from core.figures.repeats import band_figure
from core.jobs.contract import TRAINING_TASK, TrainingPayload
from core.jobs.manager import JobManager, Policy
from core.jobs.records import JobRecord
from core.lab.config import TrainingConfig
from core.runs.records import records_from_json, runs_json
from core.runs.repeats import (
    band,
    group_table,
    groups_of,
    seed_label,
    seeded,
    setting_key,
    verdict,
)
from tests.fake_backend import FakeBackend

BASE = replace(TrainingConfig(), units=(32,), epochs=3)


def run(label: str, config: TrainingConfig, losses: list[float], accuracy=0.9) -> JobRecord:
    job = JobRecord("x", 0, "me", TRAINING_TASK, label, TrainingPayload(config), status="finished")
    job.history = [
        {"epoch": e, "loss": v, "data_loss": v, "val_loss": v, "val_data_loss": v,
         "accuracy": 0.5, "val_accuracy": 0.5, "penalty": 0.0, "seconds": 0.1}
        for e, v in enumerate(losses, 1)
    ]  # fmt: skip
    job.result = {
        "test_last": {"accuracy": accuracy, "data_loss": 0.3, "loss": 0.3},
        "best_epoch": 2,
        "epochs_run": len(losses),
    }
    return job


def group_runs(label: str, config: TrainingConfig, minima: list[float]) -> list[JobRecord]:
    return [
        run(label, seeded_config, [m + 0.2, m, m + 0.1])
        for seeded_config, m in zip(seeded(config, len(minima)), minima, strict=True)
    ]


def test_seeds_count_up_and_only_the_seed_differs():
    configs = seeded(BASE, 3)
    assert [c.seed for c in configs] == [42, 43, 44]
    assert len({setting_key(c) for c in configs}) == 1
    assert setting_key(replace(BASE, dropout=(0.5,))) != setting_key(BASE)
    assert (
        seed_label("lab", configs[1], 3) == "lab · seed 43" and seed_label("lab", BASE, 1) == "lab"
    )


def test_runs_group_by_setting_and_a_seed_counts_once():
    plain = group_runs("plain", BASE, [0.30, 0.31, 0.32])
    again = run("plain", BASE, [0.5, 0.29, 0.4])  # seed 42 run again: the latest counts
    dropout = group_runs("dropout", replace(BASE, dropout=(0.5,)), [0.25, 0.26])
    groups = groups_of([*plain, *dropout, again])
    assert [(g.label, g.seeds) for g in groups] == [("plain", 3), ("dropout", 2)]
    assert again in groups[0].runs and plain[0] not in groups[0].runs


def test_band_on_known_curves_with_a_seed_that_stopped_early():
    result = band(
        [
            [{"epoch": 1, "m": 1.0}, {"epoch": 2, "m": 2.0}, {"epoch": 3, "m": 3.0}],
            [{"epoch": 1, "m": 3.0}, {"epoch": 2, "m": 4.0}],
            [{"epoch": 1, "m": math.nan}, {"epoch": 2, "m": 6.0}],
        ],
        "m",
    )
    assert result.epochs == [1, 2, 3]
    assert result.mean == [2.0, 4.0, 3.0]
    assert result.std[0] == pytest.approx(math.sqrt(2)) and result.std[2] == 0.0
    assert (result.low, result.high, result.count) == ([1.0, 2.0, 3.0], [3.0, 6.0, 3.0], [2, 3, 1])


def test_clearly_different_groups_get_a_verdict_beyond_seed_noise():
    a = groups_of(group_runs("no dropout", BASE, [0.30, 0.31, 0.29]))[0]
    b = groups_of(group_runs("dropout 0.5", replace(BASE, dropout=(0.5,)), [0.26, 0.27, 0.25]))[0]
    result = verdict(a, b)
    assert result.real and result.difference == pytest.approx(-0.04)
    assert result.half_width == pytest.approx(0.0227, abs=1e-3)  # t(0.975, 4) · sqrt(2/3 e-4)
    assert result.sentence.startswith("dropout 0.5 (vs no dropout) lowers the best validation")
    assert "0.04 ± 0.023 (3 seeds each): larger than the seed spread — better." in result.sentence


def test_overlapping_groups_are_within_seed_noise():
    a = groups_of(group_runs("a", BASE, [0.30, 0.36, 0.32]))[0]
    b = groups_of(group_runs("b", replace(BASE, l2=(1e-3,)), [0.31, 0.35, 0.34]))[0]
    result = verdict(a, b)
    assert not result.real and result.sentence.endswith("within seed noise; run more seeds.")


def test_one_seed_gives_no_verdict():
    a = groups_of(group_runs("a", BASE, [0.30]))[0]
    b = groups_of(group_runs("b", replace(BASE, l2=(1e-3,)), [0.2, 0.21, 0.22]))[0]
    result = verdict(a, b, "test accuracy")
    assert result.difference is None and not result.real
    assert result.sentence.startswith("No verdict on the test accuracy: 1 seed and 3 seeds")


def test_the_group_table_and_the_band_figure():
    groups = groups_of(
        [
            *group_runs("plain", BASE, [0.30, 0.32]),
            *group_runs("one", replace(BASE, l2=(1e-3,)), [0.4]),
        ]
    )
    rows = group_table(groups)
    assert rows[0]["Setting"] == "plain" and rows[0]["Seeds"] == 2
    assert rows[0]["Best validation loss"] == "0.31 ± 0.014 (2 seeds)"
    assert rows[1]["Best validation loss"] == "0.4 (1 seed)"
    fig = band_figure(groups, "val_data_loss", "range", seeds_shown=True)
    fills = [t for t in fig.data if t.fill == "toself"]
    assert len(fills) == 1 and list(fills[0].y[:3]) == pytest.approx(
        [0.52, 0.32, 0.42]
    )  # the upper edge
    names = [t.name for t in fig.data if t.showlegend is not False]
    assert names == ["plain (mean of 2 seeds)", "one (mean of 1 seed)"]
    assert "min–max over seeds" in fig.layout.title.text


def test_a_group_of_five_seeds_queues_fairly_and_counts_as_one_job():
    backend = FakeBackend(1)
    jobs = JobManager(backend=backend, background=False, policy=Policy(max_active_per_owner=2))
    blocker = jobs.submit("b", "t", {})
    group = [jobs.submit("a", "t", {"seed": s}, group="g1") for s in range(5)]  # one "job"
    other = jobs.submit("b", "t", {})
    assert jobs.snapshot("b", other).queue_position <= 2  # behind at most one of the five
    with pytest.raises(Exception, match="already have 2 jobs"):
        jobs.submit("a", "t", {}, group="g2") and jobs.submit("a", "t", {})
    assert blocker and group


def test_export_and_import_keep_the_groups():
    jobs = [
        *group_runs("plain", BASE, [0.30, 0.32]),
        *group_runs("l2", replace(BASE, l2=(1e-3,)), [0.4, 0.41]),
    ]
    for i, job in enumerate(jobs):
        job.id = f"run-{i + 1}"
    text = runs_json(jobs)
    assert '"group": "plain"' in text
    records, _ = records_from_json(text)
    assert [(g.label, g.seeds) for g in groups_of(records)] == [("plain", 2), ("l2", 2)]


def test_coinciding_settings_stay_distinguishable_in_the_band_figure():
    same = [0.30, 0.31]
    groups = groups_of(
        [
            *group_runs("none", BASE, same),
            *group_runs("L2", replace(BASE, l2=(1e-3,)), same),
            *group_runs("dropout", replace(BASE, dropout=(0.5,)), same),
        ]
    )
    means = [t for t in band_figure(groups).data if t.showlegend is not False]
    styles = [(t.line.width, t.marker.symbol) for t in means]
    assert len(set(styles)) == 3  # identical curves, three looks
    widths = [w for w, _ in styles]
    assert widths == sorted(widths, reverse=True)  # the first drawn (lowest) is the widest


def test_a_loss_axis_is_not_flattened_by_the_first_epochs():
    settled = [0.3 - 0.001 * e for e in range(30)] + [0.27 + 0.001 * e for e in range(30)]
    curve = [2.2, 1.1, 0.6, *settled]
    groups = groups_of([run("none", BASE, curve), run("L2", replace(BASE, l2=(1e-2,)), curve)])
    fig = band_figure(groups, "val_data_loss")
    top = fig.layout.yaxis.range[1]
    assert 1.5 * 0.29 < top < 1.5 * 0.31  # the creep back up shows, epoch 1 (2.2) is off the top
    flat = groups_of([run("none", BASE, [0.5, 0.4, 0.35, 0.3])])
    assert band_figure(flat, "val_data_loss").layout.yaxis.range is None  # nothing to hide
