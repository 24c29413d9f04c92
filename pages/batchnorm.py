"""Batch normalization: one layer's pre-activations over a mini-batch, before and after."""

import streamlit as st

from core.concepts import batchnorm as bn
from core.figures import batchnorm as plots
from core.lab.concept_runs import BN_RUNS
from core.lab.url_state import field_range
from pages.ui import page_state, run_group
from pages.ui.controls import controls
from pages.ui.runtime import chart, markdown, repeats_input, through_app

through_app()  # first: a deep link opens the real app

st.title("Batch normalization")
markdown("batchnorm_intro")
page_state.start("bn", bn.BatchNormConfig)

sb = controls(st.sidebar)
sb.header("Mini-batch")
sb.slider("Batch size", *field_range(bn.BatchNormConfig, "batch_size"), key="bn_batch_size")
sb.slider("Unit shown", *field_range(bn.BatchNormConfig, "unit"), key="bn_unit")
sb.number_input("Seed", *field_range(bn.BatchNormConfig, "seed"), step=1, key="bn_seed")
sb.header("Running averages")
sb.slider(
    "Momentum",
    *field_range(bn.BatchNormConfig, "momentum"),
    step=0.001,
    format="%.3f",
    key="bn_momentum",
    help="Keras' default is 0.99. PyTorch's momentum=0.1 means the same as Keras' 0.9.",
)
sb.slider("Training batches seen", *field_range(bn.BatchNormConfig, "batches"), key="bn_batches")

c1, c2 = controls().columns(2)
c1.slider(
    "γ (scale, learned)", *field_range(bn.BatchNormConfig, "gamma"), step=0.05, key="bn_gamma"
)
c2.slider("β (shift, learned)", *field_range(bn.BatchNormConfig, "beta"), step=0.05, key="bn_beta")
config = page_state.read("bn", bn.BatchNormConfig)
page_state.save("bn", config)

z = bn.pre_activations(config, 0)
normalized, mean, var = bn.normalize(z)
out = config.gamma * normalized + config.beta
u = config.unit
m1, m2, m3, m4 = controls().columns(4)
m1.metric(f"batch mean μ_B (unit {u})", f"{mean[u]:.3f}")
m2.metric("batch variance σ²_B", f"{var[u]:.3f}")
m3.metric("mean after BN", f"{round(out[:, u].mean(), 3) + 0.0:.3f}", help="= β")
m4.metric("variance after BN", f"{out[:, u].var():.3f}", help="= γ² σ²_B/(σ²_B + ε) ≈ γ²")
chart(plots.histograms_figure(z[:, u], normalized[:, u], out[:, u]), key="bn_hist")
chart(plots.units_figure(mean, var, out), key="bn_units")
markdown("batchnorm_formula")

st.subheader("Evaluation mode uses running averages")
running = bn.running_averages(config)
truth = bn.population(config)
chart(plots.running_figure(running, truth, u), key="bn_running")
evaluated = bn.batch_norm_eval(
    z, config.gamma, config.beta, running["mean"][-1], running["var"][-1]
)
st.caption(
    f"After {config.batches} training batches at momentum {config.momentum:g}, unit {u}'s "
    f"moving mean is {running['mean'][-1][u]:.3f} (true {truth[0][u]:.3f}) and its moving "
    f"variance {running['var'][-1][u]:.3f} (true {truth[1][u]:.3f}). Evaluated with them, this "
    f"batch's outputs have mean {evaluated[:, u].mean():.3f} and variance "
    f"{evaluated[:, u].var():.3f}, where training mode gives exactly β and about γ²."
)
markdown("batchnorm_running")

st.subheader("Before or after the activation? The seeds disagree")
chart(plots.placement_figure(bn.placements(z[:, u], config.gamma, config.beta)), key="bn_place")
markdown("batchnorm_placement")

st.subheader("Experiment: does BN allow a higher learning rate?")
markdown("batchnorm_experiment")
bn_seeds = repeats_input("bn_seeds")
if st.button("Run the 6 models in the Lab", key="bn_run"):
    run_group.queue("bn_runs", BN_RUNS, bn_seeds)
run_group.show("bn_runs")
run_group.slips(bn.COURSE_SLIPS)
