"""The run store under a class: throughput, chart latency, RSS, kill -9, and start-up time.

Run: python bench/store.py [--learners 30] [--seconds 20] [--kills 20] [--parts load,kill,startup]

`load`: 30 learners train at once (a synthetic backend sends each running job an epoch every
0.1 s, 20 epochs a run, a realistic result at the end) while 30 "pages" read their run twice a
second, as the Lab's live fragment does. Each variant runs in a fresh process: no store
(in memory, the baseline), SQLite, Postgres. Latency is epoch sent → in the record the chart
reads; added latency is the median difference to the in-memory baseline.
`kill`: a server under that load is killed with SIGKILL 20 times at random moments and
restarted on the same database; after each kill, every run a page had seen finished must be
stored finished, and a running run may lose at most its last second of epochs.
`startup`: the Compare runs page's first render (AppTest, fresh process) with 10,000 stored
runs vs an empty store.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import random
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.memory import rss_mb  # noqa: E402
from core.jobs.backend import BackendStatus, Message  # noqa: E402
from core.jobs.contract import TRAINING_TASK, TrainingPayload  # noqa: E402
from core.jobs.manager import JobManager  # noqa: E402
from core.lab.config import TrainingConfig  # noqa: E402

EPOCH_SECONDS = 0.1
EPOCHS = 20
RESULT = {  # about the size of a digits run's result (weights, their history, confusion)
    "test_last": {"accuracy": 0.9, "data_loss": 0.3, "loss": 0.31, "confusion": [[9] * 10] * 10},
    "best_epoch": 12,
    "epochs_run": EPOCHS,
    "weights": [
        {"layer": f"dense_{i}", "counts": [3] * 40, "edges": [0.01 * k for k in range(41)]}
        for i in range(3)
    ],
    "weight_history": [
        {
            "layer": f"dense_{i}",
            "edges": [0.01 * k for k in range(41)],
            "counts": [[3] * 40] * (EPOCHS + 1),
        }
        for i in range(3)
    ],
}


class SyntheticClass:
    """A Backend whose slots 'train' by sending an epoch every EPOCH_SECONDS, then a result."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.running: dict[int, tuple[int, int]] = {}  # slot -> (job, epochs sent)
        self._inbox: queue.Queue[Message] = queue.Queue()
        self._lock = threading.Lock()
        self._closed = False

    def start(self) -> None:
        threading.Thread(target=self._tick, daemon=True).start()

    def _tick(self) -> None:
        while not self._closed:
            time.sleep(EPOCH_SECONDS)
            with self._lock:
                for slot, (job, sent) in list(self.running.items()):
                    sent += 1
                    epoch = {
                        "epoch": sent,
                        "loss": 1 / sent,
                        "data_loss": 1 / sent,
                        "penalty": 0.0,
                        "accuracy": 0.5,
                        "val_loss": 1.1 / sent,
                        "val_data_loss": 1.1 / sent,
                        "val_accuracy": 0.45,
                        "seconds": EPOCH_SECONDS,
                        "sent": time.time(),
                    }
                    self._inbox.put(Message("epoch", slot, job, epoch))
                    if sent >= EPOCHS:
                        self._inbox.put(Message("finished", slot, job, {"result": RESULT}))
                        del self.running[slot]
                    else:
                        self.running[slot] = (job, sent)

    def free_slots(self) -> list[int]:
        with self._lock:
            return [s for s in range(self.size) if s not in self.running]

    def run(self, slot: int, job: int, task: str, payload) -> None:
        with self._lock:
            self.running[slot] = (job, 0)

    def signal_stop(self, slot, job) -> None:
        pass

    def kill(self, slot) -> None:
        with self._lock:
            self.running.pop(slot, None)

    def receive(self, timeout: float) -> list[Message]:
        messages = []
        try:
            messages.append(self._inbox.get(timeout=timeout))
            while True:
                messages.append(self._inbox.get_nowait())
        except queue.Empty:
            return messages

    def update(self, messages):
        return messages

    def status(self) -> BackendStatus:
        return {
            "workers": self.size,
            "ready": self.size,
            "busy": len(self.running),
            "restarts": 0,
            "recycled": 0,
            "problem": "",
            "pids": [],
        }

    def shutdown(self) -> None:
        self._closed = True


