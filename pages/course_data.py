"""Course data: a review as ids, text and multi-hot vector; an image by index; the splits."""

import numpy as np
import pandas as pd
import streamlit as st

from core.data.course_data import DatasetUnavailable, configured_folder
from core.data.datasets import DATASETS
from core.data.preview import in_child
from core.data.walkthrough import COURSE_SETS, TRAINING_SIZES, DataView, holdout_map, kfold_map
from core.figures.runs import images_grid_figure
from core.figures.splits import split_figure
from core.lab.url_state import field_range
from pages.ui import page_state
from pages.ui.controls import controls
from pages.ui.runtime import chart, markdown


@st.cache_data(show_spinner="Reading the course data…", max_entries=32)
def walkthrough(kind: str, arguments: tuple) -> dict:
    return in_child(kind, dict(arguments))


st.title("Course data")
markdown("course_data_intro")
page_state.start("cd", DataView)
sb = controls(st.sidebar)
sb.selectbox("Dataset", COURSE_SETS, key="cd_dataset", format_func=lambda n: DATASETS[n].title)
sb.number_input("Example index", *field_range(DataView, "index"), key="cd_index")
if st.session_state.cd_dataset == "imdb":
    sb.select_slider("Vocabulary (top-N words)", (1000, 2000, 5000, 10000), key="cd_vocabulary")
view = page_state.read("cd", DataView)
page_state.save("cd", view)

examples, splits = st.tabs(["Examples", "Splits"])
with examples:
    try:
        if view.dataset == "imdb":
            arguments = (("vocabulary", view.vocabulary), ("index", view.index))
            shown = walkthrough("imdb", (*arguments, ("data_dir", configured_folder())))
        else:
            arguments = (("dataset", view.dataset), ("index", view.index))
            shown = walkthrough("images", (*arguments, ("data_dir", configured_folder())))
    except DatasetUnavailable as error:
        st.error(str(error))
        shown = None
    if shown:
        st.table(pd.DataFrame({k: [str(tuple(v))] for k, v in shown["shapes"].items()}))
        names = DATASETS[view.dataset].class_names
        st.subheader(f"Training example {shown['index']}: {names[shown['label']]}")
        if view.dataset == "imdb":
            st.markdown(f"**Word ids** (`train_data[{shown['index']}]`):")
            st.code(str(shown["ids"][:80]) + (" …" if len(shown["ids"]) > 80 else ""))
            st.markdown("**Decoded** (id − 3 → word; `?` = start or unknown):")
            st.text(shown["text"][:1500])
            ones = shown["ones"]
            st.markdown(
                f"**Multi-hot vector**: {view.vocabulary:,} numbers, **{len(ones)}** of them 1 "
                f"(the distinct ids below {view.vocabulary:,}), at positions {ones[:25]} …"
            )
            short = shown["shortest"]
            st.markdown(f"**Shortest review**: #{short['index']}: *{short['text']}*")
            st.caption("Top words of the word index: " + ", ".join(shown["top_words"]))
        else:
            image = np.asarray(shown["image"])
            chart(images_grid_figure(image[None], [names[shown["label"]]], columns=1), key="cd_img")
            st.caption(f"Pixel values from {shown['range'][0]} to {shown['range'][1]}.")

with splits:
    c1, c2 = controls().columns(2)
    c1.slider("Validation fraction", *field_range(DataView, "val_fraction"), key="cd_val_fraction")
    c2.number_input("Seed (random holdout)", *field_range(DataView, "seed"), key="cd_seed")
    roles, rows = holdout_map(view, TRAINING_SIZES[view.dataset])
    chart(split_figure(roles, rows, "Holdout: which training examples validate"), key="cd_hold")
    st.caption("The official test set is separate and never trained on.")
    c1, c2, c3 = controls().columns(3)
    c1.number_input("Reduced size", *field_range(DataView, "size"), step=100, key="cd_size")
    c2.slider("Folds k", *field_range(DataView, "k"), key="cd_k")
    c3.slider("Repetitions P", *field_range(DataView, "repeats"), key="cd_repeats")
    roles, rows = kfold_map(view)
    chart(split_figure(roles, rows, "K-fold: one model per row"), key="cd_kfold")
