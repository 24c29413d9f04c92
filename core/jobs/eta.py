"""How long jobs have left and take: a Lab run from its own epochs so far (or from the
model's estimate before its first), any other job from recent jobs' typical length."""

from __future__ import annotations

import itertools
import statistics

from core.jobs.contract import TRAINING_TASK
from core.jobs.records import JobRecord


def _config(job: JobRecord):
    return getattr(job.payload, "config", None) if job.task == TRAINING_TASK else None


def job_seconds(job: JobRecord, typical: float, scale: float | None) -> float:
    """How long a job will run, all of it."""
    config = _config(job)
    if config is None:
        return typical
    from core.lab.estimate import estimate_seconds

    return estimate_seconds(config, scale)


def seconds_left(job: JobRecord, typical: float, scale: float | None) -> float:
    """How long a running job still needs: its remaining epochs at its own measured epoch time
    (the first epoch, which traces the graph, left out once there are others), or at the pace
    its points arrive when that is slower (its worker runs other jobs in turns)."""
    config = _config(job)
    if config is not None and job.history:
        times = [h.get("seconds", 0.0) for h in job.history[1:]] or [
            job.history[0].get("seconds", 0.0)
        ]
        arrivals = [h["received_at"] for h in job.history[1:] if "received_at" in h]
        if len(arrivals) >= 2:  # in turns, a point comes less often than an epoch takes
            gaps = [b - a for a, b in itertools.pairwise(arrivals)]
            times = [max(statistics.median(times), statistics.median(gaps))]
        left = max(0, config.epochs - len(job.history))
        return max(0.5, left * statistics.median(times))
    return max(1.0, job_seconds(job, typical, scale) - job.elapsed)


def run_seconds_left(job: JobRecord, typical: float, scale: float | None) -> float | None:
    """seconds_left for a Lab run, shown to its learner; None for other jobs (folds, trials),
    whose length recent jobs do not tell."""
    return seconds_left(job, typical, scale) if _config(job) is not None else None


def measured_scale(job: JobRecord) -> float | None:
    """A finished Lab run's epoch time over the model's estimate for it (None for others)."""
    config = _config(job)
    sizes = (job.result or {}).get("sizes") or {}
    if config is None or not sizes.get("train"):
        return None
    from core.lab.estimate import run_scale

    return run_scale(config, int(sizes["train"]), [h.get("seconds", 0.0) for h in job.history])
