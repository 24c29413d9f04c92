"""Compare runs: export → import round trip, and the page's overlay follows the selection."""

import json

from streamlit.testing.v1 import AppTest

from core.jobs.contract import TRAINING_TASK, TrainingPayload
from core.jobs.records import JobRecord
from core.lab.config import TrainingConfig
from core.runs.records import records_from_json, run_json, runs_json

RESULT_REST = {
    "final": "last",
    "best_epoch": 3,
    "epochs_run": 5,
    "early_stopped": False,
    "restored_best": False,
    "weights": [
        {
            "layer": "dense",
            "counts": [1, 2],
            "edges": [-1.0, 0.0, 1.0],
            "zero_fraction": 0.0,
            "near_zero_fraction": 0.1,
            "mean_abs": 0.3,
            "l2_norm": 1.2,
        }
    ],
    "best_val_loss": 0.61,
    "params": 97,
    "sizes": {"train": 6, "validation": 2, "test": 2},
}


def scores(accuracy: float, loss: float) -> dict:
    return {
        "accuracy": accuracy,
        "data_loss": loss,
        "loss": loss + 0.01,
        "confusion": [[3, 1], [0, 4]],
        "misclassified": [{"index": 2, "true": 0, "predicted": 1}],
        "misclassified_images": [],
    }


def sample_run(number: int, label: str) -> JobRecord:
    history = [
        {
            "epoch": e,
            "loss": 1 / e,
            "data_loss": 0.9 / e,
            "penalty": 0.1 / e,
            "accuracy": 0.5 + e / 100,
            "val_loss": 1.1 / e + e / 50,
            "val_data_loss": 1.0 / e + e / 50,
            "val_accuracy": 0.45 + e / 100,
            "seconds": 0.01,
        }
        for e in range(1, 6)
    ]
    result = {"test_last": scores(0.8, 0.5), "test_best": scores(0.85, 0.4), **RESULT_REST}
    config = TrainingConfig(dataset="moons", units=(8, 4), l2=(0.01,), seed=number)
    return JobRecord(
        f"run-{number}",
        number,
        "someone",
        TRAINING_TASK,
        label,
        TrainingPayload(config),
        status="finished",
        history=history,
        result=result,
    )


def test_export_import_round_trips_a_run_exactly():
    original = sample_run(7, "L2 run")
    (imported,), notices = records_from_json(run_json(original))
    assert notices == []
    assert imported.history == original.history
    assert imported.result == original.result
    assert imported.payload.config == original.payload.config
    assert imported.label == "L2 run" and imported.status == "finished"
    assert json.loads(run_json(imported)) == json.loads(run_json(original))


def test_import_of_many_runs_and_bad_files():
    runs, _ = records_from_json(runs_json([sample_run(1, "a"), sample_run(2, "b")]))
    assert [r.label for r in runs] == ["a", "b"]
    for bad in ("not json", '{"format": "something else"}'):
        try:
            records_from_json(bad)
        except ValueError as error:
            assert "JSON" in str(error) or "export" in str(error)
        else:
            raise AssertionError("bad file accepted")


def compare_page_with_runs(owner: str, count: int) -> tuple[AppTest, list[str]]:
    """Compare runs opened by `owner`, who has `count` sample runs."""
    from pages.ui.runtime import job_manager

    manager = job_manager()
    ids = [manager.adopt(owner, sample_run(i, f"run {i}")) for i in range(count)]
    at = AppTest.from_file("../app.py", default_timeout=60)
    at.session_state["owner"] = owner
    at.run()
    at.switch_page("pages/compare_runs.py").run()
    return at, ids


def test_page_overlays_the_selected_runs():
    at, ids = compare_page_with_runs("compare-tester", 4)
    assert not at.exception
    assert at.multiselect(key="cr_runs").value == ids[-3:]
    at.multiselect(key="cr_runs").set_value([ids[0], ids[2]]).run()
    assert at.toggle(key="cr_grouped").value  # equal but for the seed: one setting, a band
    at.toggle(key="cr_grouped").set_value(False).run()  # one line per run
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    shown = [t["name"] for t in spec["data"] if t.get("showlegend", True)]
    assert shown == [f"{ids[0]} · run 0", f"{ids[2]} · run 2"]
    assert len(at.dataframe[0].value) == 4
    at.button(key="cr_delete").click().run()
    assert len(at.dataframe[0].value) == 2


