"""TrainingConfig: every Training Lab setting in one typed, frozen table that lives in the URL."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace

from core.data.datasets import DATASETS
from core.lab.url_state import from_query, spec, to_query

ACTIVATIONS = ("relu", "tanh", "sigmoid", "elu", "gelu", "linear")
OPTIMIZERS = {"adam": "Adam", "rmsprop": "RMSprop", "sgd": "SGD"}
BATCHNORM_POSITIONS = ("before", "after")
MONITORS = ("val_loss", "val_accuracy")
ARCHITECTURES = ("mlp", "cnn")
HOLDOUTS = ("random", "first", "last")  # which part of the training set validates
MAX_LAYERS = 8
VOCABULARIES = (1000, 2000, 5000, 10000)


def tensorboard_root() -> str:
    """Where workers write TensorBoard logs: REGLAB_TENSORBOARD_DIR, else a temp folder."""
    import tempfile

    return os.environ.get("REGLAB_TENSORBOARD_DIR") or os.path.join(
        tempfile.gettempdir(), "reglab-tensorboard"
    )


def _env_number(name: str, default, kind=int):
    try:
        return max(kind(1), kind(os.environ.get(name, default)))
    except ValueError:
        return default


@dataclass(frozen=True)
class Caps:
    """Operator limits for a shared server (environment variables REGLAB_*; see the README)."""

    max_params: int = 10_000_000
    max_epochs: int = 500
    max_samples: int = 20_000
    max_trials: int = 100
    max_jobs: int = 8  # active (queued or running) jobs per learner
    max_queued: int = 48  # queued jobs on the whole server
    job_minutes: float = 20.0  # wall-clock limit of one job
    session_seconds: float = 180.0  # a learner's jobs stop this long after their tab closed
    worker_jobs: int = 50  # a worker retires after this many jobs ...
    worker_mb: float = 850.0  # ... or once it holds this much memory (MB) after a job
    max_kept_epochs: int = 20_000  # epochs of history one learner keeps (runs and imports)
    max_runs: int = 200  # runs one learner keeps in the run store
    max_mb: float = 50.0  # MB of stored runs one learner keeps
    store_mb: float = 2000.0  # MB the whole store keeps; past it the oldest-touched runs go
    keep_days: float = 30.0  # runs nobody touched this long are deleted

    @classmethod
    def from_env(cls) -> Caps:
        env = {
            "max_params": "REGLAB_MAX_PARAMS",
            "max_epochs": "REGLAB_MAX_EPOCHS",
            "max_samples": "REGLAB_MAX_SAMPLES",
            "max_trials": "REGLAB_MAX_TRIALS",
            "max_jobs": "REGLAB_MAX_JOBS",
            "max_queued": "REGLAB_MAX_QUEUED",
            "job_minutes": "REGLAB_JOB_MINUTES",
            "session_seconds": "REGLAB_SESSION_SECONDS",
            "worker_jobs": "REGLAB_WORKER_JOBS",
            "worker_mb": "REGLAB_WORKER_MB",
            "max_kept_epochs": "REGLAB_MAX_KEPT_EPOCHS",
            "max_runs": "REGLAB_MAX_RUNS",
            "max_mb": "REGLAB_MAX_MB",
            "store_mb": "REGLAB_STORE_MB",
            "keep_days": "REGLAB_KEEP_DAYS",
        }
        defaults = cls()
        values = {}
        for name, variable in env.items():
            default = getattr(defaults, name)
            values[name] = _env_number(variable, default, type(default))
        return cls(**values)


@dataclass(frozen=True)
class LayerSpec:
    """One hidden Dense layer with its own regularization."""

    units: int
    activation: str
    l1: float
    l2: float
    dropout: float
    batchnorm: bool


@dataclass(frozen=True)
class TrainingConfig:
    """A Training Lab setup. Per-layer tuples of length 1 apply to every hidden layer."""

    dataset: str = spec("digits", "ds", "Dataset", choices=tuple(DATASETS))
    n_samples: int = spec(600, "n", "Sample count", lo=100, hi=20_000)
    noise: float = spec(0.2, "noise", "Noise", lo=0, hi=1)
    vocabulary: int = spec(
        10_000, "words", "Vocabulary (top-N words)", lo=1000, hi=10_000, options=VOCABULARIES
    )
    train_subset: int = spec(0, "sub", "Training subset (0 = all)", lo=0, hi=100_000)
    val_fraction: float = spec(0.2, "val", "Validation fraction", lo=0.05, hi=0.5)
    holdout: str = spec("random", "hold", "Validation part", choices=HOLDOUTS)
    test_fraction: float = spec(0.2, "test", "Test fraction", lo=0.05, hi=0.5)
    architecture: str = spec("mlp", "arch", "Architecture", choices=ARCHITECTURES)
    conv_filters: tuple[int, ...] = spec(
        (32, 64), "conv", "Conv filters", lo=1, hi=512, max_items=4
    )
    conv_dropout: float = spec(0.0, "cdrop", "Dropout after pooling", lo=0, hi=0.9)
    conv_batchnorm: bool = spec(False, "cbn", "Batch norm in conv blocks")
    units: tuple[int, ...] = spec((64, 64), "units", "Units", lo=1, hi=4096, max_items=MAX_LAYERS)
    activations: tuple[str, ...] = spec(
        ("relu",), "act", "Activation", choices=ACTIVATIONS, max_items=MAX_LAYERS
    )
    l1: tuple[float, ...] = spec((0.0,), "l1", "L1 λ", lo=0, hi=1, max_items=MAX_LAYERS)
    l2: tuple[float, ...] = spec((0.0,), "l2", "L2 λ", lo=0, hi=1, max_items=MAX_LAYERS)
    dropout: tuple[float, ...] = spec(
        (0.0,), "drop", "Dropout p", lo=0, hi=0.9, max_items=MAX_LAYERS
    )
    batchnorm: tuple[bool, ...] = spec((False,), "bn", "Batch normalization", max_items=MAX_LAYERS)
    batchnorm_position: str = spec("before", "bnpos", "BN position", choices=BATCHNORM_POSITIONS)
    optimizer: str = spec("adam", "opt", "Optimizer", choices=tuple(OPTIMIZERS))
    learning_rate: float = spec(1e-3, "lr", "Learning rate", lo=1e-6, hi=10)
    momentum: float = spec(0.0, "mom", "Momentum", lo=0, hi=0.99)
    nesterov: bool = spec(False, "nest", "Nesterov")
    batch_size: int = spec(32, "bs", "Batch size", lo=1, hi=8192)
    epochs: int = spec(30, "ep", "Epochs", lo=1, hi=10_000)
    seed: int = spec(42, "seed", "Seed", lo=0, hi=2**31 - 1)
    early_stopping: bool = spec(False, "es", "Early stopping")
    es_monitor: str = spec("val_loss", "esm", "Monitor", choices=MONITORS)
    es_patience: int = spec(5, "esp", "Patience", lo=0, hi=1000)
    es_restore_best: bool = spec(True, "esr", "Restore best weights")
    weight_decay: float = spec(0.0, "wd", "Weight decay (optimizer)", lo=0, hi=1)
    es_min_delta: float = spec(0.0, "esd", "Early-stopping min_delta", lo=0, hi=10)
    tensorboard: bool = spec(False, "tb", "Write TensorBoard logs")

    def __post_init__(self) -> None:
        n = len(self.units)
        for name in ("activations", "l1", "l2", "dropout", "batchnorm"):
            values = getattr(self, name)
            if len(values) not in (1, n):
                raise ValueError(f"{name} has {len(values)} values for {n} hidden layers")
            if n and len(set(values)) == 1 and len(values) == n and n > 1:
                object.__setattr__(self, name, values[:1])

    @property
    def info(self):
        return DATASETS[self.dataset]

    def per_layer(self, name: str) -> tuple:
        values = getattr(self, name)
        return values if len(values) == len(self.units) else values * len(self.units)

    def layers(self) -> list[LayerSpec]:
        columns = [self.per_layer(n) for n in ("activations", "l1", "l2", "dropout", "batchnorm")]
        return [LayerSpec(u, *row) for u, *row in zip(self.units, *columns, strict=True)]

    @property
    def uses_penalty(self) -> bool:
        return any(self.l1) or any(self.l2)

    @property
    def is_cnn(self) -> bool:
        return self.architecture == "cnn" and self.info.image_shape is not None

    def idle_fields(self) -> set[str]:
        """Fields whose value changes nothing for this config (its dataset has no noise knob,
        Adam has no momentum, …): the Lab hides their controls, run tables leave them out."""
        kind = self.info.kind
        idle = {name for name, used in (("n_samples", kind in ("points", "table")),
                                        ("noise", kind == "points"),
                                        ("vocabulary", kind == "text"),
                                        ("test_fraction", self.info.embedded),
                                        ("architecture", self.info.image_shape is not None),
                                        ("momentum", self.optimizer == "sgd"),
                                        ("nesterov", self.optimizer == "sgd"))
                if not used}  # fmt: skip
        if not self.is_cnn:
            idle |= {"conv_filters", "conv_dropout", "conv_batchnorm"}
        if not self.early_stopping:
            idle |= {"es_monitor", "es_patience", "es_restore_best", "es_min_delta"}
        if not any(self.batchnorm) and not (self.is_cnn and self.conv_batchnorm):
            idle.add("batchnorm_position")
        return idle

    def with_layers(self, layers: list[LayerSpec]) -> TrainingConfig:
        """Same config with these hidden layers (per-layer values collapse when all equal)."""
        return replace(
            self,
            units=tuple(layer.units for layer in layers),
            activations=tuple(layer.activation for layer in layers) or ("relu",),
            l1=tuple(layer.l1 for layer in layers) or (0.0,),
            l2=tuple(layer.l2 for layer in layers) or (0.0,),
            dropout=tuple(layer.dropout for layer in layers) or (0.0,),
            batchnorm=tuple(layer.batchnorm for layer in layers) or (False,),
        )

    def to_query(self) -> dict[str, str]:
        return to_query(self)

    @classmethod
    def from_query(cls, params) -> tuple[TrainingConfig, list[str]]:
        return from_query(cls, params)
