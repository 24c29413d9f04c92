"""Training Lab sidebar: widgets that return a TrainingConfig and compute nothing else."""

from __future__ import annotations

import streamlit as st

from core.config import (
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
from core.datasets import DATASETS
from core.url_state import field_range, to_query
from pages.ui import page_state


def bounds(name: str) -> tuple:
    """A TrainingConfig field's (min, max): the URL is clamped to the same range."""
    return field_range(TrainingConfig, name)


SCALARS = {  # widget key -> TrainingConfig field
    "tl_dataset": "dataset",
    "tl_n": "n_samples",
    "tl_noise": "noise",
    "tl_words": "vocabulary",
    "tl_subset": "train_subset",
    "tl_val": "val_fraction",
    "tl_hold": "holdout",
    "tl_test": "test_fraction",
    "tl_arch": "architecture",
    "tl_cdrop": "conv_dropout",
    "tl_cbn": "conv_batchnorm",
    "tl_bnpos": "batchnorm_position",
    "tl_opt": "optimizer",
    "tl_lr": "learning_rate",
    "tl_mom": "momentum",
    "tl_nest": "nesterov",
    "tl_bs": "batch_size",
    "tl_epochs": "epochs",
    "tl_seed": "seed",
    "tl_es": "early_stopping",
    "tl_esm": "es_monitor",
    "tl_esp": "es_patience",
    "tl_esr": "es_restore_best",
    "tl_wd": "weight_decay",
    "tl_esd": "es_min_delta",
}
WIDGET_KEYS = {name: key for key, name in SCALARS.items()}  # TrainingConfig field -> widget key
REGULARIZERS = {"l1": "l1", "l2": "l2", "drop": "dropout", "bn": "batchnorm"}
LAYER_DEFAULTS = {"units": 32, "act": "relu", "l1": 0.0, "l2": 0.0, "drop": 0.0, "bn": False}
_PER_LAYER = {f"tl_{short}" for short in LAYER_DEFAULTS}
_WIDGET_KEYS_ALL = {*SCALARS, "tl_conv", "tl_same", "tl_layers", *(f"tl_{s}" for s in REGULARIZERS)}


def seed_widgets(config: TrainingConfig, overwrite: bool = False) -> None:
    """Put a config's values into widget state (missing keys only, unless overwrite)."""
    values = {key: getattr(config, name) for key, name in SCALARS.items()}
    values["tl_conv"] = ",".join(map(str, config.conv_filters))
    values["tl_layers"] = len(config.units)
    values["tl_same"] = all(len(getattr(config, f)) == 1 for f in REGULARIZERS.values())
    for short, name in REGULARIZERS.items():
        values[f"tl_{short}"] = (
            config.per_layer(name)[0] if config.units else getattr(config, name)[0]
        )
    for i, layer in enumerate(config.layers()):
        values.update(
            {
                f"tl_units_{i}": layer.units,
                f"tl_act_{i}": layer.activation,
                f"tl_l1_{i}": layer.l1,
                f"tl_l2_{i}": layer.l2,
                f"tl_drop_{i}": layer.dropout,
                f"tl_bn_{i}": layer.batchnorm,
            }
        )
    for key, value in values.items():
        if overwrite or key not in st.session_state:
            st.session_state[key] = value


TRAINING_KEYS = frozenset(to_query(TrainingConfig(), only_changed=False))


def start_config(page: str, fallback: TrainingConfig | None = None) -> TrainingConfig:
    """The model config a page starts from, shared by the pages that train (keys tl_*).

    On the page's first run in a session a link with model settings decides; without any,
    the session's current config carries over from the other pages, else `fallback`.
    Forget `<page>_seen` to make the page read its URL again.
    """
    state = st.session_state
    if f"{page}_seen" not in state:
        state[f"{page}_seen"] = True
        params = st.query_params.to_dict()
        if params.keys() & TRAINING_KEYS or ("tl_config" not in state and fallback is None):
            state.tl_config, notices = TrainingConfig.from_query(params)
            state[f"{page}_notices"] = page_state.tag_notices(TrainingConfig, params, notices)
        elif "tl_config" not in state:
            state.tl_config = fallback
        seed_widgets(state.tl_config, overwrite=True)
    else:
        seed_widgets(state.tl_config)
    page_state.show_notices(f"{page}_notices", state.tl_config, WIDGET_KEYS.get)
    return state.tl_config


def _regularization_inputs(suffix: str, container) -> tuple[float, float, float, bool]:
    c1, c2 = container.columns(2)
    l1 = c1.number_input(
        "L1 λ", *bounds("l1"), step=0.0005, format="%.4f", key=_shown(f"tl_l1{suffix}")
    )
    l2 = c2.number_input(
        "L2 λ", *bounds("l2"), step=0.0005, format="%.4f", key=_shown(f"tl_l2{suffix}")
    )
    drop = container.slider(
        "Dropout p (after activation)",
        *bounds("dropout"),
        step=0.05,
        key=_shown(f"tl_drop{suffix}"),
    )
    bn = container.checkbox("Batch normalization", key=_shown(f"tl_bn{suffix}"))
    return l1, l2, drop, bn


def _layers(container) -> list[LayerSpec]:
    count = container.number_input("Hidden layers", 0, MAX_LAYERS, step=1, key=_shown("tl_layers"))
    same = container.toggle("Same regularization for every layer", key=_shown("tl_same"))
    shared = _regularization_inputs("", container) if same else None
    layers = []
    for i in range(int(count)):
        for short, default in LAYER_DEFAULTS.items():  # a new layer copies the one above
            previous = st.session_state.get(f"tl_{short}_{i - 1}", default)
            st.session_state.setdefault(f"tl_{short}_{i}", previous)
        box = container.expander(f"Layer {i + 1}", expanded=not same or i == 0)
        c1, c2 = box.columns(2)
        units = c1.number_input("Units", *bounds("units"), step=8, key=_shown(f"tl_units_{i}"))
        activation = c2.selectbox("Activation", ACTIVATIONS, key=_shown(f"tl_act_{i}"))
        regs = shared if shared else _regularization_inputs(f"_{i}", box)
        layers.append(LayerSpec(int(units), activation, *regs))
    return layers


def _shown(key: str) -> str:
    """A widget key, noted as on screen in this run (see _forget_hidden)."""
    st.session_state.setdefault("tl_shown", set()).add(key)
    return key


def _forget_hidden() -> None:
    """Drop the values of widgets not on screen: Streamlit keeps a value set while its widget
    was hidden and shows it again after the widget's own state is gone (another page, back),
    so a hidden widget's value lives in tl_config only, and is seeded from there when shown."""
    state = st.session_state
    shown = state.pop("tl_shown", set())
    for key in [k for k in state if isinstance(k, str) and k.startswith("tl_")]:
        widget = key in _WIDGET_KEYS_ALL or key.rsplit("_", 1)[0] in _PER_LAYER
        if widget and key not in shown:
            del state[key]


def training_sidebar(holdout: bool = True) -> TrainingConfig:
    """All Training Lab inputs, laid out in the sidebar; returns the config they describe.

    holdout=False leaves out what K-fold replaces: the training subset, the validation
    holdout and early stopping (their stored values are kept).
    """
    sb = st.sidebar
    sb.header("Data")
    dataset = sb.selectbox(
        "Dataset", list(DATASETS), key=_shown("tl_dataset"), format_func=lambda n: DATASETS[n].title
    )
    info = DATASETS[dataset]
    if info.kind == "points":
        sb.slider("Samples", *bounds("n_samples"), step=100, key=_shown("tl_n"))
        sb.slider("Noise", *bounds("noise"), step=0.05, key=_shown("tl_noise"))
    if info.kind == "text":
        sb.select_slider("Vocabulary (top-N words)", VOCABULARIES, key=_shown("tl_words"))
    if not holdout:
        if info.embedded:
            sb.slider("Test", *bounds("test_fraction"), step=0.05, key=_shown("tl_test"))
    else:
        _holdout_widgets(sb, info.embedded)
    _model_widgets(sb, info)
    layers = _layers(sb)
    _extra(sb, "note")
    sb.radio(
        "Batch norm position",
        BATCHNORM_POSITIONS,
        key=_shown("tl_bnpos"),
        horizontal=True,
        format_func=lambda p: f"{p} activation",
    )
    _training_widgets(sb, early_stopping=holdout)
    return _read_config(layers)


def _holdout_widgets(sb, embedded: bool) -> None:
    sb.number_input(
        "Training subset (0 = all)", *bounds("train_subset"), step=100, key=_shown("tl_subset")
    )
    # one slider for every dataset: a widget with other arguments would reset the value
    c1, c2 = sb.columns(2)
    c1.slider(
        "Validation",
        *bounds("val_fraction"),
        step=0.01,
        key=_shown("tl_val"),
        help="Part of the training set held out to validate each epoch.",
    )
    if embedded:
        c2.slider("Test", *bounds("test_fraction"), step=0.01, key=_shown("tl_test"))
    else:
        c2.caption("Test: the dataset's official test set.")
    sb.radio(
        "Validation part",
        HOLDOUTS,
        key=_shown("tl_hold"),
        horizontal=True,
        help="The course validates IMDB on its first 10,000 reviews, MNIST on its last 10,000.",
    )


def _model_widgets(sb, info) -> None:
    sb.header("Model")
    if info.image_shape is not None:
        sb.radio(
            "Architecture",
            ("mlp", "cnn"),
            key=_shown("tl_arch"),
            horizontal=True,
            format_func=str.upper,
        )
        if st.session_state.tl_arch == "cnn":
            sb.text_input(
                "Conv blocks (filters, comma-separated)",
                key=_shown("tl_conv"),
                help="Each block: Conv2D 3×3 ReLU, then MaxPooling 2×2.",
            )
            sb.slider(
                "Dropout after each pooling",
                *bounds("conv_dropout"),
                step=0.05,
                key=_shown("tl_cdrop"),
            )
            sb.checkbox("Batch normalization in conv blocks", key=_shown("tl_cbn"))


def _training_widgets(sb, early_stopping: bool) -> None:
    sb.header("Training")
    sb.selectbox("Optimizer", list(OPTIMIZERS), key=_shown("tl_opt"), format_func=OPTIMIZERS.get)
    sb.number_input(
        "Learning rate", *bounds("learning_rate"), step=1e-4, format="%.6f", key=_shown("tl_lr")
    )
    if st.session_state.tl_opt == "sgd":
        sb.slider("Momentum", *bounds("momentum"), step=0.01, key=_shown("tl_mom"))
        sb.checkbox("Nesterov", key=_shown("tl_nest"))
    _extra(sb, "wd")
    c1, c2 = sb.columns(2)
    c1.number_input("Batch size", *bounds("batch_size"), step=16, key=_shown("tl_bs"))
    c2.number_input("Epochs", *bounds("epochs"), step=5, key=_shown("tl_epochs"))
    sb.number_input("Seed", *bounds("seed"), step=1, key=_shown("tl_seed"))
    if early_stopping and sb.checkbox("Early stopping", key=_shown("tl_es")):
        sb.selectbox("Monitor", MONITORS, key=_shown("tl_esm"))
        sb.number_input("Patience", *bounds("es_patience"), step=1, key=_shown("tl_esp"))
        sb.checkbox("Restore best weights", key=_shown("tl_esr"))
        _extra(sb, "esd")


def _extra(sb, name: str) -> None:
    from pages.ui.lab_extras import concept_widget

    if name != "note":
        _shown(f"tl_{name}")
    concept_widget(sb, name)


def _read_config(layers: list[LayerSpec]) -> TrainingConfig:
    state = st.session_state
    shown = state.get("tl_shown", set())
    before = state.get("tl_config", TrainingConfig())
    values = {
        name: state[key] if key in shown else getattr(before, name) for key, name in SCALARS.items()
    }
    if state.get("tl_opt") != "sgd":
        values.update(momentum=0.0, nesterov=False)
    conv = state["tl_conv"] if "tl_conv" in shown else ",".join(map(str, before.conv_filters))
    try:
        filters = tuple(int(p) for p in str(conv).split(",") if p.strip())
    except ValueError:
        st.sidebar.warning("Conv blocks must be whole numbers separated by commas.")
        filters = TrainingConfig().conv_filters
    if filters:
        values["conv_filters"] = filters
    _forget_hidden()
    return TrainingConfig(**values).with_layers(layers)
