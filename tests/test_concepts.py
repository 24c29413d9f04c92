"""Concept mechanisms in NumPy against references: Binomial, BN moments, scikit-learn, SGD."""

import numpy as np
import pytest
from scipy.stats import binom

from core.concepts import batchnorm as bn
from core.concepts import dropout as do
from core.concepts import early_stopping as es
from core.concepts import penalties as pen
from core.concepts import weight_decay as wd


@pytest.mark.parametrize("rate", [0.2, 0.5])
def test_dropout_mask_rate_over_many_passes_is_within_binomial_bounds(rate):
    config = do.DropoutConfig(rate=rate, input_rate=0.25)
    passes = 400
    dropped = np.zeros(3)
    for k in range(1, passes + 1):
        dropped += [int((~mask).sum()) for mask in do.keep_masks(config, k)]
    for total, n, p in zip(dropped, (784, 128, 64), (0.25, rate, rate), strict=True):
        trials = n * passes
        low, high = binom.ppf([0.0005, 0.9995], trials, p)
        assert low <= total <= high, (n, total, trials * p)


def test_dropout_count_expectation_is_12_8_not_12():
    mean, std = do.expected_dropped(64, 0.2)
    assert mean == pytest.approx(12.8)
    assert std == pytest.approx(3.2)
    counts = do.dropped_counts(do.DropoutConfig(rate=0.2), passes=5000)
    assert counts.mean() == pytest.approx(12.8, abs=0.15)
    assert len(set(counts.tolist())) > 5  # the count varies from pass to pass


def test_inverted_dropout_keeps_the_expected_activation():
    config = do.DropoutConfig(rate=0.5)
    unscaled, one_pass, mean = do.scaling_demo(config, passes=40_000)
    kept = one_pass > 0
    np.testing.assert_allclose(one_pass[kept], unscaled[kept] / (1 - 0.5))
    assert np.all(one_pass[~kept] == 0)
    assert np.abs(mean - unscaled).max() < 0.03 * unscaled.max()


def test_same_pass_same_mask_and_evaluation_mode_is_deterministic():
    config = do.DropoutConfig(passes=9)
    first, second = do.keep_masks(config), do.keep_masks(config)
    assert all(np.array_equal(a, b) for a, b in zip(first, second, strict=True))
    view = do.view(config)
    assert np.ptp(view.train_outputs, axis=0).max() > 1e-3  # training mode: outputs vary
    x, weights = do.input_image(0), do.network(config.seed)
    again = do.forward(x, weights, None, config)[-1]
    np.testing.assert_array_equal(view.evaluation[-1], again)
    assert again.sum() == pytest.approx(1.0)


def test_batchnorm_output_has_mean_0_and_variance_1_per_unit_before_gamma_beta():
    z = bn.pre_activations(bn.BatchNormConfig(batch_size=64), 0)
    normalized, mean, var = bn.normalize(z)
    assert np.abs(mean).max() > 0.5  # the raw units really are off-centre
    np.testing.assert_allclose(normalized.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(normalized.var(axis=0), var / (var + bn.EPSILON), rtol=1e-12)
    np.testing.assert_allclose(normalized.var(axis=0), 1, atol=1e-2)
    out = bn.batch_norm_train(z, 2.0, -1.0)
    np.testing.assert_allclose(out.mean(axis=0), -1.0, atol=1e-12)


def test_batchnorm_running_averages_follow_the_momentum_rule_and_converge():
    config = bn.BatchNormConfig(momentum=0.9, batches=300, batch_size=128)
    running = bn.running_averages(config)
    first_mean = bn.normalize(bn.pre_activations(config, 0))[1]
    np.testing.assert_allclose(running["mean"][0], 0.1 * first_mean)
    true_mean, true_var = bn.population(config)
    np.testing.assert_allclose(running["mean"][-1], true_mean, atol=0.3)
    np.testing.assert_allclose(running["var"][-1], true_var, rtol=0.25)


@pytest.mark.parametrize("log_lam", [-2.0, -0.5, -0.1, 0.2])
def test_l1_and_l2_optima_match_scikit_learn(log_lam):
    from sklearn.linear_model import Lasso, Ridge

    config = pen.PenaltyConfig(log_lam=log_lam)
    X, y = pen.make_problem(config)
    lam = config.lam
    lasso = Lasso(alpha=lam, fit_intercept=False, tol=1e-12, max_iter=100_000).fit(X, y)
    ridge = Ridge(alpha=2 * len(y) * lam, fit_intercept=False).fit(X, y)
    np.testing.assert_allclose(pen.lasso(X, y, lam), lasso.coef_, atol=1e-8)
    np.testing.assert_allclose(pen.ridge(X, y, lam), ridge.coef_, atol=1e-10)


def test_l1_zeroes_a_weight_where_l2_only_shrinks():
    config = pen.PenaltyConfig()
    X, y = pen.make_problem(config)
    w_l1, w_l2, w_ls = (pen.lasso(X, y, config.lam), pen.ridge(X, y, config.lam),
                        pen.least_squares(X, y))  # fmt: skip
    assert (w_l1 == 0).sum() == 1
    assert np.all(w_l2 != 0) and np.linalg.norm(w_l2) < np.linalg.norm(w_ls)
    assert np.all(pen.lasso(X, y, pen.lam_max(X, y) * 1.001) == 0)
    assert np.any(pen.lasso(X, y, pen.lam_max(X, y) * 0.99) != 0)


def test_weight_decay_equals_l2_for_sgd_and_not_for_adam():
    config = wd.DecayConfig(decay=0.2, steps=3000, learning_rate=0.05)
    paths = wd.all_trajectories(config)
    np.testing.assert_allclose(paths["sgd_l2"], paths["sgd_wd"], atol=1e-12)
    np.testing.assert_allclose(paths["sgd_wd"][-1], wd.optimum(0.2), atol=1e-6)
    assert np.abs(paths["adam_l2"][-1] - paths["adamw"][-1]).max() > 0.1


def test_early_stopping_replay_follows_keras_rules():
    losses = np.array([1.0, 0.5, 0.49, 0.6, 0.7, 0.489, 0.8, 0.9])
    plain = es.replay(losses, patience=2, min_delta=0.0, restore_best=True)
    assert plain.improvements == [1, 2, 3] and plain.stopped_epoch == 5
    assert plain.final_epoch == 3
    strict = es.replay(losses, patience=2, min_delta=0.05, restore_best=False)
    assert strict.improvements == [1, 2] and strict.stopped_epoch == 4
    assert strict.final_epoch == 4
    never = es.replay(losses, patience=20, min_delta=0.0, restore_best=False)
    assert never.stopped_epoch is None and never.final_epoch == len(losses)


def test_concept_lab_runs_are_valid_and_differ_in_one_thing():
    from core.lab.checks import problems
    from core.lab.concept_runs import BN_RUNS, DROPOUT_RUNS

    assert [c.dropout for _, c in DROPOUT_RUNS] == [(0.0,), (0.3,), (0.5,)]
    assert [(c.learning_rate, c.batchnorm) for _, c in BN_RUNS] == [
        (lr, (bn,)) for lr in (1e-3, 1e-2, 1e-1) for bn in (False, True)
    ]
    for _, config in (*DROPOUT_RUNS, *BN_RUNS):
        assert problems(config) == []
    assert len({label for label, _ in BN_RUNS}) == 6
