"""A page's config across reruns: from the URL on a session's first visit, then kept in state."""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

import streamlit as st

from core.url_state import from_query, to_query

T = TypeVar("T")


def start(prefix: str, cls: type[T]) -> T:
    """The page's starting config; seeds widget keys '<prefix>_<field>' and shows URL notices."""
    state_key = f"{prefix}_config"
    if state_key not in st.session_state:
        config, notices = from_query(cls, st.query_params.to_dict())
        st.session_state[state_key] = config
        st.session_state[f"{prefix}_notices"] = notices
        seed(prefix, config, overwrite=True)
    else:
        seed(prefix, st.session_state[state_key])
    for notice in st.session_state.get(f"{prefix}_notices", []):
        st.warning(notice)
    return st.session_state[state_key]


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
    query: dict[str, str] = {}
    for part in (*others, config):
        query.update(to_query(part))
    st.query_params.from_dict(query)
