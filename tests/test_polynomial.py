"""Polynomial fits against known cases, on the page's default data and seed."""

import numpy as np
import pytest

from core.concepts import polynomial as poly
from core.lab.url_state import from_query, to_query


@pytest.fixture(scope="module")
def data():
    return poly.make_data(poly.PolyConfig())


def errors(data, degree, penalty="none", alpha=0.0):
    model = poly.fit(data.x_train, data.y_train, degree, penalty, alpha)
    return poly.mse(model, data.x_train, data.y_train), poly.mse(model, data.x_val, data.y_val)


def test_exact_polynomial_is_recovered():
    x = np.linspace(0, 1, 20)
    y = 3 - 2 * (2 * x - 1) + 0.5 * (2 * x - 1) ** 3
    model = poly.fit(x, y, 3)
    assert model.intercept == pytest.approx(3)
    assert model.coefficients == pytest.approx([-2, 0, 0.5], abs=1e-9)


def test_underfit_good_fit_overfit(data):
    train1, _ = errors(data, 1)
    train2, val2 = errors(data, 2)
    train15, val15 = errors(data, 15)
    assert train1 > 5 * train2
    assert val15 > 3 * val2
    assert train15 < train2


def test_ridge_shrinks_coefficients_and_lowers_degree_15_validation_error(data):
    plain = poly.fit(data.x_train, data.y_train, 15)
    ridge = poly.fit(data.x_train, data.y_train, 15, "ridge", 1e-3)
    assert ridge.norm < plain.norm / 100
    assert errors(data, 15, "ridge", 1e-3)[1] < errors(data, 15)[1] / 10


def test_ridge_matches_scikit_learn(data):
    from sklearn.linear_model import Ridge

    ours = poly.fit(data.x_train, data.y_train, 12, "ridge", 0.01)
    reference = Ridge(alpha=0.01).fit(poly.features(data.x_train, 12), data.y_train)
    assert ours.coefficients == pytest.approx(reference.coef_, abs=1e-8)
    assert ours.intercept == pytest.approx(reference.intercept_, abs=1e-8)


def test_lasso_sets_coefficients_to_exactly_zero(data):
    lasso = poly.fit(data.x_train, data.y_train, 15, "lasso", 1e-3)
    assert (lasso.coefficients == 0).sum() >= 5
    assert (poly.fit(data.x_train, data.y_train, 15, "ridge", 1e-3).coefficients == 0).sum() == 0


def test_cross_validation_picks_a_small_degree_on_the_parabola(data):
    rows = poly.errors_by_degree(poly.PolyConfig(), data)
    assert 2 <= poly.best_degree(rows) <= 4
    assert [r["degree"] for r in rows] == list(range(1, poly.MAX_DEGREE + 1))
    assert all(r["cv_std"] >= 0 for r in rows)


def test_cv_folds_cover_every_sample_once():
    x = np.linspace(0, 1, 23)
    y = x**2
    scores = poly.cv_mse(x, y, 2, folds=5, seed=3)
    assert len(scores) == 5 and np.all(scores < 1e-20)


def test_cosine_option_and_validation_sample_is_fresh():
    config = poly.PolyConfig(curve="cosine", n_samples=40)
    data = poly.make_data(config)
    assert len(data.x_train) == 40 and len(data.x_val) == poly.N_VALIDATION
    assert not np.isin(data.x_val, data.x_train).any()
    assert poly.true_function("cosine")(np.array([0.0]))[0] == pytest.approx(1.0)


def test_url_round_trip():
    config = poly.PolyConfig(curve="cosine", degree=7, penalty="lasso", alpha=0.01, seed=4)
    again, notices = from_query(poly.PolyConfig, to_query(config))
    assert again == config and notices == []
