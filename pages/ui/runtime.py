"""Process-wide singletons (the job pool) and per-session identity, behind Streamlit caches."""

from __future__ import annotations

import os
import re
import socket
import uuid
from pathlib import Path

import streamlit as st

from core.figures.style import (
    FONT,
    fit_title,
    for_dark_theme,
    legend_clear_of_axis,
    presentation_style,
    room_for_legend,
    title_chars,
)
from core.figures.summary import describe
from core.jobs.contract import Payload
from core.jobs.identity import LEARNER_COOKIE, cookie_script, learner_id, new_token
from core.jobs.manager import JobLimitReached, JobManager, Policy, backend_from_env
from core.jobs.worker import Recycle
from core.lab.config import Caps
from core.store.run_store import RunStore

ASSETS = Path(__file__).resolve().parents[2] / "assets"
HEARTBEAT_SECONDS = 30


def through_app() -> None:
    """Run this page under app.py's navigation, even when a deep link is the server's first
    request: Streamlit then treats the `pages/` folder as an old-style multipage app (its raw
    file list as navigation, app.py never runs) until st.navigation is first called. The flag
    is switched off and a session app.py never ran for reruns through it, on the same page."""
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        if not st.session_state.get("app_ran"):
            st.rerun()
    from pages.ui.controls import flags_caption

    flags_caption()  # a mission's link says which controls it hides or locks


@st.cache_resource(show_spinner=False)
def job_manager() -> JobManager:
    """One pool of worker processes for the whole server, started with it."""
    caps = Caps.from_env()
    policy = Policy(
        max_active_per_owner=caps.max_jobs,
        max_queued=caps.max_queued,
        time_limit=caps.job_minutes * 60,
        owner_timeout=caps.session_seconds,
        max_runs=caps.max_runs,
        max_epochs=caps.max_kept_epochs,
        max_bytes=int(caps.max_mb * 2**20),
    )
    store = None if os.environ.get("REGLAB_DB_URL") == "memory" else RunStore(server=server_name())
    return JobManager(
        policy=policy,
        backend=backend_from_env(Recycle(caps.worker_jobs, caps.worker_mb)),
        store=store,
        server=server_name(),
        keep_per_owner=caps.max_runs,
        keep_days=caps.keep_days,
        store_bytes=int(caps.store_mb * 2**20),
    )


def server_name() -> str:
    """This front end in the run store: REGLAB_SERVER_NAME, else host and port (a server that
    starts on a port its predecessor had knows that one's runs were interrupted)."""
    name = os.environ.get("REGLAB_SERVER_NAME", "").strip()
    return name or f"{socket.gethostname()}:{st.get_option('server.port')}"


def owner() -> str:
    """This learner's id, from the app's own long-lived cookie (core.jobs.identity): their tabs,
    reloads and the next week's visit share runs and caps. A first visit gets a new token,
    which remember_learner() stores in the browser. Jobs are only visible to their learner."""
    if "owner" not in st.session_state:
        token = (st.context.cookies or {}).get(LEARNER_COOKIE)
        if learner_id(token) is None:
            token = st.session_state.learner_token = new_token()
        st.session_state.owner = learner_id(token)
    return st.session_state.owner


def remember_learner() -> None:
    """Store a first visit's token in the browser (app.py, in the sidebar; draws nothing)."""
    owner()
    if token := st.session_state.get("learner_token"):
        st.html(cookie_script(token), unsafe_allow_javascript=True)


def saving_notice() -> None:
    """Every page says so when runs are not being saved, or a damaged store was replaced."""
    pool = job_manager().status()
    if pool["saving"]:
        st.warning(
            pool["saving"] + " Your runs are kept while this server runs, and written once the "
            "database is back.",
            icon=":material/cloud_off:",
        )
    for notice in pool["store_notices"]:
        st.sidebar.caption(f":material/build: {notice}")


@st.fragment(run_every=HEARTBEAT_SECONDS)
def heartbeat() -> None:
    """While a tab is open its learner's jobs keep running; closed, they stop after a grace."""
    job_manager().heartbeat(owner())


