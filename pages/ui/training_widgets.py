"""Training Lab sidebar: widgets that return a TrainingConfig and compute nothing else."""

from __future__ import annotations

import streamlit as st

from core.data.datasets import DATASETS
from core.lab.config import (
    ACTIVATIONS,
    BATCHNORM_POSITIONS,
    HOLDOUTS,
    MAX_LAYERS,
    MONITORS,
    OPTIMIZERS,
    VOCABULARIES,
    LayerSpec,
    TrainingConfig,
)
from core.lab.url_state import field_range
from pages.ui.controls import controls
from pages.ui.lab_state import (  # noqa: F401  (start_config, seed_widgets: used by pages)
    LAYER_DEFAULTS,
    REGULARIZERS,
    SCALARS,
    forget_hidden,
    seed_widgets,
    shown,
    start_config,
)


def bounds(name: str) -> tuple:
    """A TrainingConfig field's (min, max): the URL is clamped to the same range."""
    return field_range(TrainingConfig, name)


def _regularization_inputs(suffix: str, container) -> tuple[float, float, float, bool]:
    c1, c2 = container.columns(2)
    l1 = c1.number_input("L1 λ", *bounds("l1"), step=0.0005, format="%.4f", key=f"tl_l1{suffix}")
    l2 = c2.number_input("L2 λ", *bounds("l2"), step=0.0005, format="%.4f", key=f"tl_l2{suffix}")
    drop = container.slider(
        "Dropout p (after activation)",
        *bounds("dropout"),
        step=0.05,
        key=f"tl_drop{suffix}",
    )
    bn = container.checkbox("Batch normalization", key=f"tl_bn{suffix}")
    return l1, l2, drop, bn


def _layers(container) -> list[LayerSpec]:
    count = container.number_input("Hidden layers", 0, MAX_LAYERS, step=1, key="tl_layers")
    same = container.toggle("Same regularization for every layer", key="tl_same")
    before = st.session_state.get("tl_config")
    if same and before and any(len(set(before.per_layer(f))) > 1 for f in REGULARIZERS.values()):
        container.info("Every layer now takes layer 1's regularization (the others differed).")
    shared = _regularization_inputs("", container) if same else None
    layers = []
    for i in range(int(count)):
        for short, default in LAYER_DEFAULTS.items():  # a new layer copies the one above
            previous = st.session_state.get(f"tl_{short}_{i - 1}", default)
            st.session_state.setdefault(f"tl_{short}_{i}", previous)
        box = container.expander(f"Layer {i + 1}", expanded=not same or i == 0)
        # one above the other: "sigmoid" would be cut in a half-width box (presentation fonts)
        units = box.number_input("Units", *bounds("units"), step=8, key=f"tl_units_{i}")
        activation = box.selectbox("Activation", ACTIVATIONS, key=f"tl_act_{i}")
        regs = shared if shared else _regularization_inputs(f"_{i}", box)
        layers.append(LayerSpec(int(units), activation, *regs))
    return layers


def training_sidebar(holdout: bool = True) -> TrainingConfig:
    """All Training Lab inputs, laid out in the sidebar; returns the config they describe.

    holdout=False leaves out what K-fold replaces: the training subset, the validation
    holdout and early stopping (their stored values are kept).
    """
    sb = controls(st.sidebar, on_shown=shown)
    sb.header("Data")
    dataset = sb.selectbox(
        "Dataset", list(DATASETS), key="tl_dataset", format_func=lambda n: DATASETS[n].title
    )
    info = DATASETS[dataset]
    if info.kind in ("points", "table"):
        sb.slider("Samples", *bounds("n_samples"), step=100, key="tl_n")
    if info.kind == "points":
        sb.slider("Noise", *bounds("noise"), step=0.05, key="tl_noise")
    if info.kind == "text":
        sb.select_slider("Vocabulary (top-N words)", VOCABULARIES, key="tl_words")
    if not holdout:
        if info.embedded:
            sb.slider("Test", *bounds("test_fraction"), step=0.05, key="tl_test")
    else:
        _holdout_widgets(sb, info.embedded)
    _model_widgets(sb, info)
    layers = _layers(sb)
    _extra(sb, "note")
    sb.radio(
        "Batch norm position",
        BATCHNORM_POSITIONS,
        key="tl_bnpos",
        horizontal=True,
        format_func=lambda p: f"{p} activation",
    )
    _training_widgets(sb, early_stopping=holdout)
    return _read_config(layers)


