"""AppTest: a lecture experiment queues its runs and overlays them."""

import json
import time

from core.figures.runs import overlay_figure
from tests.apptest_pages import open_page


def test_overlay_has_a_solid_and_a_dashed_trace_per_run():
    history = [{"epoch": 1, "val_data_loss": 0.5, "data_loss": 0.4}]
    fig = overlay_figure([("a", history), ("b", history)])
    names = [t.name for t in fig.data]
    assert names == ["a", "a (train)", "b", "b (train)"]
    assert [t.line.dash for t in fig.data] == ["solid", "dash", "solid", "dash"]
    assert fig.data[0].line.color == fig.data[1].line.color != fig.data[2].line.color


def test_offline_preset_runs_and_overlays_every_run():
    at = open_page("pages/experiments.py")
    at.selectbox(key="ex_preset").set_value("digits_regularization").run()
    assert any("measured" in c.value for c in at.caption)  # how long the quick runs take
    assert at.number_input(key="ex_seeds").value == 3  # 17 s for 3 seeds: they fit
    at.button(key="ex_run").click().run()
    deadline = time.monotonic() + 240
    verdicts = []
    while time.monotonic() < deadline and len(verdicts) < 2:  # shown once every run ended
        at.run()
        verdicts = [m.value for m in [*at.success, *at.info] if "(vs none)" in m.value]
        time.sleep(1)
    assert len(verdicts) == 2 and all("3 seeds each" in v for v in verdicts), verdicts
    assert list(at.dataframe[0].value["Seeds"]) == [3, 3, 3]
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    solid = [t["name"] for t in spec["data"] if t.get("showlegend", True)]
    assert solid == [f"{name} (mean of 3 seeds)" for name in ("none", "L2 0.01", "dropout 0.5")]
    assert sum(t.get("fill") == "toself" for t in spec["data"]) == 3  # one band per setting
    assert all(len(t["x"]) == 120 for t in spec["data"] if t.get("fill") != "toself")


def test_the_experiment_size_and_metric_are_in_the_url_and_kept_across_pages():
    at = open_page("pages/experiments.py", {"preset": "mnist_cnn", "size": "course"})
    assert at.selectbox(key="ex_preset").value == "mnist_cnn"
    assert at.radio(key="ex_size").value == "course"
    at.radio(key="ex_metric").set_value("val_accuracy").run()
    assert at.query_params["preset"] in ("mnist_cnn", ["mnist_cnn"])
    assert at.query_params["metric"] in ("val_accuracy", ["val_accuracy"])
    at.switch_page("pages/home.py").run()
    at.switch_page("pages/experiments.py").run()
    assert at.selectbox(key="ex_preset").value == "mnist_cnn"
    assert at.radio(key="ex_size").value == "course" and at.radio(key="ex_metric").value == (
        "val_accuracy"
    )
    bad = open_page("pages/experiments.py", {"preset": "nope"})
    assert any("preset" in w.value for w in bad.warning)
