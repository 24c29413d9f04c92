"""DaskPool: the job backend on a Dask distributed cluster (`dask worker` on any machines).

Like LocalPool it only moves work and messages; JobManager keeps the policy. A worker plugin
runs the start-up (TensorFlow, once) on every worker, also on workers that join or restart
later, and announces it on the "reglab-warm" topic; only warm workers get jobs, one at a
time each, pinned to that worker (never re-run elsewhere). Epochs and progress come back as
Dask events on a per-server topic, Stop goes out as a Dask Event, a hard stop restarts the
worker through its nanny, and a worker that leaves fails its job at once.
"""

from __future__ import annotations

import contextlib
import os
import queue
import threading
import time
import uuid
from typing import Any

from distributed import Client, Event, WorkerPlugin, get_worker
from distributed.scheduler import KilledWorker

from core.jobs import worker as worker_module
from core.jobs.backend import BackendStatus, Message, drain

WARM_TOPIC = "reglab-warm"
LOST = "The worker process died: its Dask worker left the cluster. Train again."
MEMBERSHIP_EVERY = 0.5  # seconds between looks at which workers are connected


class WarmUp(WorkerPlugin):
    """Run the start-up once per worker process, then say the worker is warm."""

    name = "reglab-warm-up"

    def __init__(self, startup: str, threads: int) -> None:
        self.startup, self.threads = startup, threads

    def setup(self, worker) -> None:
        if self.startup:
            worker_module.resolve_task(self.startup)(self.threads)
        worker.log_event(WARM_TOPIC, {"address": worker.address, "pid": os.getpid()})


def plain(value: Any) -> Any:
    """Dask events travel as msgpack: arrays and tuples become lists, numbers Python's own."""
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


class DaskReporter(worker_module.Reporter):
    """A task's line to the server on a Dask worker: events out, a Dask Event for Stop."""

    def __init__(self, job_number: int, topic: str, stop_name: str) -> None:
        super().__init__(job_number)
        self._worker = get_worker()
        self._topic, self._stop = topic, Event(stop_name)
        self._checked, self._pressed = 0.0, False

    def _put(self, kind: str, data: dict[str, Any]) -> None:
        self._worker.log_event(self._topic, [kind, self.job_number, plain(data)])

    def _stop_pressed(self) -> bool:
        now = time.monotonic()
        if not self._pressed and now - self._checked > 0.1:  # one scheduler call per 0.1 s
            self._checked, self._pressed = now, self._stop.is_set()
        return self._pressed


def run_task(job_number: int, task_path: str, payload, topic: str, stop_name: str):
    """What a Dask worker runs for one job: the same task code as a local worker."""
    reporter = DaskReporter(job_number, topic, stop_name)
    reporter.send("started", {"pid": os.getpid()})
    return worker_module.run_one(task_path, payload, reporter)


