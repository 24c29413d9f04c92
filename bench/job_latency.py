"""Latency of the background-job path: first point after Train, point delivery, Stop.

Run: python bench/job_latency.py [--repeats 5]
A warm pool (workers started, TensorFlow loaded) trains the default digits MLP, as the
Training Lab does. The page's fragment polls the job record every POLL seconds, so a
point reaches the chart at most POLL (+ a render) after it reaches the record.
Baseline: the same first-point time for a cold worker (TensorFlow imported on demand).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.jobs.contract import TRAINING_TASK, TrainingPayload
from core.jobs.manager import JobManager
from core.lab.config import TrainingConfig

POLL = 0.5  # pages/training_lab.py: st.fragment(run_every=0.5)


def first_point_and_stop(manager: JobManager, config: TrainingConfig) -> tuple[float, list, float]:
    clicked = time.time()
    job_id = manager.submit("bench", TRAINING_TASK, TrainingPayload(config))
    while not manager.snapshot("bench", job_id).history:
        time.sleep(0.005)
    first = time.time() - clicked
    while len(manager.snapshot("bench", job_id).history) < 20:
        time.sleep(0.01)
    stop_clicked = time.time()
    manager.stop("bench", job_id)
    while manager.snapshot("bench", job_id).active:
        time.sleep(0.005)
    stop = time.time() - stop_clicked
    job = manager.snapshot("bench", job_id)
    delivery = [h["received_at"] - h["sent_at"] for h in job.history]
    return first, delivery, stop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    config = TrainingConfig(epochs=500)

    cold = JobManager(1)
    started = time.time()
    job_id = cold.submit("bench", TRAINING_TASK, TrainingPayload(TrainingConfig(epochs=1)))
    cold.wait("bench", job_id, 300)
    cold_first = cold.snapshot("bench", job_id).history[0]["received_at"] - started
    cold.shutdown()

    warm = JobManager(2)
    assert warm.wait_ready(300)
    firsts, deliveries, stops = [], [], []
    for _ in range(args.repeats):
        first, delivery, stop = first_point_and_stop(warm, config)
        firsts.append(first)
        deliveries += delivery
        stops.append(stop)
    warm.shutdown()
    p95 = sorted(deliveries)[int(0.95 * (len(deliveries) - 1))]
    median_delivery, worst_delivery = statistics.median(deliveries), max(deliveries)
    rows = [
        ("first point in record, warm pool (s)", statistics.median(firsts), max(firsts)),
        ("first point in record, cold worker baseline (s)", cold_first, cold_first),
        ("epoch end -> record (s)", median_delivery, worst_delivery),
        (
            f"epoch end -> chart, bound = record + poll {POLL} s (s)",
            median_delivery + POLL,
            worst_delivery + POLL,
        ),
        ("Stop -> status stopped (s)", statistics.median(stops), max(stops)),
    ]
    print(f"{'measure':<52} {'median':>8} {'worst':>8}")
    for label, median, worst in rows:
        print(f"{label:<52} {median:>8.3f} {worst:>8.3f}")
    print(f"delivery p95: {p95:.3f} s over {len(deliveries)} epochs")
    print(f"first point speedup vs cold worker: {cold_first / statistics.median(firsts):.1f}")


if __name__ == "__main__":
    main()
