"""Bad URL values made from the configs' own bounds: a notice and a page, never a traceback."""

import dataclasses
import math
import typing

import pytest

from core.concepts.backprop import BackpropConfig
from core.concepts.polynomial import PolyConfig
from core.data.walkthrough import DataView
from core.lab.config import TrainingConfig
from core.lab.kfold import KFoldSettings
from core.lab.search import SearchSpace
from core.lab.url_state import field_problems, from_query
from tests.apptest_pages import open_page

PAGES = {
    "pages/training_lab.py": (TrainingConfig,),
    "pages/kfold.py": (TrainingConfig, KFoldSettings),
    "pages/search.py": (SearchSpace,),
    "pages/polynomial_fit.py": (PolyConfig,),
    "pages/backprop.py": (BackpropConfig,),
    "pages/course_data.py": (DataView,),
}
JUNK = ("junk", "nan", "inf", "-inf", "", "1,2,,3", "1e400", "0x10")


def specs(cls):
    hints = typing.get_type_hints(cls)
    for field in dataclasses.fields(cls):
        if "spec" in field.metadata:
            kind = hints[field.name]
            if typing.get_origin(kind) is tuple:
                kind = typing.get_args(kind)[0]
            yield field, field.metadata["spec"], kind


def cases(cls):
    """(key, raw value, a notice expected) for every field: around each bound, and junk."""
    for _field, spec, kind in specs(cls):
        if spec.choices:
            yield spec.key, "nope", True
            yield spec.key, spec.choices[-1], False
            continue
        if kind is bool:
            yield spec.key, "maybe", True
            yield spec.key, "1", False
            continue
        for raw in JUNK:
            yield spec.key, raw, True
        if spec.lo is None:
            continue
        step = 1 if kind is int else max((spec.hi - spec.lo) / 10, 1e-9)
        below, above = spec.lo - step, spec.hi + step
        if spec.options:
            yield spec.key, str(spec.options[0]), False
            yield spec.key, str(int(spec.options[0]) + 1), True
        else:
            yield spec.key, f"{kind(spec.lo)}", False
            yield spec.key, f"{kind(spec.hi)}", False
        yield spec.key, f"{kind(below)}", True
        yield spec.key, f"{kind(above)}", True
        if spec.max_items:
            yield spec.key, ",".join(["1"] * (spec.max_items + 1)), True


@pytest.mark.parametrize(
    "cls", [TrainingConfig, KFoldSettings, SearchSpace, PolyConfig, BackpropConfig, DataView]
)
def test_every_bad_value_gives_a_notice_and_a_config_within_bounds(cls):
    checked = 0
    for key, raw, expect_notice in cases(cls):
        config, notices = from_query(cls, {key: raw})
        assert field_problems(config) == [], (key, raw)
        assert bool(notices) == expect_notice, (key, raw, notices)
        assert all(key in n or "did not fit" in n for n in notices), notices
        checked += 1
    assert checked > 10


def extreme(cls, end: str) -> dict[str, str]:
    """Every numeric key of a config just past one end of its range, at once."""
    params = {}
    for _, spec, kind in specs(cls):
        if spec.lo is None or spec.choices or kind is bool:
            continue
        value = spec.lo - 1 if end == "below" else spec.hi * 2 + 1
        params[spec.key] = str(kind(value)) if math.isfinite(value) else "0"
    return params


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("variant", ["below", "above", "junk"])
def test_pages_render_with_every_key_out_of_range(page, variant):
    params: dict[str, str] = {}
    for cls in PAGES[page]:
        if variant == "junk":
            params.update({spec.key: "nan" for _, spec, _ in specs(cls)})
        else:
            params.update(extreme(cls, variant))
    at = open_page(page, params)  # asserts no exception
    assert len(at.warning) >= 1
    assert not at.exception


@pytest.mark.parametrize(
    "key, raw, says",
    [
        ("lr", "abc", "Learning rate takes a number from"),
        ("ep", "2.5", "Epochs takes a whole number from 1 to"),
        ("units", "a,b", "comma-separated"),
        ("es", "maybe", "1 (on) or 0 (off)"),
        ("opt", "zz", "one of adam"),
    ],
)
def test_a_bad_value_says_what_the_field_takes_not_pythons_words(key, raw, says):
    _, notices = from_query(TrainingConfig, {key: raw})
    assert len(notices) == 1 and says in notices[0], notices
    assert "could not convert" not in notices[0] and "float" not in notices[0]
