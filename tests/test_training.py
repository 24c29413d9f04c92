"""Real Keras training in worker processes: results, Stop, divergence, determinism, speed plan."""

import math

import pytest

from core.jobs.contract import TRAINING_TASK as TASK
from core.jobs.contract import TrainingPayload
from core.lab.config import TrainingConfig
from core.training.speed import execution_plan
from tests.test_jobs import wait_for

pytestmark = pytest.mark.slow  # real TensorFlow workers


def run(pool, config, owner="t", timeout=120):
    return pool.wait(owner, pool.submit(owner, TASK, TrainingPayload(config)), timeout)


def test_digits_mlp_learns_and_reports_everything(keras_pool):
    job = run(keras_pool, TrainingConfig(epochs=8))
    assert job.status == "finished", job.reason
    assert [h["epoch"] for h in job.history] == list(range(1, 9))
    assert job.history[-1]["val_accuracy"] > 0.85
    result = job.result
    assert result["test_last"]["accuracy"] > 0.85
    assert 1 <= result["best_epoch"] <= 8
    assert sum(map(sum, result["test_last"]["confusion"])) == result["sizes"]["test"]
    assert [w["layer"] for w in result["weights"]] == ["dense_1", "dense_2", "output"]


def test_penalty_is_split_from_the_data_loss(keras_pool):
    job = run(keras_pool, TrainingConfig(dataset="moons", epochs=3, l2=(0.01,)))
    last = job.history[-1]
    assert last["penalty"] > 0
    assert math.isclose(last["val_loss"], last["val_data_loss"] + last["penalty"], rel_tol=1e-6)
    assert last["loss"] > last["data_loss"]


def test_same_config_and_seed_give_the_same_history(keras_pool):
    config = TrainingConfig(dataset="moons", epochs=4, dropout=(0.2,), seed=5)
    first, second = run(keras_pool, config), run(keras_pool, config)
    keys = ("loss", "val_loss", "accuracy", "val_accuracy")
    assert [[h[k] for k in keys] for h in first.history] == [
        [h[k] for k in keys] for h in second.history
    ]


def test_huge_learning_rate_diverges(keras_pool):
    config = TrainingConfig(
        optimizer="sgd", learning_rate=9.0, units=(256, 256), epochs=30, activations=("linear",)
    )
    job = run(keras_pool, config)
    assert job.status == "diverged", (job.status, job.history[-1:])
    assert "learning rate" in job.reason


def test_stop_ends_a_real_training_run(keras_pool):
    job_id = keras_pool.submit("t", TASK, TrainingPayload(TrainingConfig(epochs=400)))
    assert wait_for(lambda: len(keras_pool.snapshot("t", job_id).history) >= 3, 60)
    keras_pool.stop("t", job_id)
    assert wait_for(lambda: not keras_pool.snapshot("t", job_id).active, 5)
    job = keras_pool.snapshot("t", job_id)
    assert job.status == "stopped" and len(job.history) < 400
    # what was trained is scored: last and best weights on the test set
    result = job.result
    assert result["test_last"]["accuracy"] > 0.5 and "confusion" in result["test_best"]
    assert result["epochs_run"] >= 3 and result["stopped_by_learner"]
    assert not result["early_stopped"] and result["final"] == "last"
    assert [w["layer"] for w in result["weights"]] == ["dense_1", "dense_2", "output"]


def test_early_stopping_and_best_checkpoint(keras_pool):
    config = TrainingConfig(
        dataset="moons",
        n_samples=200,
        units=(256, 256),
        epochs=200,
        early_stopping=True,
        es_patience=2,
        learning_rate=0.01,
    )
    job = run(keras_pool, config)
    result = job.result
    assert result["early_stopped"] and result["epochs_run"] < 200
    assert result["best_epoch"] == result["epochs_run"] - 2
    assert result["final"] == "best"


