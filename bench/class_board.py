"""The class board with 40 learners: refresh time and memory on SQLite and on PostgreSQL.

Run: python bench/class_board.py [--learners 40] [--runs 3] [--epochs 30] [--refreshes 20]

Each learner joins one class and publishes `--runs` Lab runs of `--epochs` epochs (a quarter of
the learners are still training: their runs change between refreshes, a few epochs at a time,
as the save thread writes them). A refresh is what the board's fragment does every 2 s: read
the class (ClassStore.board), build the rows, the ranks and the three figures. Ours keeps the
records it read and reads a run again only when its stored revision changed; the baselines
read every published run each refresh (a new reader), or every learner's runs one by one
(RunStore.load per owner, what reusing the Lab's own reading would do). Memory: the reader's
records (tracemalloc) and the process's RSS growth over the refreshes.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.memory import rss_mb  # noqa: E402
from core.classroom import board  # noqa: E402
from core.classroom.store import ClassStore  # noqa: E402
from core.figures.board import board_curves, predictions_figure, setting_scatter  # noqa: E402
from core.store.run_store import RunStore  # noqa: E402
from tests.classroom_runs import lab_run  # noqa: E402

DROPOUTS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7)


def fill(classes: ClassStore, learners: int, runs: int, epochs: int) -> tuple[str, list]:
    """A class of `learners`, each with `runs` published runs (and one unpublished)."""
    store = classes.store
    code = classes.create("instructor", "Bench class").code
    training = []
    for i in range(learners):
        owner = f"learner-{i:03d}"
        assert classes.join(code, owner, f"Learner {i}") == ""
        for r in range(runs + 1):
            running = r == runs - 1 and i % 4 == 0
            job = lab_run(
                owner,
                DROPOUTS[(i + r) % len(DROPOUTS)],
                epochs=epochs // 2 if running else epochs,
                seed=r,
                test_accuracy=0.8 + 0.01 * ((i * 7 + r) % 15),
                status="running" if running else "finished",
            )
            job.seq = store.create(job) or 0
            if r < runs:
                classes.publish(code, owner, job.key)
            if running:
                training.append(job)
    return code, training


def advance(store: RunStore, jobs: list, step: int) -> None:
    """The save thread's next write for each training run: two more epochs."""
    changes = []
    for job in jobs:
        start = len(job.history)
        job.history = job.history + lab_run(job.owner, 0.3, epochs=start + 2).history[start:]
        rows = [
            {"run_key": job.key, "position": p, "data": json.dumps(h)}
            for p, h in enumerate(job.history)
            if p >= start
        ]
        changes.append(
            (
                {
                    "key": job.key,
                    "owner": job.owner,
                    "write_version": step,
                    "epochs": len(job.history),
                },
                rows,
            )
        )
    assert store.save(changes)


def refresh(classes: ClassStore, code: str) -> int:
    info = classes.get(code)
    data = classes.board(code)
    rows = board.rows(data, info, "drop", anonymous=True)
    board_curves(rows, "Dropout p")
    setting_scatter(rows, "Dropout p", key="drop")
    predictions_figure({"a": 1, "b": 2})
    board.table(rows, "Dropout p", revealed=True)
    return len(rows)


def timed(work, times: int) -> float:
    spent = []
    for _ in range(times):
        start = time.perf_counter()
        work()
        spent.append(time.perf_counter() - start)
    return statistics.median(spent)


def measure(url: str, args) -> dict:
    store = RunStore(url, server="bench")
    classes = ClassStore(store)
    code, training = fill(classes, args.learners, args.runs, args.epochs)
    published = refresh(classes, code)
    rss_before = rss_mb(os.getpid())
    steps = iter(range(1, 10_000))
    spent = []
    for _ in range(args.refreshes):
        advance(store, training, next(steps))  # the save thread's writes: not timed
        spent.append(timed(lambda: refresh(classes, code), 1))
    ours = statistics.median(spent)
    tracemalloc.start()
    fresh = ClassStore(store)
    refresh(fresh, code)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    cold = timed(lambda: refresh(ClassStore(store), code), max(3, args.refreshes // 4))
    result = {
        "published": published,
        "ours_s": ours,
        "cold_s": cold,
        "traced_peak_mb": peak / 2**20,
        "rss_growth_mb": rss_mb(os.getpid()) - rss_before,
    }
    store.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=40)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--refreshes", type=int, default=20)
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        results["SQLite"] = measure(f"sqlite:///{folder}/board.sqlite", args)
        from tests.postgres_server import postgres_bin, postgres_server

        if postgres_bin() is None:
            print("(PostgreSQL skipped: not installed; tests/install.sh installs it)")
        else:
            with postgres_server() as server:
                results["PostgreSQL"] = measure(server.new_database(), args)
    print(
        f"\n{args.learners} learners × {args.runs} published runs × {args.epochs} epochs; "
        f"median of {args.refreshes} refreshes, a quarter of the runs still training\n"
    )
    print(
        "| store | runs on the board | refresh, ours (s) | every run read again (s) | ratio "
        "| reader's records (MB, traced peak) | RSS growth (MB) |"
    )
    print("|---|---|---|---|---|---|---|")
    for name, r in results.items():
        print(
            f"| {name} | {r['published']} | {r['ours_s']:.3f} | {r['cold_s']:.3f} "
            f"| {r['cold_s'] / r['ours_s']:.1f}× | {r['traced_peak_mb']:.1f} "
            f"| {r['rss_growth_mb']:.1f} |"
        )


if __name__ == "__main__":
    main()
