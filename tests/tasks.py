"""Tiny job tasks for lifecycle tests: they run in real workers without TensorFlow."""

import os
import time

from core.worker import Diverged, StopRequested


def count(payload, reporter):
    """Report `epochs` epochs, `delay` seconds apart, honouring Stop."""
    for epoch in range(1, payload.get("epochs", 3) + 1):
        time.sleep(payload.get("delay", 0.01))
        if reporter.should_stop():
            raise StopRequested("Stopped by the learner.")
        reporter.send("epoch", {"epoch": epoch, "pid": os.getpid(), "tag": payload.get("tag")})
    return {"epochs": payload.get("epochs", 3), "tag": payload.get("tag")}


def ignore_stop(payload, reporter):
    """Never checks Stop: only a hard kill ends it."""
    reporter.send("epoch", {"epoch": 1, "pid": os.getpid()})
    time.sleep(600)


def diverge(payload, reporter):
    raise Diverged("loss became nan in epoch 1")


def boom(payload, reporter):
    raise ValueError("bad wiring")


def crash_at_start(threads):
    """A worker start-up that dies, as a TensorFlow import crash would."""
    os._exit(3)