def class_load(url: str | None, learners: int, seconds: float, report=None) -> dict:
    """Learners train run after run for `seconds`; pages poll. Returns the measurements."""
    from core.store.run_store import RunStore  # not imported by the in-memory baseline

    store = RunStore(url, server="bench-server") if url else None
    manager = JobManager(backend=SyntheticClass(learners), store=store, server="bench-server")
    payload = TrainingPayload(TrainingConfig(epochs=EPOCHS))
    owners = [f"learner-{i:02d}" for i in range(learners)]
    current = {owner: manager.submit(owner, TRAINING_TASK, payload, "run") for owner in owners}
    seen_finished: set[str] = set()
    end = time.monotonic() + seconds

    def page(owner: str) -> None:  # the Lab's live fragment, twice a second
        while time.monotonic() < end:
            job = manager.snapshot(owner, current[owner])
            if job is not None and not job.active:
                if report:
                    report(f"finished {job.key} {len(job.history)}")
                seen_finished.add(job.key)
                current[owner] = manager.submit(owner, TRAINING_TASK, payload, "run")
            time.sleep(0.5)

    def counts() -> None:  # what the server holds, 20 times a second, for the kill check
        while time.monotonic() < end:
            for owner in owners:
                job = manager.snapshot(owner, current[owner])
                if job is not None and job.active and job.history:
                    report(f"running {job.key} {len(job.history)} {time.time():.3f}")
            time.sleep(0.05)

    threads = [threading.Thread(target=page, args=(o,)) for o in owners]
    if report:
        threads.append(threading.Thread(target=counts))
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    latencies = [
        (h["received_at"] - h["sent"]) * 1000
        for owner in owners
        for job in manager.jobs(owner)
        for h in job.history
    ]
    epochs = len(latencies)
    rss = rss_mb(os.getpid())
    if store is not None:
        manager.save()
        usage = store.usage()
        stored = usage.epochs if usage else 0
    else:
        stored = 0
    manager.shutdown()
    latencies.sort()
    return {
        "epochs": epochs,
        "epochs_per_s": epochs / elapsed,
        "stored_per_s": stored / elapsed,
        "median_ms": statistics.median(latencies),
        "p95_ms": latencies[int(0.95 * len(latencies))],
        "rss_mb": rss,
        "finished": len(seen_finished),
    }


