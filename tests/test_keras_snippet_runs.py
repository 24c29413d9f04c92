"""'Show the Keras code' runs as printed for the course datasets and matches the app's counts."""

import json
import os
import re
import subprocess
import sys

import pytest

from core.lab.config import TrainingConfig
from core.lab.keras_snippet import keras_code
from core.lab.model_summary import summarize
from tests.course_fixtures import write_course_data

pytestmark = pytest.mark.slow  # runs the Keras snippets in subprocesses

CONFIGS = {
    "mnist cnn": TrainingConfig(
        dataset="mnist", architecture="cnn", units=(16,), conv_filters=(8,), epochs=1
    ),
    "fashion mlp, restored best": TrainingConfig(
        dataset="fashion_mnist",
        units=(32, 16),
        dropout=(0.3,),
        epochs=2,
        early_stopping=True,
        es_restore_best=True,
        holdout="last",
    ),
    "imdb subset": TrainingConfig(
        dataset="imdb", units=(16, 16), vocabulary=1000, train_subset=100, epochs=1, holdout="first"
    ),
}


@pytest.mark.parametrize("name", list(CONFIGS))
def test_course_snippet_runs_as_printed(name, tmp_path):
    config = CONFIGS[name]
    write_course_data(tmp_path / "keras" / "datasets")
    (tmp_path / "run").mkdir()
    script = tmp_path / "run" / "snippet.py"
    script.write_text(keras_code(config), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "REGLAB_DATA_DIR"}
    env.update(KERAS_HOME=str(tmp_path / "keras"), TF_CPP_MIN_LOG_LEVEL="3")
    done = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path / "run",
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    total = re.search(r"Total params: ([\d,]+)", done.stdout)
    assert total and int(total.group(1).replace(",", "")) == summarize(config).total_params
    restored = config.early_stopping and config.es_restore_best
    label = "restored best weights" if restored else "last epoch"
    assert f"test ({label}" in done.stdout


CHECK_BEST = """
import json
hist = {k: [float(v) for v in vals] for k, vals in history.history.items()}
scores = best.evaluate(x_val, y_val, verbose=0, return_dict=True)
print("CHECK", json.dumps({"history": hist, "best": best_epoch, "kept": scores["data_loss"]}))
"""


def test_penalized_snippet_keeps_the_checkpoint_the_app_would_keep(tmp_path):
    """With L2 the app's best epoch is the lowest validation *data* loss: so is the snippet's."""
    config = TrainingConfig(units=(32,), l2=(0.01,), dropout=(0.2,), batchnorm=(True,), epochs=8)
    code = keras_code(config)
    assert 'monitor="val_data_loss"' in code and "includes the L1/L2 penalty" in code
    script = tmp_path / "snippet.py"
    script.write_text(code + CHECK_BEST, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        env=os.environ | {"TF_CPP_MIN_LOG_LEVEL": "3"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.split("CHECK ", 1)[1])
    history = report["history"]
    data_losses = history["val_data_loss"]
    app_best = next(i + 1 for i, v in enumerate(data_losses) if v == min(data_losses))
    assert report["best"] == app_best
    totals = history["val_loss"]  # the penalty is in val_loss, not in the data part
    assert all(total > data for total, data in zip(totals, data_losses, strict=True))
    assert report["kept"] == pytest.approx(min(data_losses), rel=1e-4)  # the kept checkpoint
    assert f"best epoch (lowest val_data_loss): {app_best}" in done.stdout
