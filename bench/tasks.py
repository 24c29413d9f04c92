"""Tiny tasks for backend benchmarks: no TensorFlow, so only the job machinery is timed."""

import time

from core.jobs.reporter import StopRequested


def tick(payload, reporter):
    """`epochs` epochs `delay` s apart, each stamped when sent; honours Stop."""
    for epoch in range(1, payload.get("epochs", 1) + 1):
        time.sleep(payload.get("delay", 0.0))
        if reporter.should_stop():
            raise StopRequested("Stopped by the learner.")
        reporter.send("epoch", {"epoch": epoch, "sent_at": time.time()})
    return {}