def test_decision_boundary_is_sent_for_points(keras_pool):
    job = run(keras_pool, TrainingConfig(dataset="circles", epochs=2))
    boundary = job.live["boundary"]
    assert boundary["p"].shape == (len(boundary["y"]), len(boundary["x"]))
    assert 0.0 <= float(boundary["p"].min()) <= float(boundary["p"].max()) <= 1.0
    points = job.live["points"]  # the page draws them: the server holds no dataset
    assert len(points["x"]) == len(points["y"]) == job.result["sizes"]["train"]


def test_execution_plan_sizes_calls_and_keeps_one_pass_an_epoch():
    assert execution_plan(1150, 32, 0.001) == (36, 36)  # a small epoch: one call
    per_call, steps = execution_plan(50_000, 32, 0.01)  # the course CNN at ~10 ms a step
    assert steps == math.ceil(50_000 / 32) and per_call == 8  # 15 fit: a power of two
    assert execution_plan(50_000, 32, 5.0) == (1, 1563)  # a huge step: one per call


def test_the_course_cnn_gets_several_steps_per_call():
    from core.lab.presets import MNIST_CNN  # the lecture's Conv32-Pool-Conv64-Pool-Dense64
    from core.training.speed import SPEED, step_flops

    step = SPEED.step_seconds("conv", step_flops(MNIST_CNN))
    per_call, steps = execution_plan(50_000, 32, step)
    assert 1 < per_call < steps  # several steps a call, several calls an epoch (for Stop)


def test_the_plan_learns_this_workers_speed():
    from core.training.speed import StepSpeed

    speed = StepSpeed()
    before = speed.step_seconds("conv", 1e9)
    for _ in range(20):
        speed.learn("conv", 1e9, 0.1)  # this machine: 1 GFLOP in 0.1 s
    assert speed.step_seconds("conv", 1e9) == pytest.approx(0.1, rel=0.01)
    assert before != pytest.approx(0.1, rel=0.01)


def test_stop_in_the_first_second_is_cooperative_and_keeps_the_worker(keras_pool):
    """Stop while the model is still being traced: the job ends itself, no worker restart."""
    import time

    restarts = keras_pool.status()["restarts"]
    job_id = keras_pool.submit("early", TASK, TrainingPayload(TrainingConfig(epochs=500, seed=7)))
    assert wait_for(lambda: keras_pool.snapshot("early", job_id).status == "running", 60)
    time.sleep(0.2)
    keras_pool.stop("early", job_id)
    job = keras_pool.wait("early", job_id, 60)
    assert job.status == "stopped" and "learner" in job.reason, job.reason
    assert keras_pool.status()["restarts"] == restarts
    if job.result is not None:  # stopped after the model was built: its test score is there
        assert "accuracy" in job.result["test_last"]


def test_tensorboard_logs_are_written_per_run_and_zipped(keras_pool):
    import io
    import shutil
    import zipfile

    from core.runs.records import zip_folder

    job = run(keras_pool, TrainingConfig(epochs=2, tensorboard=True))
    assert job.status == "finished", job.reason
    folder = job.result["tensorboard_dir"]
    try:
        names = zipfile.ZipFile(io.BytesIO(zip_folder(folder))).namelist()
        assert any("/train/events.out.tfevents" in n for n in names)
        assert any("/validation/events.out.tfevents" in n for n in names)  # LiveReport's val_*
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    assert "tensorboard_dir" not in run(keras_pool, TrainingConfig(epochs=1)).result
    assert zip_folder(folder) is None  # gone: no download offered


def test_random_data_early_stops_soon_as_the_notes_demo_shows(keras_pool):
    from core.lab.presets import RANDOM_DATA

    job = run(keras_pool, RANDOM_DATA, timeout=300)
    assert job.status == "finished", job.reason
    assert job.result["early_stopped"] and job.result["epochs_run"] < 40
    assert job.result["test_last"]["accuracy"] < 0.75  # random labels: nothing to learn
