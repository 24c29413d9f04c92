"""Dropout: a new Bernoulli mask per forward pass, inverted scaling, no dropout at evaluation."""

import streamlit as st

from core.concepts import dropout as do
from core.figures import dropout as plots
from core.lab.concept_runs import DROPOUT_RUNS
from core.lab.url_state import field_range
from pages.ui import page_state, run_group
from pages.ui.controls import controls
from pages.ui.runtime import chart, dark_theme, markdown, repeats_input, through_app

through_app()  # first: a deep link opens the real app

st.title("Dropout: a different network on every forward pass")
markdown("dropout_intro")
page_state.start("do", do.DropoutConfig)

sb = controls(st.sidebar)
sb.header("Dropout")
sb.slider(
    "Dropout rate p (hidden layers)",
    *field_range(do.DropoutConfig, "rate"),
    step=0.05,
    key="do_rate",
)
sb.slider(
    "Dropout rate at the input",
    *field_range(do.DropoutConfig, "input_rate"),
    step=0.05,
    key="do_input_rate",
    help="The handwritten notes suggest 0.2–0.25 on the input layer, if any.",
)
sb.number_input(
    "Input image (scikit-learn digit)",
    *field_range(do.DropoutConfig, "digit"),
    step=1,
    key="do_digit",
)
sb.number_input("Seed", *field_range(do.DropoutConfig, "seed"), step=1, key="do_seed")


def next_pass(step: int) -> None:
    st.session_state.do_passes = max(1, st.session_state.do_passes + step)


b1, b2, b3 = controls().columns([1, 1, 4])
b1.button("Forward pass", type="primary", key="do_forward", on_click=next_pass, args=(1,))
b2.button("Reset", key="do_reset", on_click=next_pass, args=(-(10**9),))
config = page_state.read("do", do.DropoutConfig)
page_state.save("do", config)
b3.caption(f"Pass {config.passes}: the mask is seeded by the pass number, so a link repeats it.")

view = do.view(config)
chart(plots.network_figure(view, (config.input_rate, config.rate)), key="do_network")
st.caption(
    "Each dot is a unit (only 49 of the 784 input pixels are drawn, a 7×7 grid over the "
    f"image); the {'brighter' if dark_theme() else 'darker'} its blue, the larger its "
    "activation on this pass. Grey crosses are "
    "**dropped**: they output 0 and neither send a signal forward nor receive a gradient."
)

mean, std = do.expected_dropped(64, config.rate)
dropped = int((~view.masks[2]).sum())
c1, c2, c3 = controls().columns(3)
c1.metric("Dropped in hidden 2 (64 units), this pass", dropped)
c2.metric("Expected: 64 · p", f"{mean:.1f} ± {std:.1f}")
c3.metric("Dropped in hidden 1 (128 units)", int((~view.masks[1]).sum()))
chart(
    plots.dropped_count_figure(do.dropped_counts(config), 64, config.rate, dropped),
    key="do_counts",
)

st.subheader("Inverted dropout: scale the kept units by 1/(1 − p)")
evaluation, one_pass, average = do.scaling_demo(config)
chart(plots.scaling_figure(evaluation, one_pass, average), key="do_scaling")
markdown("dropout_scaling")

st.subheader("Training mode vs evaluation mode")
chart(plots.outputs_figure(view.train_outputs, view.evaluation[-1]), key="do_outputs")
st.caption(
    f"The same image through the same (untrained) weights: in training mode each of the last "
    f"{do.TRAIN_PASSES} passes drew its own masks, so the output moves; in evaluation mode "
    "(`model.predict`, `model.evaluate`, PyTorch's `model.eval()`) dropout is off and every "
    "pass gives the one red output."
)

st.subheader("How much dropout? The seeds disagree")
markdown("dropout_rates")
do_seeds = repeats_input("do_seeds")
if st.button("Run no dropout vs 0.3 vs 0.5 in the Lab", key="do_run"):
    run_group.queue("do_runs", DROPOUT_RUNS, do_seeds)
run_group.lab_links(DROPOUT_RUNS)
run_group.show("do_runs")
run_group.slips(do.COURSE_SLIPS)
