"""One learner alone on the server: epoch time and run length, this checkout vs an older one.

Run: python bench/lone_learner.py [--before c2390f9] [--rounds 3] [--data-dir DIR]
The older revision (default: the last commit before time slicing) is checked out in a
temporary git worktree. Each round runs, in a fresh process for each checkout in turn, a job
manager with one worker and the same runs one after the other: the default digits run (and,
with course data, an MNIST MLP on 12,000 images). Prints the medians and their ratios
(ours / before): time slicing must cost a learner alone nothing (goal: within 5 %).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COURSE_DATA = ROOT.parent / "shared" / "data" / "keras-datasets"

ONE_ROUND = """
import json, statistics, sys
from dataclasses import replace
from core.jobs.contract import TRAINING_TASK, TrainingPayload
from core.jobs.manager import JobManager
from core.lab.config import TrainingConfig
from core.lab.presets import MNIST_MLP
data_dir = sys.argv[1] or None
runs = {"digits": TrainingConfig()}
if data_dir:
    runs["MNIST MLP"] = replace(MNIST_MLP, epochs=4, train_subset=12000)
manager = JobManager(1)
assert manager.wait_ready(300)
found = {}
for name, config in runs.items():
    payload = TrainingPayload(config, data_dir)
    manager.wait("warm", manager.submit("warm", TRAINING_TASK, payload), 600)
    epochs, lengths = [], []
    for _ in range(3):
        job = manager.wait("lone", manager.submit("lone", TRAINING_TASK, payload), 600)
        assert job.status == "finished", job.reason
        epochs += [h["seconds"] for h in job.history[1:]]
        lengths.append(job.ended - job.started)
    found[name] = {"epoch": statistics.median(epochs), "length": statistics.median(lengths)}
manager.shutdown()
print("RESULT " + json.dumps(found))
"""


def one_round(tree: Path, data_dir: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", ONE_ROUND, data_dir],
        cwd=tree,
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin", "HOME": str(Path.home())},
    )
    line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="c2390f9")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--data-dir", default=str(COURSE_DATA) if COURSE_DATA.exists() else "")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        before = Path(folder) / "before"
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(before), args.before],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        try:
            results: dict[str, list[dict]] = {"ours": [], "before": []}
            for _ in range(args.rounds):  # interleaved, so both see the same machine
                results["ours"].append(one_round(ROOT, args.data_dir))
                results["before"].append(one_round(before, args.data_dir))
        finally:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(before)], cwd=ROOT, check=False
            )
    print(
        f"one learner, one worker; medians of {args.rounds} rounds × 3 runs; before = {args.before}"
    )
    print(
        "| run | epoch, ours (ms) | epoch, before (ms) | ratio | run, ours (s) | run, before (s) "
        "| ratio |"
    )
    print("|---|---|---|---|---|---|---|")
    for name in results["ours"][0]:
        row = []
        for key in ("epoch", "length"):
            ours = statistics.median(r[name][key] for r in results["ours"])
            old = statistics.median(r[name][key] for r in results["before"])
            scale = 1000 if key == "epoch" else 1
            row.append(
                f"{ours * scale:.{1 if key == 'epoch' else 2}f} | "
                f"{old * scale:.{1 if key == 'epoch' else 2}f} | {ours / old:.3f}"
            )
        print(f"| {name} | {' | '.join(row)} |")


if __name__ == "__main__":
    main()
