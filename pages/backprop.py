"""Backprop step-through: the course's hand-worked 2-2-1 example, one computation per click."""

import dataclasses

import pandas as pd
import streamlit as st

from core.concepts import backprop as bp
from core.figures.backprop import error_figure, network_figure
from core.lab.url_state import field_problems, field_range
from pages.ui import page_state
from pages.ui.controls import controls
from pages.ui.runtime import chart, markdown, through_app

through_app()  # first: a deep link opens the real app

st.title("Backpropagation, step by step")
markdown("backprop")
page_state.start("bp", bp.BackpropConfig)

sb = controls(st.sidebar)
sb.header("Example")
c1, c2 = sb.columns(2)
c1.number_input("x1", *field_range(bp.BackpropConfig, "x1"), step=0.05, format="%.4f", key="bp_x1")
c2.number_input("x2", *field_range(bp.BackpropConfig, "x2"), step=0.05, format="%.4f", key="bp_x2")
for left, right in (("w13", "w23"), ("w14", "w24"), ("w35", "w45")):
    c1, c2 = sb.columns(2)
    c1.number_input(left, -10.0, 10.0, step=0.05, format="%.4f", key=f"bp_{left}")
    c2.number_input(right, -10.0, 10.0, step=0.05, format="%.4f", key=f"bp_{right}")
c1, c2 = sb.columns(2)
c1.number_input(
    "target t", *field_range(bp.BackpropConfig, "target"), step=0.05, format="%.4f", key="bp_target"
)
c2.number_input(
    "learning rate η",
    *field_range(bp.BackpropConfig, "learning_rate"),
    step=0.1,
    format="%.4f",
    key="bp_learning_rate",
)
sb.number_input(
    "L2 λ (weight decay)",
    *field_range(bp.BackpropConfig, "l2"),
    step=0.01,
    format="%.4f",
    key="bp_l2",
    help="Adds −ηλw to every update: w ← w − η(∇E + λw).",
)
sb.button(
    "Course values",
    key="bp_defaults",
    on_click=page_state.seed,
    args=("bp", bp.BackpropConfig()),
    kwargs={"overwrite": True},
    help="Back to the course's worked example (x1 = 0.35, x2 = 0.9, …).",
)

config = page_state.read("bp", bp.BackpropConfig)
for problem in field_problems(config):
    st.error(problem)
steps = bp.steps(config)
last = len(steps) - 1
step = min(config.step, len(steps)) - 1  # index into steps; the URL and page count from 1
st.session_state.bp_step = step + 1  # a link's step=99 lands on the last step


def go_to(number: int) -> None:
    st.session_state.bp_step = number


b1, b2, b3, b4 = controls().columns([1, 1, 1, 3])
b1.button("Previous", disabled=step == 0, key="bp_prev", on_click=go_to, args=(step,))
b2.button(
    "Next", type="primary", disabled=step == last, key="bp_next", on_click=go_to, args=(step + 2,)
)
b3.button("Reset", key="bp_reset", on_click=go_to, args=(1,))
labels = {i + 1: f"{i + 1}. {s.title}" for i, s in enumerate(steps)}
b4.selectbox("Jump to", list(labels), format_func=labels.__getitem__, key="bp_step")
config = dataclasses.replace(config, step=step + 1)
page_state.save("bp", config)

current = steps[step]
st.subheader(f"Step {step + 1} of {len(steps)}: {current.title}")
st.latex(current.formula)
st.latex(current.substituted)
st.metric(current.key, f"{current.value:.4f}")

done = {s.key: s.value for s in steps[: step + 1]}
weights = {name: done.get(name, value) for name, value in config.weights().items()}
node_text = {"x1": f"x1 = {config.x1:g}", "x2": f"x2 = {config.x2:g}"}
for n in (3, 4, 5):
    parts = [f"{k} = {done[k]:.4f}" for k in (f"z{n}", f"a{n}", f"δ{n}") if k in done]
    node_text[f"n{n}"] = "<br>".join(parts) or " "
chart(network_figure(weights, node_text, current.touches), key="bp_network")

st.subheader("Every value so far")
st.dataframe(
    pd.DataFrame(
        [
            {"step": i + 1, "quantity": s.key, "value": round(s.value, 6)}
            for i, s in enumerate(steps[: step + 1])
        ]
    ),
    hide_index=True,
)
if step == last:
    new = bp.update(config)["new"]
    st.subheader("Old vs new weights")
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "weight": n,
                    "old": config.weights()[n],
                    "new": round(new[n], 4),
                    "change": round(new[n] - config.weights()[n], 5),
                }
                for n in bp.WEIGHTS
            ]
        ),
        hide_index=True,
    )
if config == dataclasses.replace(bp.BackpropConfig(), step=step + 1):
    with st.expander("Where the handwritten notes slip"):
        st.markdown("\n".join(f"- {slip}" for slip in bp.COURSE_SLIPS))

train_tab, check_tab = st.tabs(["Train N iterations", "Gradient check"])
with train_tab:
    iterations = controls().slider(
        "Iterations", *field_range(bp.BackpropConfig, "iterations"), key="bp_iterations"
    )
    rows = bp.train(config, iterations)
    chart(error_figure(rows), key="bp_error")
    st.caption(
        f"E falls from {rows[0]['E']:.5f} to {rows[-1]['E']:.5f}; the output moves from "
        f"{rows[0]['output']:.4f} toward t = {config.target:g} ({rows[-1]['output']:.4f})."
    )
with check_tab:
    st.dataframe(pd.DataFrame(bp.gradient_check(config)), hide_index=True)
    st.caption(
        "The engine's reverse-mode gradients, central finite differences (h = 1e-6) and "
        "the hand rule −δ·input agree: the update w + ηδ·input is gradient descent on E."
    )
