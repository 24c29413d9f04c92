"""A page's config across reruns: from the URL on a session's first visit, then kept in state."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st

from core.lab.url_state import from_query, to_query

T = TypeVar("T")


def start(prefix: str, cls: type[T]) -> T:
    """The page's starting config; seeds widget keys '<prefix>_<field>' and shows URL notices."""
    state_key = f"{prefix}_config"
    if state_key not in st.session_state:
        params = st.query_params.to_dict()
        config, notices = from_query(cls, params)
        st.session_state[state_key] = config
        st.session_state[f"{prefix}_notices"] = tag_notices(cls, params, notices)
        seed(prefix, config, overwrite=True)
    else:  # a page just entered gets back the widget values Streamlit forgot
        seed(
            prefix,
            st.session_state[state_key],
            overwrite=st.session_state.get("page_entered", False),
        )
    show_notices(f"{prefix}_notices", st.session_state[state_key], lambda name: f"{prefix}_{name}")
    return st.session_state[state_key]


def show_notices(state_key: str, config: Any, widget_key: Callable[[str], str | None]) -> None:
    """Show the URL notices still true: one about a field goes once the learner changes it."""
    kept = []
    for name, notice in st.session_state.get(state_key, []):
        was = getattr(config, name) if name else None
        key = widget_key(name) if name else None
        if key is None or st.session_state.get(key, was) == was:
            kept.append((name, notice))
            st.warning(notice)
    st.session_state[state_key] = kept


def tag_notices(cls: type, params: dict, notices: list[str]) -> list[tuple[str | None, str]]:
    """Each URL notice with the config field it is about (None: about the link as a whole)."""
    tagged: list[tuple[str | None, str]] = []
    for field in dataclasses.fields(cls):
        key = field.metadata["spec"].key if "spec" in field.metadata else None
        if key in params:
            for notice in from_query(cls, {key: params[key]})[1]:
                if notice in notices:
                    tagged.append((field.name, notice))
    named = {notice for _, notice in tagged}
    return tagged + [(None, notice) for notice in notices if notice not in named]


def no_settings() -> None:
    """A page without settings of its own: its URL carries none of another page's."""
    from pages.ui.runtime import url_extras

    if st.query_params.to_dict() != url_extras():
        st.query_params.from_dict(url_extras())


def seed(prefix: str, config: Any, overwrite: bool = False) -> None:
    for field in dataclasses.fields(config):
        key = f"{prefix}_{field.name}"
        if overwrite or key not in st.session_state:
            st.session_state[key] = getattr(config, field.name)


def read(prefix: str, cls: type[T], **overrides: Any) -> T:
    """The config the widgets now describe (fields without a widget keep the stored value)."""
    stored = st.session_state[f"{prefix}_config"]
    values = {
        f.name: st.session_state.get(f"{prefix}_{f.name}", getattr(stored, f.name))
        for f in dataclasses.fields(cls)
    }
    return cls(**{**values, **overrides})


def save(prefix: str, config: Any, *others: Any) -> None:
    """Keep the config for the next rerun and mirror it (and other configs) into the URL."""
    st.session_state[f"{prefix}_config"] = config
    from pages.ui.runtime import url_extras

    query: dict[str, str] = dict(url_extras())
    for part in (*others, config):
        query.update(to_query(part))
    st.query_params.from_dict(query)