class DaskPool:
    """Jobs on a Dask cluster's warm workers (a Backend); thread-safe under the caller's lock."""

    def __init__(
        self,
        scheduler: str,
        *,
        startup: str = worker_module.STARTUP,
        threads: int | None = None,
        connect_timeout: float = 30,
    ) -> None:
        self._address, self._startup = scheduler, startup
        self._threads = threads or int(os.environ.get("REGLAB_TF_THREADS", os.cpu_count() or 1))
        self._connect_timeout = connect_timeout
        self._inbox: queue.Queue = queue.Queue()
        self._topic = f"reglab-jobs-{uuid.uuid4().hex[:8]}"
        self._warm: set[str] = set()
        self._workers: set[str] = set()
        self._busy: dict[str, int] = {}  # worker address -> job number
        self._futures: dict[int, Any] = {}  # job number -> future
        self._stop_names: dict[int, str] = {}
        self._looked = 0.0
        self.restarts = 0
        self.recycled = 0
        self.client: Client | None = None

    @property
    def size(self) -> int:
        """Connected workers (at least 1, for wait estimates)."""
        return max(1, len(self._workers))

    # ---- the backend interface -----------------------------------------------------------
    def start(self) -> None:
        self.client = Client(self._address, timeout=self._connect_timeout, set_as_default=False)
        self.client.subscribe_topic(self._topic, self._on_job_event)
        self.client.subscribe_topic(WARM_TOPIC, self._on_warm)
        self.client.register_plugin(WarmUp(self._startup, self._threads))
        self._look_at_workers(force=True)
        for event in self.client.get_events(WARM_TOPIC):  # workers warmed before we came
            self._on_warm(event)

    def free_slots(self) -> list[str]:
        return sorted(a for a in self._warm & self._workers if a not in self._busy)

    def run(self, slot: str, job: int, task: str, payload: Any, owner: str = "") -> None:
        stop_name = f"{self._topic}-stop-{job}"
        self._stop_names[job] = stop_name
        self._busy[slot] = job
        self._futures[job] = self.client.submit(
            run_task,
            job,
            task,
            payload,
            self._topic,
            stop_name,
            key=f"{self._topic}-job-{job}",
            workers=[slot],
            allow_other_workers=False,
            retries=0,
            pure=False,
        )

    def signal_stop(self, slot: str, job: int) -> None:
        if job in self._stop_names:
            Event(self._stop_names[job], client=self.client).set()

    def kill(self, slot: str, job: int | None = None) -> None:
        """Hard stop: restart that worker through its nanny (in the background)."""
        job = self._busy.pop(slot, None)
        if job is not None:
            self._forget(job)
        self._warm.discard(slot)
        self.restarts += 1
        threading.Thread(target=self._restart, args=(slot,), daemon=True).start()

    def receive(self, timeout: float) -> list[Message]:
        return drain(self._inbox, timeout)

    def update(self, messages: list[Message]) -> list[Message]:
        """Finished futures become end messages; a job whose worker left is lost."""
        out = list(messages)
        for kind, slot, _, _ in messages:
            if kind == "ready":
                self._warm.add(slot)
        self._look_at_workers()
        for slot, job in list(self._busy.items()):
            future = self._futures.get(job)
            if slot not in self._workers:
                self._warm.discard(slot)
                out.append(Message("lost", slot, job, {"reason": LOST}))
            elif future is None or not future.done():
                continue
            elif future.status == "finished":
                status, data = future.result()
                out.append(Message(status, slot, job, data))
            else:
                error = future.exception()
                reason = LOST if isinstance(error, KilledWorker) else f"Dask: {error!r}"[:300]
                self._warm.discard(slot)  # until it says it is warm again
                self._workers.discard(slot)
                out.append(Message("lost", slot, job, {"reason": reason}))
            self._busy.pop(slot, None)
            self._forget(job)
        return out

    def status(self) -> BackendStatus:
        warm = self._warm & self._workers
        problem = "" if warm else f"No warm Dask worker is connected to {self._address} yet."
        return {
            "workers": len(self._workers),
            "ready": len(warm),
            "busy": len(self._busy),
            "restarts": self.restarts,
            "recycled": self.recycled,
            "problem": problem,
            "pids": [],
        }

    def shutdown(self) -> None:
        client, self.client = self.client, None
        if client is None or client.status in ("closed", "closing"):
            return
        try:
            for name in self._stop_names.values():  # running tasks cannot be cancelled: stop them
                Event(name, client=client).set()
            if self._futures:
                client.cancel(list(self._futures.values()))
            client.close(timeout=5)
        except (RuntimeError, OSError, TimeoutError):
            pass  # the cluster or the event loop is already gone

    # ---- internals ---------------------------------------------------------------------
    def _restart(self, slot: str) -> None:
        with contextlib.suppress(Exception):  # the cluster went away: nothing to restart
            self.client.restart_workers([slot], raise_for_error=False)

    def _forget(self, job: int) -> None:
        future = self._futures.pop(job, None)
        if future is not None and not future.done():
            future.cancel()
        name = self._stop_names.pop(job, None)
        if name is not None:
            threading.Thread(
                target=lambda: Event(name, client=self.client).clear(), daemon=True
            ).start()

    def _look_at_workers(self, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self._looked > MEMBERSHIP_EVERY:
            self._looked = now
            self._workers = set(self.client.nthreads())

    def _on_warm(self, event) -> None:  # in the client's thread: only hand it over
        _, message = event
        self._inbox.put(("ready", message["address"], None, message))

    def _on_job_event(self, event) -> None:
        _, (kind, job, data) = event
        self._inbox.put((kind, None, job, data))
