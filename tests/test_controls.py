"""`<key>_hide=1` and `<key>_lock=1` for every URL key of every page, from the config specs."""

import dataclasses

import pytest
from streamlit.testing.v1 import AppTest

from core.lab.config import TrainingConfig
from core.lab.controls import (
    PAGE_CONFIGS,
    SEEDS_PAGES,
    Flags,
    all_url_keys,
    flags_from_query,
    labels,
    page_url_keys,
    url_keys,
)
from pages.ui.controls import PREFIXES, RENAMED, WIDGETS, url_key
from pages.ui.lab_state import SCALARS
from tests.apptest_pages import open_page

# the widget kinds the wrapper controls that AppTest lists
WIDGET_LISTS = [name for name in sorted(WIDGETS) if hasattr(AppTest, name)]
PAGE_PREFIX = {page: prefix for prefix, page in PREFIXES.items()}
LAB_WIDGETS = [
    *SCALARS,
    "tl_conv",
    "tl_layers",
    "tl_units_0",
    "tl_act_1",
    "tl_l1",
    "tl_l2_2",
    "tl_drop",
    "tl_bn_0",
]


def widget_keys(page: str) -> list[str]:
    """The widget keys a page's code can draw (the Lab's table, else '<prefix>_<field>')."""
    keys = list(RENAMED)
    if TrainingConfig in PAGE_CONFIGS.get(page, ()):
        keys += LAB_WIDGETS
    if prefix := PAGE_PREFIX.get(page):
        keys += [
            f"{prefix}_{f.name}" for cls in PAGE_CONFIGS[page] for f in dataclasses.fields(cls)
        ]
    if page in SEEDS_PAGES:
        keys.append(f"{page[:2]}_seeds")
    return keys


@pytest.mark.parametrize("page", sorted({*PAGE_CONFIGS, *SEEDS_PAGES}))
def test_every_url_key_of_a_page_names_a_widget_that_can_be_hidden_and_locked(page):
    covered = {url_key(key) for key in widget_keys(page)}
    missing = set(page_url_keys(page)) - covered
    assert not missing, f"{page}: no widget for {sorted(missing)}"
    for key in page_url_keys(page):
        assert flags_from_query({f"{key}_hide": "1"}) == Flags(hidden=frozenset({key}))
        assert flags_from_query({f"{key}_lock": "true"}) == Flags(locked=frozenset({key}))
        assert labels(page)[key]


def test_each_config_field_maps_to_its_own_url_key():
    lab = url_keys(TrainingConfig)
    for widget, field in SCALARS.items():
        assert url_key(widget) == lab[field]
    for page, prefix in PAGE_PREFIX.items():
        for cls in PAGE_CONFIGS[page]:
            for field, key in url_keys(cls).items():
                assert url_key(f"{prefix}_{field}") in (key, None) or cls is TrainingConfig
    assert url_key("tl_units_3") == "units" and url_key("tl_drop_0") == "drop"
    assert url_key("tl_train") is None and url_key("bp_next") is None


def test_flags_ignore_unknown_keys_and_no_values_and_round_trip():
    assert not flags_from_query({"nosuchkey_hide": "1", "opt_hide": "0", "lr_lock": "no"})
    flags = flags_from_query({"opt_hide": ["0", "1"], "lr_lock": "1", "lr_hide": "1"})
    assert flags.hidden == {"opt", "lr"} and flags.locked == {"lr"}
    assert flags_from_query(flags.to_query()).hidden == flags.hidden
    assert flags.to_query() == {"lr_hide": "1", "opt_hide": "1"}  # hidden wins over locked
    assert set(all_url_keys()) >= {"opt", "lr", "units", "lrmin", "x1", "seeds", "present"}


def _widgets(at) -> list:
    return [w for name in WIDGET_LISTS for w in getattr(at, name) if w.key]


PAGES = {
    "training_lab": {},
    "kfold": {},
    "search": {},
    "course_data": {},
    "polynomial_fit": {},
    "backprop": {},
    "dropout": {},
    "batchnorm": {},
    "l1_l2": {},
    "weight_decay": {},
    "early_stopping": {},
    "experiments": {},
}


@pytest.mark.parametrize("page", sorted(PAGES))
def test_hiding_every_key_of_a_page_hides_its_controls_and_locking_disables_them(page):
    keys = page_url_keys(page)
    default = open_page(f"pages/{page}.py")
    mapped = [w.key for w in _widgets(default) if url_key(w.key) in keys]
    assert mapped, f"{page} draws no control with a URL key"

    hidden = open_page(f"pages/{page}.py", {f"{key}_hide": "1" for key in keys})
    left = [w.key for w in _widgets(hidden) if url_key(w.key) in keys]
    assert not left, f"{page}: still drawn: {left}"
    assert "opt_hide" in hidden.query_params or "opt" not in keys  # the URL keeps the flags

    locked = open_page(f"pages/{page}.py", {f"{key}_lock": "1" for key in keys})
    drawn = [w for w in _widgets(locked) if url_key(w.key) in keys]
    assert {w.key for w in drawn} == set(mapped)
    assert all(w.disabled for w in drawn), [w.key for w in drawn if not w.disabled]


def test_a_hidden_control_keeps_the_links_value_and_a_locked_one_shows_it():
    at = open_page(
        "pages/training_lab.py",
        {"opt": "sgd", "opt_hide": "1", "lr": "0.05", "lr_lock": "1", "units": "16,8"},
    )
    assert "tl_opt" not in {w.key for w in at.selectbox}
    assert at.session_state["tl_config"].optimizer == "sgd"
    lr = next(w for w in at.number_input if w.key == "tl_lr")
    assert lr.disabled and lr.value == pytest.approx(0.05)
    assert next(w for w in at.number_input if w.key == "tl_units_0").disabled is False
    assert any("hides 1 and locks 1" in c.value for c in at.caption)
    at.button(key="controls_clear").click().run()
    assert "tl_opt" in {w.key for w in at.selectbox}
    assert not any(name.endswith(("_hide", "_lock")) for name in at.query_params)
