"""Tables with numbers that stay numbers: missing ones shown as a dash, never as text in a
numeric column (Arrow refuses mixed columns, and the server log fills with tracebacks)."""

from __future__ import annotations

import numbers

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from core.runs.records import MISSING


def numeric_frame(rows: list[dict]) -> pd.DataFrame:
    """Rows as a frame whose whole-number columns with gaps stay integers (nullable Int64)."""
    frame = pd.DataFrame(rows)
    for column in frame.columns:
        present = frame[column].dropna()
        whole = len(present) and all(
            isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in present
        )
        if whole and len(present) < len(frame):
            frame[column] = frame[column].astype("Int64")
    return frame


def styled(frame: pd.DataFrame) -> Styler:
    return frame.style.format(na_rep=MISSING, precision=4)


def number_table(rows: list[dict], **options) -> None:
    """st.dataframe of rows whose missing numbers are None: drawn as a dash."""
    if rows:
        st.dataframe(styled(numeric_frame(rows)), hide_index=True, **options)
