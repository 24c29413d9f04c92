"""AppTest: the K-fold page trains its folds in the background and shows average and test score."""

import json
import time

from tests.apptest_pages import open_page


def _poll(at, done, timeout=240):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        at.run()
        assert not at.exception, at.exception
        if done(at):
            return
        time.sleep(1)
    raise AssertionError("the job did not finish in time")


def test_kfold_runs_offline_and_shows_folds_average_and_final_test_score():
    at = open_page("pages/kfold.py")
    assert at.session_state.tl_dataset == "moons"  # the offline demo is the default
    at.number_input(key="tl_epochs").set_value(6).run()
    at.slider(key="kf_k").set_value(3).run()
    assert "3 × 1 + 1" in " ".join(c.value for c in at.caption)
    at.button(key="kf_start").click().run()
    _poll(at, lambda at: any("Finished" in s.value for s in at.success))
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    names = [t["name"] for t in spec["data"]]
    assert names[:3] == ["fold 1", "fold 2", "fold 3"]
    assert "average of 3 folds" in names and "±1 std" in names
    assert all(len(t["x"]) == 6 for t in spec["data"][:3])
    labels = [m.label for m in at.metric]
    assert any(label.startswith("final model:") for label in labels)
    assert any(label.startswith("average train loss at epoch") for label in labels)
    assert "final model: test loss" in labels
    final = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    final = next(f for f in final if "Final model" in f["layout"]["title"]["text"])
    best = int(next(lb for lb in labels if lb.startswith("average train loss")).split()[-1])
    assert len(final["data"][0]["x"]) == best  # best_epoch + 1 epochs, as the notebook retrains
    assert "4 models trained" in " ".join(c.value for c in at.caption)


def test_course_setup_button_and_bad_url_values():
    at = open_page("pages/kfold.py", {"k": "99", "kn": "abc"})
    warnings = " ".join(w.value for w in at.warning)
    assert "`k=99`" in warnings and "using 10" in warnings and "`kn=abc` ignored" in warnings
    assert at.session_state.kf_k == 10
    at.button(key="kf_course").click().run()
    assert at.session_state.tl_dataset == "imdb"
    assert at.session_state.kf_size == 1000 and at.session_state.kf_k == 4
    assert at.session_state.tl_units_0 == 32 and at.session_state.tl_opt == "rmsprop"
    assert at.query_params["ds"] == "imdb" and at.query_params["kn"] == "1000"