def submit(payload: Payload, label: str, **options) -> str | None:
    """Queue a job for this session; None (with the reason shown) when the session's cap is hit."""
    try:
        return job_manager().submit(owner(), payload.task, payload, label, **options)
    except JobLimitReached as limit:
        st.error(str(limit))
        return None


def run_again(job, state_key: str) -> None:
    """Queue an interrupted (or any) run again with its own settings, and show the new one."""
    if run_id := submit(job.payload, job.label):
        st.session_state[state_key] = run_id
        st.rerun()


def resumed(jobs, state_key: str) -> str | None:
    """The session's run on a page, else (after a restart, a new tab) the learner's latest one
    if it is still going or was interrupted: they land on what they were doing."""
    if selected := st.session_state.get(state_key):
        return selected
    if jobs and (jobs[-1].active or jobs[-1].status == "interrupted"):
        return jobs[-1].id
    return None


def new_group() -> str:
    """An id shared by one setting's seed repeats: they count as one job for the caps."""
    return "group-" + uuid.uuid4().hex[:12]


def repeats_input(key: str, default: int = 1, container=None) -> int:
    """'Seeds' (1–10): each setting runs once per seed; seeded from the URL's `seeds`."""
    from core.lab.url_state import field_range, from_query
    from core.runs.repeats import Repeats

    if key not in st.session_state:
        params = st.query_params.to_dict()
        read = from_query(Repeats, params)[0].seeds if "seeds" in params else default
        st.session_state[key] = read
    low, high = field_range(Repeats, "seeds")
    from pages.ui.controls import controls

    return int(
        controls(container or st).number_input(
            "Seeds",
            low,
            high,
            step=1,
            key=key,
            help="Run each setting with this many seeds (seed, seed + 1, …): the chart then "
            "shows their mean with a band, and Compare runs says whether a difference between "
            "two settings is larger than the seeds' own spread.",
        )
    )


def seeds_query(seeds: int) -> dict[str, str]:
    return {"seeds": str(seeds)} if seeds > 1 else {}


def markdown(name: str) -> None:
    """Teaching text from assets/<name>.md."""
    st.markdown((ASSETS / f"{name}.md").read_text(encoding="utf-8"))


def presentation_mode() -> bool:
    return bool(st.session_state.get("presentation", False))


def url_extras() -> dict[str, str]:
    """App-wide settings every page's URL keeps: presentation mode (`present=1`) and the
    controls a mission's link hides or locks (`<key>_hide=1`, `<key>_lock=1`), the class
    (`class=CODE`)."""
    from pages.ui.classroom import class_query
    from pages.ui.controls import flags

    present = {"present": "1"} if presentation_mode() else {}
    return {**present, **flags().to_query(), **class_query()}


def seed_presentation() -> None:
    """A link with `present=1` opens in presentation mode (app.py, before the toggle)."""
    if "presentation" not in st.session_state:
        st.session_state.presentation = st.query_params.get("present") == "1"


# Captions in the body's own color, a little faded (Streamlit's grey is 3.9:1 on white; this
# is 5.5:1 on white and 8:1 on the dark theme); a formula's last glyph inside its box (KaTeX
# overflowed by 2 px, which made the formula a scroll region no key can reach); a visible
# focus ring on every control a keyboard reaches, and a chart's toolbar shown while a key is on
# one of its buttons (Plotly shows it on hover only); link and button labels that wrap on a
# phone instead of ending in an ellipsis.
ACCESSIBLE_CSS = """<style>
[data-testid=stCaptionContainer], [data-testid=stCaptionContainer] p {color: inherit;}
[data-testid=stCaptionContainer] {opacity: 0.72;}
.katex-display > .katex {padding-right: 0.3em;}
.js-plotly-plot:focus-within .modebar-group {opacity: 1 !important;}
:is(a, button, input, textarea, summary, [role=slider], [role=tab], [role=switch],
  [tabindex="0"]):focus-visible {outline: 2px solid var(--reglab-focus) !important;
  outline-offset: 2px;}
[data-testid^=stPageLink] :is(p, span), [data-testid^=stBaseButton] p
  {white-space: normal !important; overflow: visible; text-overflow: clip;}
</style>"""
# the focus ring's color: the text's, fixed (a primary button's own text is white on white)
FOCUS_COLORS = {"light": "#1A1A1A", "dark": "#FFFFFF"}