def run_child(args: list[str]) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, cwd=ROOT, timeout=900
    )
    if out.returncode != 0:
        raise SystemExit(out.stderr[-2000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def part_load(options, postgres_url: str) -> None:
    folder = tempfile.mkdtemp(prefix="reglab-bench-")
    variants = {
        "in memory (baseline)": "",
        "SQLite": f"sqlite:///{folder}/runs.sqlite",
        "Postgres": postgres_url,
    }
    rows = {}
    for name, url in variants.items():
        rows[name] = run_child(
            [
                "--child-load",
                url or "none",
                "--learners",
                str(options.learners),
                "--seconds",
                str(options.seconds),
            ]
        )
    base = rows["in memory (baseline)"]["median_ms"]
    print(f"\n### {options.learners} learners training at once, {options.seconds:g} s\n")
    print(
        "| store | epochs/s arrived | epochs/s written | median epoch → chart ms | "
        "added vs in memory ms | p95 ms | server RSS MB |"
    )
    print("|---|---|---|---|---|---|---|")
    for name, r in rows.items():
        written = f"{r['stored_per_s']:.0f}" if r["stored_per_s"] else "–"
        print(
            f"| {name} | {r['epochs_per_s']:.0f} | {written} | {r['median_ms']:.2f} | "
            f"{r['median_ms'] - base:+.2f} | {r['p95_ms']:.2f} | {r['rss_mb']:.0f} |"
        )


def part_kill(options, postgres_url: str) -> None:
    from core.store.run_store import RunStore

    folder = tempfile.mkdtemp(prefix="reglab-bench-")
    for name, url in (("SQLite", f"sqlite:///{folder}/runs.sqlite"), ("Postgres", postgres_url)):
        lost_finished = lost_seconds_worst = corrupted = checked_running = seen_finished = 0
        rng = random.Random(7)
        for _ in range(options.kills):
            child = subprocess.Popen(
                [
                    sys.executable,
                    __file__,
                    "--child-server",
                    url,
                    "--learners",
                    str(options.learners),
                ],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                text=True,
            )
            finished: dict[str, int] = {}
            running: dict[str, tuple[int, float]] = {}
            deadline = time.monotonic() + rng.uniform(2.0, 6.0)
            reader = threading.Thread(target=_read_lines, args=(child.stdout, finished, running))
            reader.start()
            while time.monotonic() < deadline:
                time.sleep(0.05)
            child.send_signal(signal.SIGKILL)
            child.wait()
            reader.join()
            store = RunStore(url, server="checker")
            if store.problem:
                corrupted += 1
                continue
            stored = _stored(store)
            seen_finished += len(finished)
            for key, epochs in finished.items():
                status, count = stored.get(key, ("missing", 0))
                if status != "finished" or count < epochs:
                    lost_finished += 1
            for key, (epochs, _) in running.items():
                if key in finished:
                    continue
                checked_running += 1
                _, count = stored.get(key, ("missing", 0))
                lost = max(0, epochs - count) * EPOCH_SECONDS
                lost_seconds_worst = max(lost_seconds_worst, lost)
            store.close()
            if url.startswith("sqlite"):
                with sqlite3.connect(url.removeprefix("sqlite:///")) as c:
                    corrupted += c.execute("PRAGMA integrity_check").fetchone()[0] != "ok"
        print(
            f"| {name} | {options.kills} | {lost_finished} of {seen_finished} | "
            f"{lost_seconds_worst:.1f} s "
            f"({checked_running} running runs checked) | {corrupted} |"
        )


def _read_lines(stream, finished: dict, running: dict) -> None:
    for line in stream:
        parts = line.split()
        if parts[:1] == ["finished"]:
            finished[parts[1]] = int(parts[2])
        elif parts[:1] == ["running"]:
            running[parts[1]] = (int(parts[2]), float(parts[3]))


def _stored(store) -> dict[str, tuple[str, int]]:
    import sqlalchemy as sa

    from core.store.tables import epochs, runs

    with store._engine.connect() as c:
        counts = dict(
            c.execute(sa.select(epochs.c.run_key, sa.func.count()).group_by(epochs.c.run_key)).all()
        )
        return {
            row.key: (row.status, counts.get(row.key, 0))
            for row in c.execute(sa.select(runs.c.key, runs.c.status))
        }


def fill(url: str, runs_count: int, learners: int) -> None:
    """runs_count finished runs of 20 epochs, spread over `learners` learners."""
    import sqlalchemy as sa

    from core.jobs.records import JobRecord
    from core.store import codec
    from core.store.run_store import RunStore
    from core.store.tables import epochs, runs

    store = RunStore(url, server="filler")
    payload = TrainingPayload(TrainingConfig())
    run_rows, epoch_rows = [], []
    for i in range(runs_count):
        job = JobRecord(
            "x",
            0,
            f"learner-{i % learners:03d}",
            TRAINING_TASK,
            "run",
            payload,
            status="finished",
            seq=i // learners + 1,
            result=RESULT,
        )
        job.history = [{"epoch": e, "loss": 1 / e, "val_loss": 1 / e} for e in range(1, 21)]
        run_rows.append(codec.run_row(job, "old", time.time()))
        epoch_rows += codec.epoch_rows(job, 0)
    with store._engine.begin() as c:
        c.execute(sa.insert(runs), run_rows)
        c.execute(sa.insert(epochs), epoch_rows)
    store.close()


def part_startup(options) -> None:
    from core.store.run_store import RunStore

    folder = tempfile.mkdtemp(prefix="reglab-bench-")
    empty, full = f"sqlite:///{folder}/empty.sqlite", f"sqlite:///{folder}/full.sqlite"
    RunStore(empty, server="x").close()
    fill(full, 10_000, 300)
    print("\n### First page with 10,000 stored runs (Compare runs, AppTest, fresh process)\n")
    print("| store | first render s (median of 3) | of which the store s |")
    print("|---|---|---|")
    for name, url in (("empty", empty), ("10,000 runs (300 learners)", full)):
        times = [run_child(["--child-startup", url]) for _ in range(3)]
        render = statistics.median(t["render"] for t in times)
        store_part = statistics.median(t["store"] for t in times)
        print(f"| {name} | {render:.2f} | {store_part:.3f} |")


def child_startup(url: str) -> None:
    os.environ["REGLAB_DB_URL"] = url
    os.environ["REGLAB_WORKERS"] = "1"
    os.chdir(ROOT / "tests")
    from streamlit.testing.v1 import AppTest

    from core.store.run_store import RunStore

    started = time.perf_counter()
    store = RunStore(url, server="probe")
    store.load("learner-007")
    store_seconds = time.perf_counter() - started
    store.close()
    started = time.perf_counter()
    at = AppTest.from_file("../app.py", default_timeout=120)
    at.session_state["owner"] = "learner-007"
    at.run()
    at.switch_page("pages/compare_runs.py").run()
    assert not at.exception, at.exception
    render = time.perf_counter() - started
    print(json.dumps({"render": render, "store": store_seconds}))
    os._exit(0)  # the page's worker pool is not waited for


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--parts", default="load,kill,startup")
    parser.add_argument("--child-load")
    parser.add_argument("--child-server")
    parser.add_argument("--child-startup")
    options = parser.parse_args()
    if options.child_load:
        url = None if options.child_load == "none" else options.child_load
        print(json.dumps(class_load(url, options.learners, options.seconds)))
        return
    if options.child_server:
        lock = threading.Lock()

        def report(line: str) -> None:
            with lock:
                print(line, flush=True)

        class_load(options.child_server, options.learners, 3600, report)
        return
    if options.child_startup:
        child_startup(options.child_startup)
        return
    from tests.postgres_server import postgres_server

    parts = options.parts.split(",")
    with postgres_server() as postgres:
        if "load" in parts:
            part_load(options, postgres.new_database())
        if "kill" in parts:
            print(f"\n### kill -9 during a class load ({options.learners} learners)\n")
            print(
                "| store | kills | finished runs lost | most epochs lost by a running run | "
                "stores corrupted |"
            )
            print("|---|---|---|---|---|")
            part_kill(options, postgres.new_database())
    if "startup" in parts:
        part_startup(options)


if __name__ == "__main__":
    main()
