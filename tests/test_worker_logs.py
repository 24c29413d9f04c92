"""A worker's start-up keeps TensorFlow's C++ error-level noise out of the server log."""

import subprocess
import sys

import pytest

from tests.browser import ROOT

pytestmark = pytest.mark.slow  # imports TensorFlow in a subprocess

TRAIN_ONCE = """
from core.training.startup import configure_tensorflow
configure_tensorflow(1)
from core.jobs.contract import TrainingPayload
from core.lab.config import TrainingConfig
from core.training.lab_task import run_training
from core.jobs.reporter import Reporter
class Quiet(Reporter):
    def send(self, kind, data): pass
    def progress(self, data, every=0.2): pass
    def should_stop(self): return False
run_training(TrainingPayload(TrainingConfig(epochs=2)), Quiet(1))
print("trained")
"""


def test_a_worker_trains_without_tensorflow_error_lines():
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "HOME": "/tmp"}
    done = subprocess.run(
        [sys.executable, "-c", TRAIN_ONCE], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.stdout.strip().endswith("trained"), done.stderr[-2000:]
    noisy = [line for line in done.stderr.splitlines() if line.startswith("E0000")]
    assert not noisy and "NodeDef" not in done.stderr, noisy[:3]
