"""Compare runs: overlay any of this session's runs, sort them, export, import and delete."""

import pandas as pd
import streamlit as st

from core.figures.repeats import SPREADS, band_figure
from core.figures.runs import overlay_figure
from core.figures.summary import curves_summary, groups_summary
from core.jobs.contract import TRAINING_TASK
from core.lab.config import Caps
from core.runs.course_reference import reference_lines, references
from core.runs.records import history_csv, new_records, records_from_json, run_table, runs_json
from core.runs.repeats import MEASURES, METHOD, group_table, groups_of, verdict
from pages.ui import page_state
from pages.ui.run_view import escape_markdown, metric_choice
from pages.ui.runtime import chart, job_manager, owner, submit, through_app, url_extras
from pages.ui.tables import number_table

through_app()  # first: a deep link opens the real app

LINKED_RUNS = str(st.query_params.get("runs", ""))  # read before the URL is tidied
page_state.no_settings()

MAX_IMPORT_BYTES = 20 * 2**20  # as .streamlit/config.toml's server.maxUploadSize

st.title("Compare runs")
manager, me = job_manager(), owner()

with st.expander("Import runs (JSON exported from this app)"):
    upload = st.file_uploader("Run JSON", type="json", key="cr_upload")
    if upload is not None and st.session_state.get("cr_imported") != upload.file_id:
        st.session_state.cr_imported = upload.file_id  # one message per file, then done
        try:
            if upload.size > MAX_IMPORT_BYTES:
                raise ValueError(
                    f"This file has {upload.size / 2**20:.1f} MB; run files up to "
                    f"{MAX_IMPORT_BYTES // 2**20} MB can be imported."
                )
            records, notices = records_from_json(upload.getvalue().decode("utf-8", "replace"))
            kept = sum(len(job.history) for job in manager.jobs(me))
            adding = sum(len(record.history) for record in records)
            if kept + adding > Caps.from_env().max_kept_epochs:
                raise ValueError(
                    f"These runs add {adding:,} epochs to the {kept:,} you keep; this server "
                    f"keeps at most {Caps.from_env().max_kept_epochs:,} per learner. Delete "
                    "some runs first."
                )
        except ValueError as error:
            st.error(str(error))
        else:
            fresh = new_records(records, manager.jobs(me))
            for record in fresh:
                manager.adopt(me, record)
            st.success(f"Imported {len(fresh)} run(s).")
            if len(fresh) < len(records):
                st.info(f"{len(records) - len(fresh)} run(s) of this file are already here.")
            for notice in notices:
                st.warning(notice)

for notice in manager.notices(me):
    st.warning(notice)

everything = manager.jobs(me)
interrupted = [job for job in everything if job.status == "interrupted"]
if interrupted:
    st.subheader("Interrupted by a server restart")
    st.caption("Their curves so far are kept below; run one again with the same settings.")
    for job in interrupted:
        left, right = st.columns([4, 1])
        left.write(f"**{job.id}** · {escape_markdown(job.label)} · {len(job.history)} epochs kept")
        again = right.button("Run again", key=f"cr_again_{job.id}", icon=":material/replay:")
        if again and (run_id := submit(job.payload, job.label)):
            st.success(f"Queued again as {run_id}: it trains in the background.")


def restore_selection(ids: list[str]) -> None:
    """The runs shown: a link's `runs=run-3,run-5`, else those shown when the learner left
    the page (Streamlit forgets a page's widgets), else the latest three."""
    if "cr_runs" in st.session_state:
        return
    linked = LINKED_RUNS.split(",")
    kept = st.session_state.get("cr_kept", {})
    wanted = [i for i in linked if i in ids] or [i for i in kept.get("runs", []) if i in ids]
    st.session_state.cr_runs = wanted or ids[-3:]
    if kept.get("metric") and "cr_metric" not in st.session_state:
        st.session_state.cr_metric = kept["metric"]


def keep_selection() -> None:
    shown = {"runs": list(st.session_state.cr_runs), "metric": st.session_state.cr_metric}
    st.session_state.cr_kept = shown
    query = {**url_extras(), "runs": ",".join(shown["runs"])} if shown["runs"] else url_extras()
    if st.query_params.to_dict() != query:
        st.query_params.from_dict(query)


def delete_everything() -> None:
    deleted = manager.delete_all(me)
    st.session_state.cr_sure = False
    st.session_state.cr_deleted = deleted