def test_run_table_tells_runs_apart_with_human_columns_and_dashes_for_missing_numbers():
    from dataclasses import replace

    from core.runs.records import run_table

    first, second = sample_run(1, "moons 8-4"), sample_run(2, "moons 8-4")
    second.payload = TrainingPayload(replace(second.payload.config, batch_size=64))
    second.result = None
    rows = run_table([first, second])
    assert [row["What differs"] for row in rows] == [
        "Batch size 32, Seed 1",
        "Batch size 64, Seed 2",
    ] or all("Batch size" in row["What differs"] for row in rows)
    assert rows[1]["Test acc., last epoch"] is None  # a number column: no text in it
    assert all(" " in name or name[0].isupper() for name in rows[0])
    import pyarrow as pa

    from pages.ui.tables import numeric_frame, styled

    frame = numeric_frame(rows)
    pa.Table.from_pandas(frame)  # Arrow takes every column (a "—" among floats raised)
    assert frame["Test acc., last epoch"].dtype.kind == "f"
    html = styled(frame).to_html()
    assert "—" in html and "None" not in html and "nan" not in html


def test_a_change_that_rounds_to_nothing_has_no_arrow():
    from pages.ui.run_view import accuracy_change

    assert accuracy_change(0.9, 0.9) is None and accuracy_change(0.90001, 0.9) is None
    assert accuracy_change(0.9125, 0.9) == "+1.25%" and accuracy_change(0.895, 0.9) == "-0.50%"


def test_the_runs_shown_are_in_the_url_and_kept_across_pages():
    at, ids = compare_page_with_runs("compare-keeper", 5)
    at.multiselect(key="cr_runs").set_value([ids[0], ids[3]]).run()
    assert at.query_params["runs"] in (f"{ids[0]},{ids[3]}", [f"{ids[0]},{ids[3]}"])
    at.switch_page("pages/home.py").run()
    at.switch_page("pages/compare_runs.py").run()
    assert at.multiselect(key="cr_runs").value == [ids[0], ids[3]]

    linked = AppTest.from_file("../app.py", default_timeout=60)
    linked.session_state["owner"] = "compare-keeper"
    linked.query_params["runs"] = f"{ids[1]},run-999,{ids[4]}"  # a deleted run is left out
    linked.switch_page("pages/compare_runs.py").run()
    assert not linked.exception
    assert linked.multiselect(key="cr_runs").value == [ids[1], ids[4]]


def test_importing_your_own_export_adds_no_copies():
    from core.runs.records import new_records

    mine = [sample_run(i, f"run {i}") for i in range(3)]
    for job in mine:  # as a worker reports them: the transport's stamps on every epoch
        job.history = [
            {**h, "sent_at": 1.5e9 + h["epoch"], "received_at": 1.6e9} for h in job.history
        ]
    back, _ = records_from_json(runs_json(mine))
    assert new_records(back, mine) == []


def test_an_empty_list_and_absurd_metrics_are_refused_with_a_reason():
    import pytest

    with pytest.raises(ValueError, match="empty list"):
        records_from_json("[]")
    document = json.loads(runs_json([sample_run(1, "a")]))
    document[0]["history"][0]["val_data_loss"] = 1e300
    with pytest.raises(ValueError, match="outside 0 to 1e"):
        records_from_json(json.dumps(document))
    document[0]["history"][0]["val_data_loss"] = 0.5
    document[0]["history"][0]["accuracy"] = 1.5
    with pytest.raises(ValueError, match=r"accuracy is 1\.5, outside 0 to 1"):
        records_from_json(json.dumps(document))


def test_what_differs_leaves_out_settings_that_change_nothing_for_the_run():
    from dataclasses import replace

    from core.lab.config import TrainingConfig
    from core.runs.records import differences

    a = TrainingConfig()  # digits, Adam
    b = replace(a, vocabulary=5000, momentum=0.9, noise=0.4, dropout=(0.5,))
    assert differences([a, b]) == ["Dropout p 0", "Dropout p 0.5"]
    sgd = replace(a, optimizer="sgd", momentum=0.9)
    assert "Momentum 0.9" in differences([a, sgd])[1]


def test_a_run_keeps_its_color_when_another_is_added_to_the_overlay():
    from core.figures.runs import overlay_figure

    first, second, third = (sample_run(i, f"run {i}") for i in (1, 2, 3))
    for number, job in enumerate((first, second, third), 1):
        job.seq = number
    two = overlay_figure([("b", second.history), ("c", third.history)], colors=[2, 3])
    three = overlay_figure(
        [("a", first.history), ("b", second.history), ("c", third.history)], colors=[1, 2, 3]
    )
    before = {t.name: t.line.color for t in two.data}
    after = {t.name: t.line.color for t in three.data}
    assert before["b"] == after["b"] and before["c"] == after["c"]
    assert len({after["a"], after["b"], after["c"]}) == 3
