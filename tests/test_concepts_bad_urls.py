"""Concept pages: every URL key out of range or junk gives a notice and a page, never a crash."""

import dataclasses

import pytest

from core.concepts.batchnorm import BatchNormConfig
from core.concepts.dropout import DropoutConfig
from core.concepts.early_stopping import StoppingConfig
from core.concepts.penalties import PenaltyConfig
from core.concepts.weight_decay import DecayConfig
from core.lab.url_state import field_problems, from_query
from tests.apptest_pages import open_page

PAGES = {
    "pages/dropout.py": DropoutConfig,
    "pages/batchnorm.py": BatchNormConfig,
    "pages/l1_l2.py": PenaltyConfig,
    "pages/weight_decay.py": DecayConfig,
    "pages/early_stopping.py": StoppingConfig,
}


def bad_params(cls, variant: str) -> dict[str, str]:
    params = {}
    for field in dataclasses.fields(cls):
        spec = field.metadata["spec"]
        if variant == "junk":
            params[spec.key] = "nan"
        elif spec.lo is not None:
            value = spec.lo - 1 if variant == "below" else spec.hi * 2 + 1
            params[spec.key] = str(int(value) if isinstance(field.default, int) else value)
    return params


@pytest.mark.parametrize("cls", list(PAGES.values()))
@pytest.mark.parametrize("variant", ["below", "above", "junk"])
def test_bad_values_give_notices_and_a_config_within_bounds(cls, variant):
    config, notices = from_query(cls, bad_params(cls, variant))
    assert field_problems(config) == []
    assert notices


@pytest.mark.parametrize("page", list(PAGES))
def test_pages_render_with_every_key_out_of_range(page):
    for variant in ("below", "above", "junk"):
        at = open_page(page, bad_params(PAGES[page], variant))  # asserts no exception
        assert len(at.warning) >= 1, (page, variant)
