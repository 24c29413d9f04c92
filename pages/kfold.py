"""K-fold validation: one model per fold trained live, their average, then the final retrain."""

import streamlit as st

from core.data.course_data import configured_folder
from core.figures.kfold import average_train_val_figure, final_model_figure, folds_figure
from core.jobs.contract import KFOLD_TASK, KFoldPayload, kfold_result
from core.lab.kfold import (
    COURSE_CONFIG,
    COURSE_SETTINGS,
    DEMO_CONFIG,
    DEMO_SETTINGS,
    KFoldSettings,
    fold_average,
    kfold_problems,
)
from core.runs.records import describe
from pages.ui import page_state, run_view
from pages.ui.controls import controls
from pages.ui.lab_state import adopt_config, share_config
from pages.ui.runtime import (
    chart,
    job_manager,
    markdown,
    owner,
    resumed,
    run_again,
    submit,
    through_app,
)
from pages.ui.training_widgets import start_config, training_sidebar

through_app()  # first: a deep link opens the real app

st.title("K-fold validation")
manager, me = job_manager(), owner()


def use_setup(config, settings) -> None:
    """A setup button's callback: it runs before the widgets exist, so it may set them."""
    adopt_config(config)
    page_state.seed("kf", settings, overwrite=True)
    st.session_state.kf_config = settings


start_config("kf_model", fallback=DEMO_CONFIG)
page_state.start("kf", KFoldSettings)
markdown("kfold_intro")
left, right = controls().columns(2)
left.button(
    "Offline demo: noisy moons, 240 examples",
    on_click=use_setup,
    args=(DEMO_CONFIG, DEMO_SETTINGS),
    key="kf_demo",
)
right.button(
    "Course setup: 1,000 IMDB reviews, k = 4, 32-32 RMSprop, 30 epochs",
    on_click=use_setup,
    args=(COURSE_CONFIG, COURSE_SETTINGS),
    key="kf_course",
)
c1, c2, c3 = controls().columns(3)
c1.number_input(
    "Reduced training-set size",
    20,
    25_000,
    step=100,
    key="kf_size",
    help="The first N training examples, as the course keeps the first 1,000 IMDB reviews.",
)
c2.slider("Folds k", 2, 10, key="kf_k")
c3.slider("Repetitions P (iterated K-fold; repetitions 2… reshuffled)", 1, 5, key="kf_repeats")
settings = page_state.read("kf", KFoldSettings)
config = training_sidebar(holdout=False)
share_config(config)
page_state.save("kf", settings, config)
st.caption(
    f"Models to train: k × P + 1 = {settings.k} × {settings.repeats} + 1 = "
    f"**{settings.models}** (one per fold, plus the final model). The model, data and "
    "training settings are the Training Lab's (sidebar); early stopping is off here, "
    "since every fold must train every epoch to be averaged."
)

errors = kfold_problems(settings, config)
for error in errors:
    st.error(error)

selected = resumed(manager.jobs(me, KFOLD_TASK), "kf_run")
b1, b2, _ = controls().columns([1, 1, 3])
if b1.button("Run K-fold", type="primary", disabled=bool(errors), key="kf_start"):
    payload = KFoldPayload(config, settings, configured_folder())
    label = f"{settings.k}-fold × {settings.repeats} · {describe(config)}"
    selected = st.session_state.kf_run = submit(payload, label) or selected
current = manager.snapshot(me, selected) if selected else None
if b2.button("Stop", disabled=not (current and current.active), key="kf_stop"):
    manager.stop(me, selected)


def results(job) -> None:
    result, epochs = kfold_result(job.result), job.payload.config.epochs
    if result is None or result.best_index is None:
        return
    best, at_best, test = result.best_index, result.folds_at_best, result.test
    st.subheader("The course's last step: retrain on everything, test once")
    loss, accuracy = at_best["val_data_loss"], at_best["val_accuracy"]
    shown = (
        ("lowest average validation loss", f"{loss.mean:.4f}", f"± {loss.std:.4f}"),
        (
            f"folds' validation accuracy at epoch {best + 1}",
            f"{accuracy.mean:.2%}",
            f"± {accuracy.std:.2%}",
        ),
        (
            f"final model: {result.retrain_epochs} epochs on all data → test accuracy",
            f"{test['accuracy']:.2%}",
            f"{test['accuracy'] - accuracy.mean:+.2%} vs folds",
        ),
    )
    train_loss, train_accuracy = at_best["data_loss"], at_best["accuracy"]
    shown += (
        (
            f"average train loss at epoch {best + 1}",
            f"{train_loss.mean:.4f}",
            f"± {train_loss.std:.4f}",
        ),
        (
            f"average train accuracy at epoch {best + 1}",
            f"{train_accuracy.mean:.2%}",
            f"± {train_accuracy.std:.2%}",
        ),
        ("final model: test loss", f"{test['data_loss']:.4f}", ""),
    )
    for row in (shown[:3], shown[3:]):
        for column, (label, value, delta) in zip(controls().columns(3), row, strict=True):
            column.metric(label, value, delta=delta or None, delta_color="off", delta_arrow="off")
    chart(final_model_figure(job.history), key="kf_final")
    st.caption(
        f"Lowest average validation loss at epoch {best + 1} of {epochs} (argmin index "
        f"{best}, as the course prints it); ± is one standard deviation across the folds."
    )
    sizes = result.sizes
    st.caption(
        f"{result.models_trained} models trained. Reduced set: {sizes['reduced']:,} of "
        f"{sizes['available']:,} training examples; {sizes['validation per fold']:,} validate "
        f"each fold; test set: {sizes['test']:,} examples, used once, by the final model."
    )


def live(run_id: str, was_active: bool) -> None:
    job = manager.snapshot(me, run_id)
    if job is None:
        return
    run_view.status_line(job, lambda again: run_again(again, "kf_run"))
    epochs = job.payload.config.epochs
    average = fold_average(job.history, epochs)
    tabs = st.tabs(["Validation loss per fold", "Validation accuracy", "Average train vs val"])
    with tabs[0]:
        chart(folds_figure(job.history, average, "val_data_loss", epochs), key="kf_loss")
    with tabs[1]:
        chart(folds_figure(job.history, average, "val_accuracy", epochs), key="kf_acc")
    with tabs[2]:
        chart(average_train_val_figure(average), key="kf_avg")
    if was_active and not job.active:
        st.rerun()


if current is not None:
    st.fragment(run_every=0.5 if current.active else None)(live)(current.id, current.active)
    if not current.active:
        results(current)
