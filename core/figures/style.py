"""The figures' shared look: run colors, train/validation dashes, layout, presentation mode."""

from __future__ import annotations

import json
import re

import plotly.graph_objects as go

# Okabe & Ito's palette: told apart with every common color-vision deficiency. On white
# only the five at 3:1 or more are used (lines and marks: WCAG's non-text contrast); the dark
# theme swaps each for its light partner (see DARK_PARTNERS).
BLUE, VERMILLION, GREEN, PURPLE, BLACK = "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#000000"
SKY, ORANGE, YELLOW, WHITE = "#56B4E9", "#E69F00", "#F0E442", "#FFFFFF"
GREY = "#767676"  # 4.5:1 on white, 4.2:1 on the dark theme's background
PALETTE = (BLUE, VERMILLION, GREEN, PURPLE, BLACK)
DARK_PARTNERS = {BLUE: SKY, VERMILLION: ORANGE, BLACK: WHITE, "black": "white"}
TRAIN_DASH, VAL_DASH = "dash", "solid"
# A run's marker shape: runs stay told apart where colors cannot be (gray print, a learner
# who does not tell red from green, more runs than colors)
RUN_SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x", "star", "cross", "triangle-down")
BEST_SYMBOL = "star"  # the best epoch's mark, on every training chart


def run_color(index: int) -> str:
    """The same color for a run wherever it is drawn."""
    return PALETTE[index % len(PALETTE)]


def run_symbol(index: int) -> str:
    """The same marker shape for a run wherever it is drawn (cycles after the colors do not)."""
    return RUN_SYMBOLS[index % len(RUN_SYMBOLS)]


def for_dark_theme(fig: go.Figure) -> go.Figure:
    """The same figure for the dark theme: each palette color that is too dark on a dark
    background replaced by its light partner (blue → sky blue, black → white, …), in traces,
    shapes and annotations alike."""
    text = fig.to_json()
    for dark, light in DARK_PARTNERS.items():
        text = text.replace(f'"{dark}"', f'"{light}"').replace(f'"{dark.lower()}"', f'"{light}"')
    dark = go.Figure(json.loads(re.sub(RGBA, _dark_fill, text)))
    for trace in dark.data:  # a one-hue scale's darkest end vanishes on a dark background
        marker = getattr(trace, "marker", None)
        if trace.type == "scatter" and marker is not None and marker.colorscale:
            marker.reversescale = not marker.reversescale
            trace.name = str(trace.name or "").replace("darker =", "brighter =") or None
    return dark


RGBA = re.compile(r"rgba\((\d+),\s*(\d+),\s*(\d+),\s*([\d.]+)\)")


def _dark_fill(match: re.Match) -> str:
    """A faint fill (a gap, a band) for the dark theme: its color's light partner, twice as
    opaque (a tenth of vermillion shows on white, not on near-black)."""
    red, green, blue, alpha = (float(v) for v in match.groups())
    hex_color = f"#{int(red):02X}{int(green):02X}{int(blue):02X}"
    partner = DARK_PARTNERS.get(hex_color, hex_color)
    red, green, blue = (int(partner[i : i + 2], 16) for i in (1, 3, 5))
    if alpha >= 0.5:  # a solid enough color: only its partner
        return f"rgba({red},{green},{blue},{alpha:g})"
    return f"rgba({red},{green},{blue},{min(0.4, alpha * 2):g})"


MODEBAR_ROOM = 28  # px above the title: the chart's toolbar (camera, zoom) sits there on screen


def layout(fig: go.Figure, title: str, x_title: str, y_title: str, height: int = 360):
    """The app's common layout: title at the left under the toolbar's row, axis titles, the
    legend under the plot."""
    fig.update_layout(
        title={"text": title, "x": 0.01},
        xaxis_title=x_title,
        yaxis_title=y_title,
        height=height,
        margin={"l": 60, "r": 20, "t": 50, "b": 50},
        # the legend under the plot: it never covers the title, the curves or the top tick
        legend={"orientation": "h", "yanchor": "top", "y": -0.18, "x": 0, "xanchor": "left"},
        template="plotly_white",
    )
    fig.update_layout(height=height + 40, margin_b=90)
    return fig


PRESENTATION_SIZES = {"font": 18, "title": 26, "axis_title": 20, "ticks": 17, "legend": 17}


