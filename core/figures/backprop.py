"""Figures for the backprop page: the 2-2-1 network diagram and the error over iterations."""

from __future__ import annotations

import plotly.graph_objects as go

from core.figures.style import GREY, VERMILLION

POSITIONS = {"x1": (0, 0.8), "x2": (0, 0.2), "n3": (1, 0.8), "n4": (1, 0.2), "n5": (2, 0.5)}
EDGES = {
    "w13": ("x1", "n3"),
    "w23": ("x2", "n3"),
    "w14": ("x1", "n4"),
    "w24": ("x2", "n4"),
    "w35": ("n3", "n5"),
    "w45": ("n4", "n5"),
}
# Where each weight's label sits: (fraction along its edge, shift up): clear of the nodes and
# of each other down to a phone's width (390 px), where a unit of x is ~130 px wide.
LABEL_AT = {
    "w13": (0.45, 0.09),
    "w24": (0.45, -0.09),
    "w14": (0.7, 0.0),
    "w23": (0.7, 0.0),
    "w35": (0.5, 0.09),
    "w45": (0.5, -0.09),
}
TEXT_ABOVE = ("n3",)  # its values go above it: below, they would meet w23's label
# what this step uses: vermillion, thicker; the rest grey (both 3:1 or more on white); node
# fills under their labels at 4.5:1 (dark text on vermillion, white on blue)
HOT, COLD, NODE = VERMILLION, GREY, "#1F5FA0"
HOT_TEXT, NODE_TEXT, LABEL_TEXT = "#111111", "white", "#333333"


def network_figure(
    weights: dict[str, float], node_text: dict[str, str], touches: tuple[str, ...] = ()
) -> go.Figure:
    """Neurons and weights; what the current step touches is orange and thick."""
    fig = go.Figure()
    for name, (a, b) in EDGES.items():
        (x0, y0), (x1, y1) = POSITIONS[a], POSITIONS[b]
        hot = name in touches
        fig.add_scatter(
            x=[x0, x1],
            y=[y0, y1],
            mode="lines",
            hoverinfo="skip",
            line={"color": HOT if hot else COLD, "width": 5 if hot else 2},
        )
        t, up = LABEL_AT[name]
        fig.add_annotation(
            x=x0 + (x1 - x0) * t,
            y=y0 + (y1 - y0) * t + up,
            # two short lines: narrow enough; this step's weights underlined as well as colored
            text=f"<b>{name}</b><br>{weights[name]:.4f}"
            if not hot
            else f"<b><u>{name}</u></b><br><b>{weights[name]:.4f}</b>",
            showarrow=False,
            font={"color": LABEL_TEXT, "size": 12},
            bgcolor="rgba(255,255,255,0.85)",
            name=name,
        )
    names = list(POSITIONS)
    fig.add_scatter(
        x=[POSITIONS[n][0] for n in names],
        y=[POSITIONS[n][1] for n in names],
        mode="markers+text",
        text=[node_text.get(n, n) for n in names],
        textposition=["top center" if n in TEXT_ABOVE else "bottom center" for n in names],
        marker={
            "size": 46,
            "color": [HOT if n in touches else NODE for n in names],
            "line": {"color": "white", "width": 2},
        },
        hoverinfo="skip",
    )
    for n in names:
        label = n.replace("n", "") if n.startswith("n") else n
        fig.add_annotation(
            x=POSITIONS[n][0],
            y=POSITIONS[n][1],
            text=f"<b>{label}</b>",
            showarrow=False,
            font={"color": HOT_TEXT if n in touches else NODE_TEXT, "size": 14},
        )
    fig.update_layout(
        showlegend=False,
        height=380,
        template="plotly_white",
        title={"text": "The network (orange: this step uses it)", "x": 0.01},  # fits 390 px
        margin={"l": 20, "r": 20, "t": 50, "b": 20},
        xaxis={"visible": False, "range": [-0.35, 2.35]},
        yaxis={"visible": False, "range": [-0.05, 1.12]},
    )
    return fig


def error_figure(rows: list[dict]) -> go.Figure:
    fig = go.Figure()
    fig.add_scatter(
        x=[r["iteration"] for r in rows],
        y=[r["E"] for r in rows],
        mode="lines+markers",
        name="E = ½(t − o)²",
    )
    fig.update_layout(
        title={"text": "Error after each update", "x": 0.01},
        xaxis_title="iteration",
        yaxis_title="E",
        template="plotly_white",
        height=340,
    )
    return fig
