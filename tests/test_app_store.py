"""The pages over the run store: interrupted runs offer Run again, Delete all my runs empties it."""

import os

from core.jobs.contract import TrainingPayload
from core.jobs.records import INTERRUPTED, INTERRUPTED_REASON, JobRecord
from core.lab.config import TrainingConfig
from core.store.run_store import RunStore
from tests.apptest_pages import open_page


def stored(owner: str, count: int, status: str = "finished") -> list[str]:
    """Runs of `owner` kept by the app's own job manager (and so in its store)."""
    from pages.ui.runtime import job_manager

    manager = job_manager()
    ids = []
    for i in range(count):
        record = JobRecord("x", 0, "", "t", f"kept run {i}", TrainingPayload(TrainingConfig()))
        record.task = "core.training.lab_task:run_training"
        record.status, record.reason = status, INTERRUPTED_REASON if status == INTERRUPTED else ""
        record.history = [
            {
                "epoch": e,
                "loss": 1 / e,
                "data_loss": 1 / e,
                "val_loss": 1.2 / e,
                "val_data_loss": 1.2 / e,
                "accuracy": 0.5,
                "val_accuracy": 0.4,
                "penalty": 0.0,
            }
            for e in (1, 2, 3)
        ]
        ids.append(manager.adopt(owner, record))
    return ids


def test_an_interrupted_run_offers_run_again_on_compare_runs_and_in_the_lab():
    owner = "learner-apptest-interrupted"
    ids = stored(owner, 1, INTERRUPTED)
    at = open_page("pages/home.py")
    at.session_state["owner"] = owner
    at.switch_page("pages/compare_runs.py").run()
    assert not at.exception
    assert any("Interrupted by a server restart" in h.value for h in at.subheader)
    assert at.button(key=f"cr_again_{ids[0]}").label == "Run again"
    at.switch_page("pages/training_lab.py").run()
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert "Interrupted" in warnings and "server restart" in warnings  # the Lab lands on it
    assert at.button(key=f"again_{ids[0]}").label == "Run again"


def test_delete_all_my_runs_empties_the_store_for_that_learner_only():
    owner, neighbour = "learner-apptest-delete", "learner-apptest-neighbour"
    stored(owner, 3)
    stored(neighbour, 1)
    at = open_page("pages/home.py")
    at.session_state["owner"] = owner
    at.switch_page("pages/compare_runs.py").run()
    assert at.button(key="cr_delete_all").disabled  # not before the learner says yes
    at.checkbox(key="cr_sure").check().run()
    at.button(key="cr_delete_all").click().run()
    assert not at.exception
    assert any("Deleted 3 run(s)" in s.value for s in at.success)
    assert any("No runs yet" in i.value for i in at.info)
    fresh = RunStore(os.environ["REGLAB_DB_URL"], server="reader")
    assert fresh.load(owner) == ([], [])
    assert [r.label for r in fresh.load(neighbour)[0]] == ["kept run 0"]