def presentation_style(fig: go.Figure) -> go.Figure:
    """The same figure for a projector: every text larger (title, axes, ticks, legend, notes)."""
    sizes = PRESENTATION_SIZES
    fig.update_layout(
        font={"size": sizes["font"]},
        title_font={"size": sizes["title"]},
        legend_font={"size": sizes["legend"]},
        margin={"t": 80, "l": 80},
    )
    fig.update_xaxes(title_font={"size": sizes["axis_title"]}, tickfont={"size": sizes["ticks"]})
    fig.update_yaxes(title_font={"size": sizes["axis_title"]}, tickfont={"size": sizes["ticks"]})
    fig.update_annotations(font={"size": sizes["legend"]})
    return fig


def legend_below(fig: go.Figure) -> go.Figure:
    """Move a long legend under the plot, clear of the title."""
    return fig.update_layout(
        legend={"orientation": "h", "y": -0.14, "yanchor": "top", "x": 0, "xanchor": "left"},
        margin={"b": 110},
    )


def wrap_title(text: str, width: int) -> str:
    """A long title over lines of at most `width` characters, broken between words."""
    lines: list[str] = []
    for part in str(text).split("<br>"):
        line = ""
        for word in part.split(" "):
            if line and len(line) + 1 + len(word) > width:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        lines.append(line)
    return "<br>".join(lines)


def fit_title(fig: go.Figure, width: int) -> go.Figure:
    """Wrap the title to `width` characters and put it under the toolbar's row, with the top
    margin it then needs: no title runs off the figure or hides under the toolbar."""
    title = fig.layout.title.text
    if not title:
        return fig
    wrapped = wrap_title(title, width)
    lines = wrapped.count("<br>") + 1
    size = fig.layout.title.font.size or (fig.layout.font.size or 12) * 1.4
    top = fig.layout.margin.t if fig.layout.margin.t is not None else 80
    needed = MODEBAR_ROOM + int(lines * size * 1.35 + (lines - 1) * size) + 16
    height = (fig.layout.height or 450) + max(0, needed - top)  # the plot keeps its height
    fig.update_layout(
        title={
            "text": wrapped,
            "yref": "container",
            # its top edge under the toolbar's row (Plotly raises a title of several lines
            # by all but its first line: given back)
            "y": 1 - (MODEBAR_ROOM + (lines - 1) * size) / height,
            "yanchor": "top",
        },
        margin={"t": max(top, needed)},
        height=height,
    )
    return fig


def title_chars(presentation: bool) -> int:
    """How many title characters fit on a line of a chart on a phone (390 px: the columns
    stack, each chart about 350 px wide) or of a half-width chart in presentation mode."""
    return 38 if presentation else 40


def legend_clear_of_axis(fig: go.Figure) -> go.Figure:
    """A legend under the plot sits at the figure's bottom edge (container coordinates), and
    Plotly's automatic margin keeps the plot, its ticks and its axis title above it, however
    many rows the legend wraps to and whatever the font sizes (presentation mode)."""
    legend = fig.layout.legend
    if legend.orientation != "h" or legend.y is None or legend.y >= 0:
        return fig
    fig.update_layout(legend={"yref": "container", "y": 0.0, "yanchor": "bottom"})
    fig.update_xaxes(automargin=True)
    return fig


FONT = "Arial, Helvetica, 'Liberation Sans', sans-serif"  # the same on screen and in a saved image


def legend_rows(fig: go.Figure, width_px: int) -> int:
    """How many rows a horizontal legend wraps to in a chart `width_px` wide (an estimate:
    an entry is its symbol and its text, at about 0.55 em a character)."""
    size = fig.layout.legend.font.size or fig.layout.font.size or 12
    names = [
        str(t.name)
        for t in fig.data
        if t.name and t.showlegend is not False and getattr(t, "legendgroup", None) is not False
    ]
    widths = [50 + 0.55 * size * len(name) for name in dict.fromkeys(names)]
    if not widths:
        return 0
    if sum(widths) <= width_px:
        return 1
    # Plotly then lays the entries out in columns as wide as the widest entry
    columns = max(1, int(width_px // max(widths)))
    return -(-len(widths) // columns)


def room_for_legend(fig: go.Figure, width_px: int = 480) -> go.Figure:
    """A legend that wraps to several rows gets them added to the figure's height: the plot
    keeps its own height instead of being squashed by the legend below it."""
    legend = fig.layout.legend
    if legend.orientation != "h" or fig.layout.showlegend is False:
        return fig
    extra = legend_rows(fig, width_px) - 1
    if extra > 0:
        size = legend.font.size or fig.layout.font.size or 12
        fig.update_layout(height=(fig.layout.height or 450) + int(extra * size * 1.9))
    return fig
