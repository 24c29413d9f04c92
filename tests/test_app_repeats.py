"""Pages with seed repeats: Compare runs groups seeds and gives a verdict; seeds inputs."""

from dataclasses import replace

from core.lab.config import TrainingConfig
from tests.apptest_pages import open_page
from tests.test_repeats import group_runs

BASE = replace(TrainingConfig(), units=(32,), epochs=3)


def test_compare_runs_draws_one_band_per_setting_and_says_the_difference_is_real():
    from pages.ui.runtime import job_manager

    owner, manager = "learner-apptest-seeds", job_manager()
    ids = [
        manager.adopt(owner, job)
        for label, config, minima in (
            ("plain", BASE, [0.30, 0.31, 0.29]),
            ("dropout 0.5", replace(BASE, dropout=(0.5,)), [0.26, 0.27, 0.25]),
        )
        for job in group_runs(label, config, minima)
    ]
    at = open_page("pages/home.py")
    at.session_state["owner"] = owner
    at.switch_page("pages/compare_runs.py").run()
    at.multiselect(key="cr_runs").set_value(ids).run()
    assert not at.exception
    assert at.toggle(key="cr_grouped").value is True  # seeds found: one line per setting
    sentences = [s.value for s in at.success]
    assert any(
        s.startswith("dropout 0.5 (vs plain) lowers the best validation loss by 0.04")
        and "larger than the seed spread — better" in s
        for s in sentences
    ), sentences
    at.selectbox(key="cr_measure").set_value("test accuracy").run()
    assert any("test accuracy" in i.value and "within seed noise" in i.value for i in at.info)


def test_the_seeds_inputs_read_the_url_and_default_per_preset():
    at = open_page("pages/training_lab.py", {"seeds": "3"})
    assert at.number_input(key="tl_seeds").value == 3
    at = open_page("pages/experiments.py")
    at.selectbox(key="ex_preset").set_value("digits_regularization").run()
    assert at.number_input(key="ex_seeds").value == 3  # 4 s a run: 3 seeds fit
    at.selectbox(key="ex_preset").set_value("mnist_cnn").run()
    assert at.number_input(key="ex_seeds").value == 1  # 75 s a run: one seed
