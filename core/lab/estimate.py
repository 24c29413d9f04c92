"""How long a training run will take: model FLOPs × samples × epochs over a measured speed."""

from __future__ import annotations

import statistics

from core.lab.config import TrainingConfig
from core.lab.model_summary import sparse_input, summarize

# Effective training speed of one worker on 2 shared cores (FLOP/s, forward + backward):
# the course's MNIST CNN (5.1 MFLOP forward per image, 50,000 images, 10 epochs) takes ~25 min.
DEFAULT_SPEED = 5e9
BACKWARD = 3  # a training step costs about three forward passes
EPOCH_OVERHEAD = 0.3  # seconds per epoch beyond the arithmetic (callbacks, validation setup)
FULL_SIZES = {"digits": 1797, "mnist": 60_000, "fashion_mnist": 60_000, "imdb": 25_000}
WORTH_SAYING = 60.0  # seconds: shorter runs get no estimate
WORDS_PER_REVIEW = 130  # distinct words of an IMDB review in the top 10,000 (108 in 2,000)


def training_samples(config: TrainingConfig) -> int:
    """About how many examples one epoch trains on (before the run has loaded its data)."""
    total = FULL_SIZES.get(config.dataset, config.n_samples)
    if config.info.embedded:
        total = round(total * (1 - config.test_fraction))
    if config.train_subset:
        total = min(total, config.train_subset)
    return max(1, round(total * (1 - config.val_fraction)))


def forward_flops(config: TrainingConfig) -> float:
    """One example's forward pass; a sparse first layer multiplies only a review's words."""
    rows = summarize(config).rows
    forward = float(sum(r.flops for r in rows))
    if sparse_input(config):
        forward -= rows[0].flops * (1 - min(WORDS_PER_REVIEW / config.vocabulary, 1.0))
    return forward


def epoch_flops(config: TrainingConfig, samples: int) -> float:
    """Training one epoch plus scoring the validation part once."""
    forward = forward_flops(config)
    validation = samples * config.val_fraction / max(1 - config.val_fraction, 1e-9)
    return forward * (BACKWARD * samples + validation)


def measured_speed(runs: list[tuple[TrainingConfig, int, list[float]]]) -> float | None:
    """FLOP/s this server reached on finished runs (config, training samples, epoch seconds);
    only runs big enough for the arithmetic to dominate count."""
    speeds = []
    for config, samples, seconds in runs:
        work = epoch_flops(config, samples)
        if seconds and work > 1e10:
            speeds.append(work / max(statistics.median(seconds) - EPOCH_OVERHEAD, 1e-3))
    return statistics.median(speeds) if speeds else None


def estimate_seconds(config: TrainingConfig, speed: float | None = None) -> float:
    per_epoch = epoch_flops(config, training_samples(config)) / (speed or DEFAULT_SPEED)
    return config.epochs * (per_epoch + EPOCH_OVERHEAD)


def estimate_text(config: TrainingConfig, speed: float | None = None) -> str | None:
    """'About 25 minutes …' for a run long enough to warn about, else None."""
    seconds = estimate_seconds(config, speed)
    if seconds < WORTH_SAYING:
        return None
    span = f"{seconds / 60:.0f} minutes" if seconds < 5400 else f"{seconds / 3600:.1f} hours"
    basis = "this server's measured speed" if speed else "a typical 2-core server"
    return (
        f"This run will take about **{span}** ({config.epochs} epochs, "
        f"{training_samples(config):,} training examples; estimated from the model's size and "
        f"{basis}). Fewer epochs, a training subset or a smaller model make it quicker."
    )