def _holdout_widgets(sb, embedded: bool) -> None:
    sb.number_input("Training subset (0 = all)", *bounds("train_subset"), step=100, key="tl_subset")
    # one slider for every dataset: a widget with other arguments would reset the value
    c1, c2 = sb.columns(2)
    c1.slider(
        "Validation",
        *bounds("val_fraction"),
        step=0.01,
        key="tl_val",
        help="Part of the training set held out to validate each epoch.",
    )
    if embedded:
        c2.slider("Test", *bounds("test_fraction"), step=0.01, key="tl_test")
    else:
        c2.caption("Test: the dataset's official test set.")
    sb.radio(
        "Validation part",
        HOLDOUTS,
        key="tl_hold",
        horizontal=True,
        help="The course validates IMDB on its first 10,000 reviews, MNIST on its last 10,000.",
    )


def _model_widgets(sb, info) -> None:
    sb.header("Model")
    if info.image_shape is not None:
        sb.radio(
            "Architecture",
            ("mlp", "cnn"),
            key="tl_arch",
            horizontal=True,
            format_func=str.upper,
        )
        if st.session_state.tl_arch == "cnn":
            sb.text_input(
                "Conv blocks (filters, comma-separated)",
                key="tl_conv",
                help="Each block: Conv2D 3×3 ReLU, then MaxPooling 2×2.",
            )
            sb.slider(
                "Dropout after each pooling",
                *bounds("conv_dropout"),
                step=0.05,
                key="tl_cdrop",
            )
            sb.checkbox("Batch normalization in conv blocks", key="tl_cbn")


def _training_widgets(sb, early_stopping: bool) -> None:
    sb.header("Training")
    sb.selectbox("Optimizer", list(OPTIMIZERS), key="tl_opt", format_func=OPTIMIZERS.get)
    sb.number_input(
        "Learning rate", *bounds("learning_rate"), step=1e-4, format="%.6f", key="tl_lr"
    )
    before = st.session_state.get("tl_config")
    if st.session_state.tl_opt != "sgd" and before and (before.momentum or before.nesterov):
        sb.info("Momentum and Nesterov are SGD settings: they are off for this optimizer.")
    if st.session_state.tl_opt == "sgd":
        sb.slider("Momentum", *bounds("momentum"), step=0.01, key="tl_mom")
        sb.checkbox("Nesterov", key="tl_nest")
    _extra(sb, "wd")
    c1, c2 = sb.columns(2)
    c1.number_input("Batch size", *bounds("batch_size"), step=16, key="tl_bs")
    c2.number_input("Epochs", *bounds("epochs"), step=5, key="tl_epochs")
    sb.number_input("Seed", *bounds("seed"), step=1, key="tl_seed")
    if early_stopping and sb.checkbox("Early stopping", key="tl_es"):
        sb.selectbox("Monitor", MONITORS, key="tl_esm")
        sb.number_input("Patience", *bounds("es_patience"), step=1, key="tl_esp")
        sb.checkbox("Restore best weights", key="tl_esr")
        _extra(sb, "esd")
    sb.checkbox(
        "Write TensorBoard logs",
        key="tl_tb",
        help="Keras' TensorBoard callback, as the IMDB notebook uses it: one log folder per "
        "run; download it after the run and open it with `tensorboard --logdir`.",
    )


def _extra(sb, name: str) -> None:
    from pages.ui.lab_extras import concept_widget

    concept_widget(sb, name)


def _read_config(layers: list[LayerSpec]) -> TrainingConfig:
    state = st.session_state
    on_screen = state.get("tl_shown", set())
    before = state.get("tl_config", TrainingConfig())
    values = {
        name: state[key] if key in on_screen else getattr(before, name)
        for key, name in SCALARS.items()
    }
    if state.get("tl_opt") != "sgd":
        values.update(momentum=0.0, nesterov=False)
    conv = state["tl_conv"] if "tl_conv" in on_screen else ",".join(map(str, before.conv_filters))
    try:
        filters = tuple(int(p) for p in str(conv).split(",") if p.strip())
    except ValueError:
        st.sidebar.warning("Conv blocks must be whole numbers separated by commas.")
        filters = TrainingConfig().conv_filters
    if filters:
        values["conv_filters"] = filters
    forget_hidden()
    return TrainingConfig(**values).with_layers(layers)
