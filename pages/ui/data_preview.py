"""Training Lab data preview: an image grid, a 2-D scatter or decoded reviews, with split sizes."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import streamlit as st

from core.data.course_data import DatasetUnavailable, configured_folder, missing_message
from core.data.preview import preview, preview_elsewhere
from core.figures import runs as plots
from core.lab.config import TrainingConfig


@st.cache_data(show_spinner="Reading a few examples…", max_entries=64)
def _preview(config: TrainingConfig, data_dir: str | None) -> dict:
    """Small plain data only: course datasets are read in a child process, never here."""
    if config.info.embedded:
        return preview(config)
    return preview_elsewhere(config, data_dir)


def dataset_missing(name: str) -> str | None:
    """Why Train is off for a course dataset (not on disk and no download possible), or None."""
    return _missing(name, configured_folder(), os.environ.get("KERAS_HOME", ""))


@st.cache_data(show_spinner=False, ttl=60)
def _missing(name: str, data_dir: str | None, keras_home: str) -> str | None:
    return missing_message(name, data_dir)


def data_preview(config: TrainingConfig, chart) -> None:
    """What the learner is about to train on (train/validation/test sizes, a few samples)."""
    try:
        shown = _preview(config, configured_folder())
    except DatasetUnavailable as error:
        st.error(str(error))
        return
    sizes, info = shown["sizes"], config.info
    st.caption(
        f"{info.blurb} Split: **{sizes['train']:,}** train · "
        f"**{sizes['validation']:,}** validation · **{sizes['test']:,}** test (never trained on)."
    )
    if "points" in shown:
        points = shown["points"]
        figure = plots.points_figure(
            np.asarray(points["x"]), np.asarray(points["y"]), "Training points"
        )
        chart(figure, key="preview")
    elif "rows" in shown:
        table = pd.DataFrame(
            shown["rows"], columns=[f"x{i + 1}" for i in range(len(shown["rows"][0]))]
        )
        st.dataframe(table.assign(label=shown["labels"]), hide_index=True)
    elif "images" in shown:
        titles = [info.class_names[int(label)] for label in shown["labels"]]
        chart(plots.images_grid_figure(np.asarray(shown["images"]), titles), key="preview")
    for review in shown.get("reviews", []):
        st.markdown(f"**{info.class_names[review['label']]}** — {review['text']}")
