"""A worker's start-up: TensorFlow configured once, then the Lab's default model warmed up."""

from __future__ import annotations

import os

from core.data.loading import load_splits
from core.jobs.reporter import Reporter
from core.lab.config import TrainingConfig
from core.training.fit import fit_model


def configure_tensorflow(threads: int) -> None:
    """Quiet logs, bounded threads, deterministic ops; then train the Lab's default model once."""
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"  # 2 lets C++ error-level noise (NodeDef…) through
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.config.threading.set_inter_op_parallelism_threads(threads)
    tf.config.experimental.enable_op_determinism()
    tf.get_logger().setLevel("ERROR")
    warm_up()


class _Silent(Reporter):
    """A reporter for a worker's own warm-up run: it tells no one and is never stopped."""

    def __init__(self) -> None:
        super().__init__(0)

    def _put(self, kind: str, data: dict) -> None:
        pass

    def _stop_pressed(self) -> bool:
        return False


def warm_up() -> None:
    """Train the Lab's default model for one epoch, so its compiled calls (and this worker's
    speed) are ready for a learner's first run: its first point then takes ~0.3 s, not 1.4."""
    config = TrainingConfig(epochs=1)
    fit_model(config, load_splits(config), _Silent())
