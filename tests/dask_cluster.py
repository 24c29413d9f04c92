"""A real Dask cluster on 127.0.0.1 for tests: a scheduler and separate `dask worker` processes."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from pathlib import Path

from tests.browser import free_port

ROOT = Path(__file__).resolve().parents[1]
ENV = {
    **os.environ,
    "PYTHONPATH": str(ROOT),
    "DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "0",  # never re-run a job elsewhere
    "REGLAB_TF_THREADS": "1",
}


def dask_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "distributed.cli.dask_" + args[0], *args[1:]]


def start_worker(address: str) -> subprocess.Popen:
    return subprocess.Popen(
        dask_command("worker", address, "--nthreads", "1", "--no-dashboard"),
        cwd=ROOT,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@contextlib.contextmanager
def dask_cluster(workers: int = 2):
    """Yields (scheduler address, list of worker processes); tears everything down."""
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    scheduler = subprocess.Popen(
        dask_command("scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"),
        cwd=ROOT,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    processes = [start_worker(address) for _ in range(workers)]
    try:
        from distributed import Client

        with Client(address, timeout=60) as client:
            client.wait_for_workers(workers, timeout=120)
        yield address, processes
    finally:
        for process in [*processes, scheduler]:
            process.terminate()
        for process in [*processes, scheduler]:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        time.sleep(0.1)