with st.expander("Your stored runs", expanded=False):
    caps = Caps.from_env()
    epochs = sum(len(job.history) for job in everything)
    st.caption(
        f"You keep {len(everything):,} runs with {epochs:,} epochs (this server keeps up to "
        f"{caps.max_runs:,} runs and {caps.max_kept_epochs:,} epochs per learner). Runs are "
        f"saved as they train and survive server restarts; runs nobody opens for "
        f"{caps.keep_days:g} days are deleted. Only this browser sees them."
    )
    sure = st.checkbox("Yes, delete every run I have, on every page", key="cr_sure")
    st.button(
        "Delete all my runs", key="cr_delete_all", disabled=not sure, on_click=delete_everything
    )
if (deleted := st.session_state.pop("cr_deleted", None)) is not None:
    st.success(f"Deleted {deleted} run(s).")

runs = [job for job in everything if job.task == TRAINING_TASK and job.history]
if not runs:
    st.info("No runs yet: train in the Training Lab or run a lecture experiment, then come back.")
    st.stop()

labels = {job.id: f"{job.id} · {job.label}" for job in runs}
restore_selection(list(labels))  # the link's or the last visit's runs, those still here
chosen = st.multiselect("Runs", list(labels), key="cr_runs", format_func=labels.get)
metric = metric_choice("cr_metric")
keep_selection()
course = st.multiselect(
    "Course runs to draw beside (the notes' printed logs)",
    list(references()),
    key="cr_course",
    format_func=lambda name: references()[name]["what"],
)
selected = [job for job in runs if job.id in chosen]
groups = groups_of(selected)
repeated = any(group.seeds > 1 for group in groups)
if st.toggle(
    "One line per setting: the mean over its seeds, with a band",
    value=repeated,
    key="cr_grouped",
    help="Runs whose settings are equal but for the seed form a group.",
):
    left, right = st.columns(2)
    spread = left.radio(
        "Band", list(SPREADS), format_func=SPREADS.get, horizontal=True, key="cr_spread"
    )
    faint = right.checkbox("Show each seed (faint)", key="cr_seeds_shown")
    chart(
        band_figure(groups, metric, spread, faint),
        key="cr_bands",
        summary=groups_summary(groups, metric),
    )
    table = pd.DataFrame(group_table(groups))
    st.dataframe(table, hide_index=True)
    st.download_button(
        "Settings, mean ± std over seeds (CSV)",
        table.to_csv(index=False),
        "settings.csv",
        "text/csv",
        key="cr_groups_csv",
    )
else:
    overlay = overlay_figure(
        [(labels[job.id], job.history) for job in selected],
        metric,
        reference_lines(course),
        colors=[job.seq for job in selected],  # a run keeps its color whatever else is shown
    )
    chart(
        overlay,
        key="cr_overlay",
        summary=curves_summary(
            [(labels[j.id], [(h["epoch"], h.get(metric)) for h in j.history]) for j in selected],
            metric,
        ),
    )

if len(groups) >= 2:
    st.subheader("Is the difference real?")
    names = {index: f"{group.label} ({group.seeds} seed(s))" for index, group in enumerate(groups)}
    c1, c2, c3 = st.columns(3)
    first = c1.selectbox("Setting A", list(names), format_func=names.get, key="cr_group_a")
    second = c2.selectbox(
        "Setting B", list(names), index=1, format_func=names.get, key="cr_group_b"
    )
    measure = c3.selectbox("Measure", list(MEASURES), key="cr_measure")
    if first == second:
        st.info("Pick two different settings.")
    else:
        result = verdict(groups[first], groups[second], measure)
        (st.success if result.real else st.info)(result.sentence)
        st.caption(METHOD)

st.subheader("All runs (click a column to sort)")
number_table(run_table(runs))

c1, c2, c3 = st.columns(3)
c1.download_button(
    "All runs (JSON)", runs_json(runs), "runs.json", "application/json", key="cr_all_json"
)
if selected:
    first = selected[0]
    c2.download_button(
        f"{first.id} history (CSV)", history_csv(first), f"{first.id}.csv", "text/csv", key="cr_csv"
    )
with c3.popover("Delete selected runs", disabled=not selected, icon=":material/delete:"):
    st.write(f"Delete {len(selected)} run(s) for good: " + ", ".join(j.id for j in selected) + "?")
    if st.button("Delete them", key="cr_delete", type="primary"):
        for job in selected:
            manager.delete(me, job.id)
        st.rerun()
