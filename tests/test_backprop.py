"""The backprop engine against the course's numbers, finite differences and TensorFlow."""

import itertools
import math
import random

import pytest

from core.concepts import backprop as bp
from core.concepts.autograd import Value

COURSE = {
    "z3": 0.7550,
    "a3": 0.6803,
    "z4": 0.6800,
    "a4": 0.6637,
    "a5": 0.6903,
    "δ5": -0.0407,
    "δ3": -0.0027,
    "δ4": -0.0082,
    "w35": 0.2723,
    "w45": 0.8730,
    "w13": 0.0991,
    "w23": 0.7976,
    "w14": 0.3971,
    "w24": 0.5926,
}


def test_default_example_reproduces_the_course_to_four_places():
    values = {s.key: s.value for s in bp.steps(bp.BackpropConfig())}
    for key, expected in COURSE.items():
        assert round(values[key], 4) == pytest.approx(expected, abs=1e-9), key


def test_step_list_order_and_substitution():
    steps = bp.steps(bp.BackpropConfig())
    assert [s.key for s in steps] == [
        "z3",
        "a3",
        "z4",
        "a4",
        "z5",
        "a5",
        "E",
        "δ5",
        "δ3",
        "δ4",
        "w35",
        "w45",
        "w13",
        "w23",
        "w14",
        "w24",
    ]
    assert steps[0].substituted == r"z_3 = 0.1 \times 0.35 + 0.8 \times 0.9 = 0.7550"
    assert "0.5926" in steps[-1].substituted and "⟨" not in steps[-1].substituted


def random_configs(n=25):
    rng = random.Random(0)
    for _ in range(n):
        yield bp.BackpropConfig(
            x1=rng.uniform(-2, 2),
            x2=rng.uniform(-2, 2),
            target=rng.uniform(0, 1),
            **{w: rng.uniform(-3, 3) for w in bp.WEIGHTS},
        )


def test_engine_gradients_match_finite_differences():
    for config in random_configs():
        engine, numeric = bp.gradients(config), bp.numerical_gradients(config)
        for name in bp.WEIGHTS:
            assert engine[name] == pytest.approx(numeric[name], abs=1e-6)


def test_hand_rule_is_gradient_descent():
    for config in random_configs():
        engine, hand = bp.gradients(config), bp.hand_gradients(config)
        for name in bp.WEIGHTS:
            assert hand[name] == pytest.approx(engine[name], abs=1e-12)


def test_engine_matches_tensorflow_gradient_tape():
    tf = pytest.importorskip("tensorflow")
    for config in random_configs(5):
        w = {n: tf.Variable(v, dtype=tf.float64) for n, v in config.weights().items()}
        with tf.GradientTape() as tape:
            a3 = tf.sigmoid(w["w13"] * config.x1 + w["w23"] * config.x2)
            a4 = tf.sigmoid(w["w14"] * config.x1 + w["w24"] * config.x2)
            o = tf.sigmoid(w["w35"] * a3 + w["w45"] * a4)
            error = 0.5 * (config.target - o) ** 2
        tape_grads = dict(zip(w, tape.gradient(error, list(w.values())), strict=True))
        engine = bp.gradients(config)
        for name in bp.WEIGHTS:
            assert engine[name] == pytest.approx(float(tape_grads[name]), abs=1e-12)


def test_value_ops_backward():
    a, b = Value(2.0), Value(-3.0)
    out = (a * b + a**2 - b).sigmoid()
    out.backward()
    s = 1 / (1 + math.exp(-(2 * -3 + 4 + 3)))
    assert out.data == pytest.approx(s)
    assert a.grad == pytest.approx(s * (1 - s) * (-3 + 4))
    assert b.grad == pytest.approx(s * (1 - s) * (2 - 1))


def test_training_lowers_the_error_and_l2_shrinks_weights():
    rows = bp.train(bp.BackpropConfig(), 50)
    errors = [r["E"] for r in rows]
    assert all(later < earlier for earlier, later in itertools.pairwise(errors))
    plain = bp.update(bp.BackpropConfig())["new"]
    decayed = bp.update(bp.BackpropConfig(l2=0.1))["new"]
    for name in bp.WEIGHTS:
        assert abs(decayed[name]) < abs(plain[name])


@pytest.mark.parametrize(
    "changes", [{}, {"learning_rate": 0.5}, {"x1": 0.9, "x2": 0.1}, {"target": 0.0}]
)
def test_each_update_substitution_checks_with_the_numbers_shown(changes):
    """η × δ × input, computed from the numbers printed, gives the printed Δw (3 digits)."""
    import re
    from dataclasses import replace

    for step in bp.steps(replace(bp.BackpropConfig(), **changes)):
        if not step.key.startswith("w"):
            continue
        number = r"-?\d+(?:\.\d+)?(?:e-?\d+)?"
        _, product, result, *_ = step.substituted.split("=")
        eta, delta, source = (float(n) for n in re.findall(number, product))
        change = float(re.findall(number, result)[0])
        assert eta * delta * source == pytest.approx(change, rel=2e-3, abs=1e-7), step.substituted
