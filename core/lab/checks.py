"""problems(): everything that stops a TrainingConfig from training, in words a learner acts on."""

from __future__ import annotations

from core.lab.config import Caps, TrainingConfig
from core.lab.model_summary import summarize
from core.lab.url_state import field_problems


def problems(config: TrainingConfig, caps: Caps | None = None) -> list[str]:
    """Everything that stops this config from training, as sentences a learner can act on."""
    caps = caps or Caps.from_env()
    found = field_problems(config)
    if not config.units:
        found.append("Add at least one hidden layer: a network with none cannot learn a curve.")
    if config.epochs > caps.max_epochs:
        found.append(f"Epochs are capped at {caps.max_epochs} on this server.")
    if config.info.kind in ("points", "table") and config.n_samples > caps.max_samples:
        found.append(f"Sample count is capped at {caps.max_samples:,} on this server.")
    if config.optimizer != "sgd" and (config.momentum or config.nesterov):
        found.append("Momentum and Nesterov apply to SGD only; pick SGD or set them off.")
    if not found:
        params = summarize(config).total_params
        if params > caps.max_params:
            found.append(
                f"This model has {params:,} parameters; the server's cap is "
                f"{caps.max_params:,}. Use fewer units or layers."
            )
    return found
