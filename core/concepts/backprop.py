"""The course's 2-2-1 sigmoid network: every backprop step with its formula and numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.concepts.autograd import Value, sigmoid
from core.lab.url_state import spec

WEIGHTS = ("w13", "w23", "w14", "w24", "w35", "w45")
SOURCE = {"w13": "x1", "w23": "x2", "w14": "x1", "w24": "x2", "w35": "a3", "w45": "a4"}
TARGET_DELTA = {"w13": "δ3", "w23": "δ3", "w14": "δ4", "w24": "δ4", "w35": "δ5", "w45": "δ5"}


def _w(default: float, name: str):
    return spec(default, name, f"Weight {name}", lo=-10, hi=10)


@dataclass(frozen=True)
class BackpropConfig:
    """Inputs, weights, target and learning rate of the worked example (the course's values)."""

    x1: float = spec(0.35, "x1", "Input x1", lo=-10, hi=10)
    x2: float = spec(0.9, "x2", "Input x2", lo=-10, hi=10)
    w13: float = _w(0.1, "w13")
    w23: float = _w(0.8, "w23")
    w14: float = _w(0.4, "w14")
    w24: float = _w(0.6, "w24")
    w35: float = _w(0.3, "w35")
    w45: float = _w(0.9, "w45")
    target: float = spec(0.5, "t", "Target t", lo=0, hi=1)
    learning_rate: float = spec(1.0, "eta", "Learning rate η", lo=0.001, hi=100)
    l2: float = spec(0.0, "l2", "L2 λ", lo=0, hi=10)
    step: int = spec(1, "step", "Step", lo=1, hi=100)  # 1-based, as the page says "Step 9"
    iterations: int = spec(20, "iters", "Iterations", lo=1, hi=500)

    def weights(self) -> dict[str, float]:
        return {name: getattr(self, name) for name in WEIGHTS}


def forward(c: BackpropConfig, w: dict[str, float] | None = None) -> dict[str, float]:
    """z and a of neurons 3, 4, 5 and the error E = ½(t − o)²."""
    w = w or c.weights()
    z3 = w["w13"] * c.x1 + w["w23"] * c.x2
    z4 = w["w14"] * c.x1 + w["w24"] * c.x2
    a3, a4 = sigmoid(z3), sigmoid(z4)
    z5 = w["w35"] * a3 + w["w45"] * a4
    a5 = sigmoid(z5)
    return {
        "z3": z3,
        "a3": a3,
        "z4": z4,
        "a4": a4,
        "z5": z5,
        "a5": a5,
        "E": 0.5 * (c.target - a5) ** 2,
    }


def deltas(c: BackpropConfig, values: dict[str, float], w: dict[str, float]) -> dict[str, float]:
    """δ5 = o(1−o)(t−o); δh = a_h(1−a_h)·w_h5·δ5 (with the old output weights)."""
    o = values["a5"]
    d5 = o * (1 - o) * (c.target - o)
    return {
        "δ5": d5,
        "δ3": values["a3"] * (1 - values["a3"]) * w["w35"] * d5,
        "δ4": values["a4"] * (1 - values["a4"]) * w["w45"] * d5,
    }


def update(c: BackpropConfig, w: dict[str, float] | None = None) -> dict[str, dict[str, float]]:
    """One training step: forward values, deltas, Δw and new w (w + ηδ·input − ηλw)."""
    w = dict(w or c.weights())
    values = forward(c, w)
    d = deltas(c, values, w)
    inputs = {"x1": c.x1, "x2": c.x2, "a3": values["a3"], "a4": values["a4"]}
    change = {
        name: c.learning_rate * (d[TARGET_DELTA[name]] * inputs[SOURCE[name]] - c.l2 * w[name])
        for name in WEIGHTS
    }
    return {
        "values": values,
        "deltas": d,
        "change": change,
        "new": {name: w[name] + change[name] for name in WEIGHTS},
    }


def gradients(c: BackpropConfig, w: dict[str, float] | None = None) -> dict[str, float]:
    """∂E/∂w for every weight, by the autodiff engine (E = ½(t − o)², no L2 term)."""
    w = w or c.weights()
    params = {name: Value(value) for name, value in w.items()}
    a3 = (params["w13"] * c.x1 + params["w23"] * c.x2).sigmoid()
    a4 = (params["w14"] * c.x1 + params["w24"] * c.x2).sigmoid()
    o = (params["w35"] * a3 + params["w45"] * a4).sigmoid()
    error = 0.5 * (c.target - o) ** 2
    error.backward()
    return {name: p.grad for name, p in params.items()}


def hand_gradients(c: BackpropConfig) -> dict[str, float]:
    """The course's rule read as a gradient: ∂E/∂w = −δ·input."""
    u = update(c)
    inputs = {"x1": c.x1, "x2": c.x2, "a3": u["values"]["a3"], "a4": u["values"]["a4"]}
    return {n: -u["deltas"][TARGET_DELTA[n]] * inputs[SOURCE[n]] for n in WEIGHTS}


def gradient_check(c: BackpropConfig) -> list[dict[str, float | str]]:
    """Engine, finite-difference and hand-rule gradients side by side, per weight."""
    engine, numeric, hand = gradients(c), numerical_gradients(c), hand_gradients(c)
    return [
        {
            "weight": n,
            "∂E/∂w (engine)": engine[n],
            "finite difference": numeric[n],
            "−δ·input (hand rule)": hand[n],
            "|engine − finite diff.|": abs(engine[n] - numeric[n]),
        }
        for n in WEIGHTS
    ]


def numerical_gradients(c: BackpropConfig, h: float = 1e-6) -> dict[str, float]:
    """Central finite differences of E with respect to each weight."""
    out = {}
    for name in WEIGHTS:
        up, down = c.weights(), c.weights()
        up[name] += h
        down[name] -= h
        out[name] = (forward(c, up)["E"] - forward(c, down)["E"]) / (2 * h)
    return out


def train(c: BackpropConfig, iterations: int) -> list[dict[str, float]]:
    """Error and weights before each of `iterations` updates, and after the last."""
    w = c.weights()
    rows = []
    for i in range(iterations + 1):
        values = forward(c, w)
        rows.append({"iteration": i, "E": values["E"], "output": values["a5"], **w})
        if i < iterations:
            w = update(c, w)["new"]
    return rows


@dataclass(frozen=True)
class Step:
    """One click of the step-through: what is computed, how, and what it touches."""

    key: str
    title: str
    formula: str
    substituted: str
    value: float
    touches: tuple[str, ...]


# (key, title, formula, formula with ⟨numbers⟩, what the step touches on the diagram)
FORWARD_AND_DELTAS = (
    (
        "z3",
        "Net input of hidden neuron 3",
        r"z_3 = w_{13} x_1 + w_{23} x_2",
        r"z_3 = ⟨w13⟩ \times ⟨x1⟩ + ⟨w23⟩ \times ⟨x2⟩ = ⟨z3⟩",
        ("x1", "x2", "w13", "w23", "n3"),
    ),
    (
        "a3",
        "Output of hidden neuron 3",
        r"a_3 = \sigma(z_3) = \frac{1}{1 + e^{-z_3}}",
        r"a_3 = \frac{1}{1 + e^{-⟨z3⟩}} = ⟨a3⟩",
        ("n3",),
    ),
    (
        "z4",
        "Net input of hidden neuron 4",
        r"z_4 = w_{14} x_1 + w_{24} x_2",
        r"z_4 = ⟨w14⟩ \times ⟨x1⟩ + ⟨w24⟩ \times ⟨x2⟩ = ⟨z4⟩",
        ("x1", "x2", "w14", "w24", "n4"),
    ),
    (
        "a4",
        "Output of hidden neuron 4",
        r"a_4 = \sigma(z_4) = \frac{1}{1 + e^{-z_4}}",
        r"a_4 = \frac{1}{1 + e^{-⟨z4⟩}} = ⟨a4⟩",
        ("n4",),
    ),
    (
        "z5",
        "Net input of output neuron 5",
        r"z_5 = w_{35} a_3 + w_{45} a_4",
        r"z_5 = ⟨w35⟩ \times ⟨a3⟩ + ⟨w45⟩ \times ⟨a4⟩ = ⟨z5⟩",
        ("n3", "n4", "w35", "w45", "n5"),
    ),
    (
        "a5",
        "Network output o = a5",
        r"o = a_5 = \sigma(z_5)",
        r"o = \frac{1}{1 + e^{-⟨z5⟩}} = ⟨a5⟩",
        ("n5",),
    ),
    ("E", "Error", r"E = \tfrac{1}{2}(t - o)^2", r"E = \tfrac{1}{2}(⟨t⟩ - ⟨a5⟩)^2 = ⟨E⟩", ("n5",)),
    (
        "δ5",
        "Output delta",
        r"\delta_5 = o(1 - o)(t - o)",
        r"\delta_5 = ⟨a5⟩(1 - ⟨a5⟩)(⟨t⟩ - ⟨a5⟩) = ⟨δ5⟩",
        ("n5",),
    ),
    (
        "δ3",
        "Hidden delta of neuron 3",
        r"\delta_3 = a_3(1 - a_3)\, w_{35}\, \delta_5",
        r"\delta_3 = ⟨a3⟩(1 - ⟨a3⟩) \times ⟨w35⟩ \times ⟨δ5⟩ = ⟨δ3⟩",
        ("n3", "w35", "n5"),
    ),
    (
        "δ4",
        "Hidden delta of neuron 4",
        r"\delta_4 = a_4(1 - a_4)\, w_{45}\, \delta_5",
        r"\delta_4 = ⟨a4⟩(1 - ⟨a4⟩) \times ⟨w45⟩ \times ⟨δ5⟩ = ⟨δ4⟩",
        ("n4", "w45", "n5"),
    ),
)
UPDATE_ORDER = ("w35", "w45", "w13", "w23", "w14", "w24")
TEX = {"x1": "x_1", "x2": "x_2", "a3": "a_3", "a4": "a_4"}


def _fill(template: str, numbers: dict[str, str]) -> str:
    """Put numbers where the template says ⟨name⟩."""
    return re.sub(r"⟨(\w+)⟩", lambda m: numbers[m.group(1)], template)


def _update_step(name: str, c: BackpropConfig, numbers: dict[str, str], value: float) -> Step:
    i, j, source = name[1], name[2], SOURCE[name]
    w, dw, new = f"w_{{{i}{j}}}", rf"\Delta w_{{{i}{j}}}", f"w^{{new}}_{{{i}{j}}}"
    decay = (r" - \eta\lambda " + w) if c.l2 else ""
    decay_numbers = r" - ⟨eta⟩ \times ⟨l2⟩ \times " + f"⟨{name}⟩" if c.l2 else ""
    formula = rf"{dw} = \eta\, \delta_{j}\, {TEX[source]}{decay}, \quad {new} = {w} + {dw}"
    filled = (
        rf"{dw} = ⟨eta⟩ \times ⟨δ{j}⟩ \times ⟨{source}⟩{decay_numbers} = ⟨Δ{name}⟩,"
        rf" \quad {new} = ⟨{name}⟩ + (⟨Δ{name}⟩) = ⟨new_{name}⟩"
    )
    node = source if source.startswith("x") else f"n{i}"
    return Step(
        name, f"Update {name}", formula, _fill(filled, numbers), value, (name, f"n{j}", node)
    )


def shown(value: float) -> str:
    """Four decimals, or four significant digits below 0.1: a product of the numbers on screen
    then checks (δ5 −0.008166, not −0.0082, makes 1 × δ5 × 0.9 = −0.007349)."""
    return f"{value:.4f}" if value == 0 or abs(value) >= 0.1 else f"{value:.4g}"


def steps(c: BackpropConfig) -> list[Step]:
    """The 16 steps: forward z/a for 3, 4, 5; the error; δ5, δ3, δ4; each Δw with its new w."""
    u = update(c)
    computed = {**u["values"], **u["deltas"]}
    numbers = {name: f"{value:g}" for name, value in c.weights().items()}
    numbers |= {"x1": f"{c.x1:g}", "x2": f"{c.x2:g}", "t": f"{c.target:g}"}
    numbers |= {"eta": f"{c.learning_rate:g}", "l2": f"{c.l2:g}"}
    numbers |= {name: shown(value) for name, value in computed.items()}
    numbers |= {f"Δ{n}": f"{u['change'][n]:.4g}" for n in WEIGHTS}
    numbers |= {f"new_{n}": f"{u['new'][n]:.4f}" for n in WEIGHTS}
    out = [
        Step(key, title, formula, _fill(filled, numbers), computed[key], touches)
        for key, title, formula, filled, touches in FORWARD_AND_DELTAS
    ]
    return out + [_update_step(n, c, numbers, u["new"][n]) for n in UPDATE_ORDER]


COURSE_SLIPS = (
    "In z₃ the notes write 0.1 × 0.35 = 0.0355; it is 0.035 (their total 0.755 is right).",
    "Δw₁₃ is written −0.009 in the sum; it is −0.0009 (their result 0.0991 is right).",
    "Δw₂₃ uses δ₃ ≈ −0.0025 and then writes new w₂₃ = 0.023 + 0.8 = 0.797; with δ₃ = −0.0027, "
    "Δw₂₃ = −0.0024 and new w₂₃ = 0.7976.",
    "New w₂₄ is written .5962: the digits are swapped; 0.6 − 0.00738 = 0.5926.",
)
