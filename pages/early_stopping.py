"""Early stopping: Keras' patience, min_delta and restore_best_weights on a validation curve."""

import streamlit as st

from core.concepts import early_stopping as es
from core.figures.early_stopping import stopping_figure
from core.lab.url_state import field_range
from pages.ui import page_state, run_group
from pages.ui.controls import controls
from pages.ui.runtime import chart, markdown, through_app

through_app()  # first: a deep link opens the real app

st.title("Early stopping")
markdown("early_stopping_intro")
page_state.start("es", es.StoppingConfig)

c1, c2, c3 = controls().columns(3)
c1.slider("Patience (epochs)", *field_range(es.StoppingConfig, "patience"), key="es_patience")
c2.number_input(
    "min_delta",
    *field_range(es.StoppingConfig, "min_delta"),
    step=0.0005,
    format="%.5f",
    key="es_min_delta",
)
c3.checkbox("restore_best_weights", key="es_restore_best")
st.sidebar.header("Validation curve")
controls(st.sidebar).slider(
    "Noise", *field_range(es.StoppingConfig, "noise"), step=0.0001, format="%.4f", key="es_noise"
)
controls(st.sidebar).number_input(
    "Seed", *field_range(es.StoppingConfig, "seed"), step=1, key="es_seed"
)
config = page_state.read("es", es.StoppingConfig)
page_state.save("es", config)

losses = es.validation_curve(config)
run = es.replay(losses, config.patience, config.min_delta, config.restore_best)
chart(stopping_figure(losses, run, config.patience), key="es_curve")
best = int(losses.argmin()) + 1
if run.stopped_epoch:
    stop_text = f"stopped after epoch {run.stopped_epoch} of {es.EPOCHS}"
else:
    stop_text = f"never stopped: all {es.EPOCHS} epochs ran"
st.caption(
    f"EarlyStopping(monitor='val_loss', patience={config.patience}, "
    f"min_delta={config.min_delta:g}, restore_best_weights={config.restore_best}): "
    f"{stop_text}; its last improvement was epoch {run.best_epoch} "
    f"(val_loss {losses[run.best_epoch - 1]:.5f}); the model keeps the weights of epoch "
    f"{run.final_epoch} (val_loss {losses[run.final_epoch - 1]:.5f}). The lowest val_loss of "
    f"the whole curve is at epoch {best} ({losses[best - 1]:.5f})."
)
markdown("early_stopping_rules")
run_group.slips(es.COURSE_SLIPS)
