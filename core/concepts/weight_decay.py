"""Weight decay vs an L2 loss term in NumPy: the same for plain SGD, different for Adam.

Data loss: L(w) = ½ Σᵢ hᵢ (wᵢ − cᵢ)², a bowl much steeper along w₁ than along w₂.
    SGD + L2 term (Keras l2(λ₂)):   w ← w − η(∇L + 2λ₂w)
    SGD + weight decay λ (notes):  w ← w − η(∇L + λw)          identical when λ = 2λ₂
    Adam + L2 term:                Adam fed the gradient ∇L + 2λ₂w
    AdamW (Keras weight_decay=λ):  w ← w − ηλw, then Adam fed ∇L only
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.lab.url_state import spec

CURVATURE = np.array([10.0, 0.1])
TARGET = np.array([1.0, 2.0])
START = np.array([2.0, 3.0])
METHODS = {
    "sgd_l2": "SGD + L2 loss term l2(λ/2)",
    "sgd_wd": "SGD + weight decay λ",
    "adam_l2": "Adam + L2 loss term l2(λ/2)",
    "adamw": "AdamW (Adam + weight decay λ)",
}


@dataclass(frozen=True)
class DecayConfig:
    """The weight-decay page's settings, all in the URL."""

    decay: float = spec(0.1, "wd", "Weight decay λ", lo=0, hi=1)
    learning_rate: float = spec(0.05, "lr", "Learning rate η", lo=0.001, hi=0.15)  # SGD: η < 2/11
    steps: int = spec(300, "steps", "Steps", lo=10, hi=2000)


def gradient(w: np.ndarray) -> np.ndarray:
    """∇L for the data loss alone."""
    return CURVATURE * (w - TARGET)


def optimum(decay: float) -> np.ndarray:
    """Minimum of L(w) + (λ/2)‖w‖²: where SGD (both forms) and Adam + L2 converge."""
    return CURVATURE * TARGET / (CURVATURE + decay)


def _adam(w, g, state, lr, beta1=0.9, beta2=0.999, eps=1e-7):
    """One Adam step as Keras writes it (bias-corrected learning rate, ε outside the root)."""
    state["t"] += 1
    t = state["t"]
    state["m"] = beta1 * state["m"] + (1 - beta1) * g
    state["v"] = beta2 * state["v"] + (1 - beta2) * g**2
    alpha = lr * np.sqrt(1 - beta2**t) / (1 - beta1**t)
    return w - alpha * state["m"] / (np.sqrt(state["v"]) + eps)


def trajectory(method: str, config: DecayConfig) -> np.ndarray:
    """Weights after each step, shape (steps + 1, 2)."""
    w, lr, decay = START.astype(float), config.learning_rate, config.decay
    state = {"t": 0, "m": np.zeros(2), "v": np.zeros(2)}
    out = [w]
    for _ in range(config.steps):
        if method == "sgd_l2":
            w = w - lr * (gradient(w) + 2 * (decay / 2) * w)
        elif method == "sgd_wd":
            w = w - lr * decay * w - lr * gradient(w)  # Keras: decay first, then the step
        elif method == "adam_l2":
            w = _adam(w, gradient(w) + 2 * (decay / 2) * w, state, lr)
        elif method == "adamw":
            g = gradient(w)
            w = _adam(w - lr * decay * w, g, state, lr)
        else:
            raise ValueError(method)
        out.append(w)
    return np.asarray(out)


def all_trajectories(config: DecayConfig) -> dict[str, np.ndarray]:
    return {method: trajectory(method, config) for method in METHODS}
