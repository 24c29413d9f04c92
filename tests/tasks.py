"""Tiny job tasks for lifecycle tests: they run in real workers without TensorFlow."""

import os
import time

from core.jobs.reporter import Diverged, StopRequested


def count(payload, reporter):
    """Report `epochs` epochs, `delay` seconds apart, honouring Stop."""
    reporter.take_turn()
    for epoch in range(1, payload.get("epochs", 3) + 1):
        time.sleep(payload.get("delay", 0.01))
        if reporter.should_stop():
            raise StopRequested("Stopped by the learner.")
        reporter.send("epoch", {"epoch": epoch, "pid": os.getpid(), "tag": payload.get("tag")})
        reporter.pass_turn()  # a worker running jobs in turns lets the next one go
    return {"epochs": payload.get("epochs", 3), "tag": payload.get("tag")}


def count_config(payload, reporter):
    """`count` for a job that carries a TrainingConfig (it trains nothing): 10 epochs."""
    return count({"epochs": 10, "delay": 0.02}, reporter)


def ignore_stop(payload, reporter):
    """Never checks Stop: only a hard kill ends it."""
    reporter.take_turn()  # and never passes it on either
    reporter.send("epoch", {"epoch": 1, "pid": os.getpid()})
    time.sleep(600)


def diverge(payload, reporter):
    raise Diverged("loss became nan in epoch 1")


def boom(payload, reporter):
    raise ValueError("bad wiring")


def crash_at_start(threads):
    """A worker start-up that dies, as a TensorFlow import crash would."""
    os._exit(3)


def crash_while_flagged(threads):
    """A start-up that dies while the file named by REGLAB_TEST_CRASH_FLAG exists."""
    if os.path.exists(os.environ.get("REGLAB_TEST_CRASH_FLAG", "")):
        os._exit(3)


def hold_memory(payload, reporter):
    """Keep `mb` megabytes alive in the worker after the job (as a dataset cache would)."""
    global _HELD
    _HELD = bytearray(payload["mb"] * 2**20)
    for i in range(0, len(_HELD), 4096):
        _HELD[i] = 1  # touch every page so it is resident
    reporter.send("epoch", {"epoch": 1, "pid": os.getpid()})
    return {"pid": os.getpid()}


_HELD = None
