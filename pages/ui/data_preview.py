"""Training Lab data preview: an image grid, a 2-D scatter or decoded reviews, with split sizes."""

from __future__ import annotations

import numpy as np
import streamlit as st

from core import plots
from core.config import TrainingConfig
from core.course_data import decode_review, load_raw, word_index
from pages.ui.run_view import cached_splits


def data_preview(config: TrainingConfig, chart) -> None:
    """What the learner is about to train on (train/validation/test sizes, a few samples)."""
    try:
        splits = cached_splits(config)
    except Exception as error:
        st.error(str(error))
        return
    sizes = splits.sizes()
    st.caption(
        f"{config.info.blurb} Split: **{sizes['train']:,}** train · "
        f"**{sizes['validation']:,}** validation · **{sizes['test']:,}** test (never trained on)."
    )
    info = config.info
    if info.kind == "points":
        chart(plots.points_figure(splits.x_train, splits.y_train, "Training points"), key="preview")
    elif info.image_shape is not None:
        shown = min(16, len(splits.y_train))
        images = np.asarray(splits.x_train[:shown])[..., 0]
        titles = [info.class_names[int(label)] for label in splits.y_train[:shown]]
        chart(plots.images_grid_figure(images, titles), key="preview")
    elif info.kind == "text":
        x_train, y_train, _, _ = load_raw(config.dataset, config.vocabulary)
        ranks = word_index()
        for sequence, label in list(zip(x_train, y_train, strict=True))[:3]:
            st.markdown(
                f"**{info.class_names[int(label)]}** — {decode_review(sequence, ranks)[:600]}"
            )
