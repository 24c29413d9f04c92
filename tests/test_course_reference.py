"""The course's printed logs, stored as data: they load and match the numbers the notes print."""

import json

from streamlit.testing.v1 import AppTest

from core.figures.runs import overlay_figure
from core.runs.course_reference import reference_lines, references
from tests.test_compare_runs import sample_run


def lowest(run: str, metric: str = "val_loss") -> tuple[int, float]:
    history = references()[run]["history"]
    best = min(history, key=lambda h: h[metric])
    return best["epoch"], best[metric]


def test_logs_match_the_numbers_the_notes_print():
    runs = references()
    assert {len(runs[r]["history"]) for r in ("imdb_16_16", "imdb_4_4")} == {20}
    assert lowest("imdb_16_16") == (4, 0.2781)  # MISSION: bottoms out near epoch 4 (0.278)
    assert runs["imdb_16_16"]["history"][-1]["val_loss"] == 0.6376  # climbs to 0.64
    assert lowest("imdb_4_4") == (17, 0.4312)
    assert lowest("imdb_512_512") == (2, 0.2744)
    assert len(runs["kfold_final"]["history"]) == 11  # best_epoch + 1 = 11 in the notebook
    assert runs["mnist_cnn_plain"]["history"][0]["val_accuracy"] == 0.9790
    assert runs["mnist_cnn_bn"]["history"][-1]["val_accuracy"] == 0.9908
    for run in runs.values():
        assert run["source"].endswith(tuple(f":{n}" for n in range(1, 5000)))


def test_course_lines_are_grey_dotted_beside_the_runs():
    course = reference_lines(["imdb_4_4", "nope"])
    figure = overlay_figure([("mine", sample_run(1, "mine").history)], "val_data_loss", course)
    names = [trace.name for trace in figure.data]
    assert names[0].startswith("course: IMDB 4-4") and "mine" in names
    assert figure.data[0].line.dash == "dot" and len(figure.data[0].x) == 20


def test_compare_runs_draws_chosen_course_lines():
    from pages.ui.runtime import job_manager

    job_manager().adopt("course-tester", sample_run(1, "mine"))
    at = AppTest.from_file("../app.py", default_timeout=60)
    at.session_state["owner"] = "course-tester"
    at.run()
    at.switch_page("pages/compare_runs.py").run()
    at.multiselect(key="cr_course").set_value(["imdb_512_512"]).run()
    assert not at.exception
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert any(t["name"].startswith("course: IMDB 512-512") for t in spec["data"])
