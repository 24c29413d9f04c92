"""Weight decay vs an L2 loss term: the same for plain SGD, not for Adam (AdamW)."""

import pandas as pd
import streamlit as st

from core.concepts import weight_decay as wd
from core.figures import weight_decay as plots
from core.lab.url_state import field_range
from pages.ui import page_state
from pages.ui.controls import controls
from pages.ui.runtime import chart, markdown, through_app

through_app()  # first: a deep link opens the real app

st.title("Weight decay vs L2")
markdown("weight_decay_intro")
page_state.start("wd", wd.DecayConfig)

c1, c2, c3 = controls().columns(3)
c1.slider("Weight decay λ", *field_range(wd.DecayConfig, "decay"), step=0.01, key="wd_decay")
c2.slider(
    "Learning rate η",
    *field_range(wd.DecayConfig, "learning_rate"),
    step=0.001,
    format="%.3f",
    key="wd_learning_rate",
)
c3.slider("Steps", *field_range(wd.DecayConfig, "steps"), step=10, key="wd_steps")
config = page_state.read("wd", wd.DecayConfig)
page_state.save("wd", config)

paths = wd.all_trajectories(config)
target = wd.optimum(config.decay)
chart(plots.plane_figure(paths, target), key="wd_plane")
chart(plots.steps_figure(paths), key="wd_steps_chart")
st.dataframe(
    pd.DataFrame(
        [
            {
                "method": wd.METHODS[m],
                "final w₁": round(float(p[-1, 0]), 5),
                "final w₂": round(float(p[-1, 1]), 5),
            }
            for m, p in paths.items()
        ]
    ),
    hide_index=True,
)
gap_sgd = float(abs(paths["sgd_l2"] - paths["sgd_wd"]).max())
gap_adam = float(abs(paths["adam_l2"] - paths["adamw"]).max())
st.caption(
    f"Largest difference along the whole path: SGD + L2 vs SGD + weight decay {gap_sgd:.1e} "
    f"(rounding only); Adam + L2 vs AdamW {gap_adam:.3f}."
)
markdown("weight_decay_adam")
