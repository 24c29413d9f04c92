"""Widgets a link hides or locks (`<key>_hide=1`, `<key>_lock=1`): a wrapper for containers.

`ui = controls(st)` (or `controls(st.sidebar)`, a column, an expander) draws widgets as the
container would, except that a widget whose URL key the link hides is not drawn (it returns
its stored value, which the page's config keeps) and one it locks is drawn disabled.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import streamlit as st

from core.lab import controls as rules
from core.lab.controls import Flags

WIDGETS = frozenset(
    {
        "slider",
        "select_slider",
        "number_input",
        "selectbox",
        "multiselect",
        "checkbox",
        "toggle",
        "radio",
        "text_input",
        "segmented_control",
        "pills",
    }
)
CONTAINERS = frozenset({"columns", "tabs"})  # return several containers
CONTAINER = frozenset({"container", "expander", "popover", "form", "empty"})
_STATE = "controls_flags"

# page prefix → config class of the widgets named "<prefix>_<field>" (core.lab.controls)
PREFIXES = {
    "ex": "experiments",
    "kf": "kfold",
    "se": "search",
    "cd": "course_data",
    "poly": "polynomial_fit",
    "bp": "backprop",
    "do": "dropout",
    "bn": "batchnorm",
    "pen": "l1_l2",
    "wd": "weight_decay",
    "es": "early_stopping",
}
# widgets whose key is not "<prefix>_<field>": they set a field through a transform
RENAMED = {
    "poly_log_alpha": "alpha",
    "poly_log_lasso": "lalpha",
    "tl_conv": "conv",
    "tl_layers": "units",
    "presentation": "present",
}
_LAB_LAYER = re.compile(r"tl_(units|act|l1|l2|drop|bn)(?:_\d+)?")
_LAYER_KEYS = {"units": "units", "act": "act", "l1": "l1", "l2": "l2", "drop": "drop", "bn": "bn"}
SAME_REGULARIZATION = ("l1", "l2", "drop", "bn")  # the Lab's "same for every layer" toggle


def url_key(widget_key: str) -> str | None:
    """The URL key a widget sets, or None (a button, a view choice)."""
    from pages.ui.lab_state import SCALARS

    if widget_key in RENAMED:
        return RENAMED[widget_key]
    if widget_key.endswith("_seeds"):
        return "seeds"
    if widget_key in SCALARS:
        return rules.url_keys(rules.TrainingConfig)[SCALARS[widget_key]]
    if match := _LAB_LAYER.fullmatch(widget_key):
        return _LAYER_KEYS[match.group(1)]
    prefix, _, name = widget_key.partition("_")
    if prefix in PREFIXES:
        for cls in rules.PAGE_CONFIGS[PREFIXES[prefix]]:
            if name in (keys := rules.url_keys(cls)):
                return keys[name]
    return None


def flags() -> Flags:
    """This session's hide and lock flags: a link's, kept while the learner moves between pages
    (every page's URL carries them again, see runtime.url_extras)."""
    params = st.query_params.to_dict()
    if rules.has_flags(params):
        st.session_state[_STATE] = rules.flags_from_query(params)
    return st.session_state.get(_STATE, Flags())


def clear() -> None:
    st.session_state[_STATE] = Flags()


def hidden(widget_key: str, current: Flags | None = None) -> bool:
    current = current or flags()
    if widget_key == "tl_same":
        return all(key in current.hidden for key in SAME_REGULARIZATION)
    return url_key(widget_key) in current.hidden


def locked(widget_key: str, current: Flags | None = None) -> bool:
    current = current or flags()
    if widget_key == "tl_same":
        return any(key in current.locked for key in SAME_REGULARIZATION)
    return url_key(widget_key) in current.locked


class Controls:
    """A Streamlit container whose widgets follow the link's hide and lock flags."""

    def __init__(self, container: Any, on_shown: Callable[[str], Any] | None = None) -> None:
        self._container = container
        self._on_shown = on_shown

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._container, name)
        if name in WIDGETS:
            return lambda *args, **kwargs: self._widget(attribute, *args, **kwargs)
        if name in CONTAINERS:
            return lambda *args, **kwargs: [self._wrap(c) for c in attribute(*args, **kwargs)]
        if name in CONTAINER:
            return lambda *args, **kwargs: self._wrap(attribute(*args, **kwargs))
        return attribute

    def _wrap(self, container: Any) -> Controls:
        return Controls(container, self._on_shown)

    def __enter__(self):
        self._container.__enter__()
        return self

    def __exit__(self, *exc):
        return self._container.__exit__(*exc)

    def _widget(self, draw: Callable, *args, **kwargs):
        key = kwargs.get("key")
        if key is None:
            return draw(*args, **kwargs)
        current = flags()
        if hidden(key, current):
            return st.session_state.get(key)
        if self._on_shown:
            self._on_shown(key)
        if locked(key, current):
            kwargs["disabled"] = True
        return draw(*args, **kwargs)


def controls(container: Any = st, on_shown: Callable[[str], Any] | None = None) -> Controls:
    return Controls(container, on_shown)


def flags_caption(container: Any = None) -> None:
    """Say which controls the link hides or locks, with a way back to all of them."""
    current = flags()
    if not current:
        return
    box = container or st.sidebar
    parts = []
    if current.hidden:
        parts.append(f"hides {len(current.hidden)}")
    if current.locked - current.hidden:
        parts.append(f"locks {len(current.locked - current.hidden)}")
    box.caption(
        f":material/lock: This link {' and '.join(parts)} of the controls "
        "(an instructor's mission): their values come from the link."
    )
    with box.popover("Show every control", icon=":material/lock_open:"):
        st.write(
            "The mission chose these settings for the whole class: changed ones make your runs "
            "harder to compare with the others'."
        )
        show_all = st.button("Show them anyway", key="controls_clear")
    if show_all:
        clear()
        st.query_params.from_dict(
            {k: v for k, v in st.query_params.to_dict().items() if not rules.has_flags([k])}
        )
        st.rerun()
