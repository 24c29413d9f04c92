"""Training Lab widget state: key tables, seeding from a config, and hidden widgets' values."""

from __future__ import annotations

import streamlit as st

from core.lab.config import TrainingConfig
from core.lab.url_state import to_query
from pages.ui import page_state

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
    "tl_tb": "tensorboard",
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


def shown(key: str) -> str:
    """A widget key, noted as on screen in this run (see forget_hidden)."""
    st.session_state.setdefault("tl_shown", set()).add(key)
    return key


def forget_hidden() -> None:
    """Drop the values of widgets not on screen: Streamlit keeps a value set while its widget
    was hidden and shows it again after the widget's own state is gone (another page, back),
    so a hidden widget's value lives in tl_config only, and is seeded from there when shown."""
    state = st.session_state
    on_screen = state.pop("tl_shown", set())
    for key in [k for k in state if isinstance(k, str) and k.startswith("tl_")]:
        widget = key in _WIDGET_KEYS_ALL or key.rsplit("_", 1)[0] in _PER_LAYER
        if widget and key not in on_screen:
            del state[key]


def share_config(config: TrainingConfig) -> None:
    """Make `config` the model every training page starts from (the Lab, K-fold)."""
    st.session_state.tl_config = config


def adopt_config(config: TrainingConfig) -> None:
    """In a callback, before the widgets exist: the shared model becomes `config`, on screen."""
    share_config(config)
    seed_widgets(config, overwrite=True)


def open_in_lab(config: TrainingConfig) -> None:
    """Go to the Training Lab set up as `config`: it reads the link's settings again and shows
    no earlier run's results under them."""
    st.session_state.pop("tl_seen", None)
    st.session_state.pop("tl_run", None)
    st.switch_page("pages/training_lab.py", query_params=config.to_query())
