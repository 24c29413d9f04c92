"""How fast this worker trains, and how an epoch is cut into compiled calls (workers only)."""

from __future__ import annotations

import math

from core.lab.config import TrainingConfig
from core.lab.estimate import BACKWARD, forward_flops

SECONDS_PER_EXECUTION = 0.15  # how much work one compiled call does between progress reports
# Training FLOP/s a worker starts from, measured on this 2-core machine (bench/course_speed.py);
# each worker then learns its own (StepSpeed). Conv layers run far nearer the peak.
INITIAL_SPEED = {"conv": 40e9, "dense": 15e9}
STEP_OVERHEAD = 2e-4  # seconds per step inside a compiled call (callbacks are per call)


class StepSpeed:
    """How fast this worker trains (FLOP/s, per kind of model), learned from the calls it ran.

    It sizes `steps_per_execution`. A plan never changes a run's numbers (every epoch is one
    pass over the data, however it is cut into calls), so learning from timings is safe.
    """

    def __init__(self) -> None:
        self.flops_per_second = dict(INITIAL_SPEED)

    def step_seconds(self, kind: str, step_flops: float) -> float:
        return step_flops / self.flops_per_second[kind] + STEP_OVERHEAD

    def learn(self, kind: str, step_flops: float, seconds_per_step: float) -> None:
        """Move halfway (geometrically) towards the speed just measured."""
        if step_flops <= 0 or seconds_per_step <= STEP_OVERHEAD:
            return
        measured = step_flops / (seconds_per_step - STEP_OVERHEAD)
        self.flops_per_second[kind] = math.sqrt(self.flops_per_second[kind] * measured)


SPEED = StepSpeed()


def execution_plan(n_train: int, batch_size: int, step_seconds: float) -> tuple[int, int]:
    """(steps_per_execution, steps_per_epoch): calls of about 0.15 s each over one epoch.

    Keras runs `steps_per_execution` batches in one compiled call; fewer calls means less
    per-call overhead. Progress and Stop are checked between calls. An epoch is one pass
    over the training data (the last batch may be smaller), and its last call stops where
    the data ends, so the plan never changes what a run computes. Calls are whole epochs or
    a power of two steps, so that runs of one shape share a compiled model (model_cache).
    """
    steps = max(1, math.ceil(n_train / batch_size))
    fits = max(1, int(SECONDS_PER_EXECUTION / max(step_seconds, 1e-9)))
    if fits >= steps:
        return steps, steps
    return 2 ** int(math.log2(fits)), steps  # a power of two: the next run likely reuses it


def step_flops(config: TrainingConfig) -> float:
    """Arithmetic of one training step (forward + backward ≈ 3 forward passes)."""
    return BACKWARD * forward_flops(config) * config.batch_size