# The dark theme's primary is light (4.7:1 or more as text on its backgrounds): a primary
# button's label and a chosen option's tag on it are then dark, not white (3:1).
DARK_PRIMARY_BUTTON_CSS = """<style>
[data-testid=stBaseButton-primary], [data-testid=stBaseButton-primary] p,
[data-tag], [data-tag] span, [data-tag] button {color: #171614;}
</style>"""


def dark_theme() -> bool:
    """The theme the browser shows (its preference, or the app menu's choice)."""
    return getattr(st.context.theme, "type", None) == "dark"


def apply_accessible_css() -> None:
    focus = FOCUS_COLORS["dark" if dark_theme() else "light"]
    st.html(
        f"<style>:root {{--reglab-focus: {focus};}}</style>"
        + ACCESSIBLE_CSS
        + (DARK_PRIMARY_BUTTON_CSS if dark_theme() else "")
    )


def apply_presentation_css() -> None:
    if presentation_mode():
        st.markdown(
            "<style>html, body, [data-testid=stMain] {font-size: 1.25rem;}"
            " [data-testid=stMain] h1 {font-size: 2.6rem;}</style>",
            unsafe_allow_html=True,
        )


FIGURE_FORMATS = {
    "slide": "PNG 16:9 (slides)",
    "svg": "SVG 16:9",
    "screen": "PNG as on screen",
}
SLIDE = {"width": 960, "height": 540, "scale": 2}  # 1920×1080 pixels, fonts sized for a slide


def figure_config(fig, name: str = "") -> dict:
    """The chart's toolbar: the camera button saves in the format chosen in the sidebar, under
    a file name from the page, the run and the figure's title."""
    chosen = st.session_state.get("figure_format", "slide")
    title = str(fig.layout.title.text or "").replace("<br>", " ")
    words = [st.session_state.get("page_title", ""), name, title]
    filename = slug(" ".join(w for w in words if w)) or "regularization-lab"
    if chosen == "screen":
        image = {"format": "png", "scale": 3}
    else:
        image = {**SLIDE, "format": "svg" if chosen == "svg" else "png"}
        if chosen == "svg":
            image["scale"] = 1
    return {
        "displaylogo": False,
        # no selection tools (nothing here selects points) nor +/- zoom (the box zoom and the
        # scroll do it): the toolbar stays one row on a third-width chart in presentation mode
        "modeBarButtonsToRemove": ["select2d", "lasso2d", "zoomIn2d", "zoomOut2d"],
        "toImageButtonOptions": {**image, "filename": filename},
    }


def slug(text: str, most: int = 80) -> str:
    """A file name's part from any text: lower case, letters and digits joined by dashes."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:most].strip("-")


def chart(fig, key: str | None = None, name: str = "", summary: str = "") -> None:
    """A Plotly figure: bigger fonts in presentation mode, a title that fits (wrapped, under
    the toolbar's row), a legend clear of the axis, saved for slides by the camera button;
    dark colors swapped for light ones in the dark theme; described for screen readers (its
    accessible name), and `summary` (what its curves show, in words) written under it."""
    alt = describe(fig)
    if summary:
        alt = f"{str(fig.layout.title.text or 'Chart').replace('<br>', ' ')}. {summary}"
    if dark_theme():
        fig = for_dark_theme(fig)
    if presentation_mode():
        presentation_style(fig)
    fig.update_layout(font_family=fig.layout.font.family or FONT)
    fit_title(fig, title_chars(presentation_mode()))
    room_for_legend(fig)
    legend_clear_of_axis(fig)
    st.plotly_chart(fig, key=key, config=figure_config(fig, name), width="stretch", alt=alt)
    if summary:
        st.caption(summary)
