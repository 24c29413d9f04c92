"""The run store on a real SQLite file and a real PostgreSQL server: the same tests on both.

A "server" here is a JobManager over a FakeBackend (no processes): it writes through a
RunStore, and a restart is a new store and manager on the same database, with no shutdown.
"""

from __future__ import annotations

import contextlib
import math
import os
import sqlite3
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
import sqlalchemy as sa

from core.jobs.contract import KFoldPayload, SearchPayload, TrainingPayload
from core.jobs.manager import JobLimitReached, JobManager, Policy
from core.jobs.records import INTERRUPTED, JobRecord
from core.lab.config import TrainingConfig
from core.lab.kfold import KFoldSettings
from core.lab.search import SearchSpace
from core.store.run_store import RunStore
from core.store.tables import SCHEMA_VERSION
from tests.fake_backend import FakeBackend

DATA = Path(__file__).parent / "data"
CONFIG = replace(TrainingConfig(), units=(16, 8), l2=(1e-4,), learning_rate=0.00123456789)


def server(url: str, name: str = "A", **options) -> tuple[JobManager, FakeBackend]:
    backend = FakeBackend(options.pop("size", 2))
    store = RunStore(url, server=name, **options.pop("store", {}))
    return JobManager(backend=backend, background=False, store=store, server=name, **options), (
        backend
    )


def train(manager, backend, owner: str, epochs: int, payload=None, finish=True, **result) -> str:
    job_id = manager.submit(owner, "tests.tasks:count", payload or TrainingPayload(CONFIG), "lab")
    manager.pump()
    number = manager.snapshot(owner, job_id).number
    for epoch in range(1, epochs + 1):
        backend.say(number, "epoch", epoch=epoch, loss=1 / epoch, val_loss=math.nan, seconds=0.1)
    manager.pump()
    if finish:
        backend.finish(number, **result)
        manager.pump()
    return job_id


RESULT = {
    "test_last": {
        "accuracy": 0.75,
        "data_loss": 0.5,
        "loss": 0.52,
        "confusion": [[3, 1], [0, 4]],
        "misclassified": [{"index": 7, "true": 1, "predicted": 0}],
        "misclassified_images": [[[0, 255], [128, 3]]],
    },
    "best_epoch": 2,
    "epochs_run": 3,
    "weights": [{"layer": "dense", "counts": [1, 2], "edges": [-1.0, 0.0, 1.0]}],
    "weight_history": [{"layer": "dense", "edges": [-1.0, 1.0], "counts": [[3], [3]]}],
}


def test_every_run_kind_comes_back_after_a_restart(url):
    a, backend = server(url)
    lab = train(a, backend, "alice", 3, **RESULT)
    number = a.snapshot("alice", lab).number
    kfold = train(
        a,
        backend,
        "alice",
        2,
        KFoldPayload(CONFIG, KFoldSettings(size=100, k=3)),
        test={"accuracy": 0.5, "data_loss": 0.7},
    )
    space = SearchSpace(trials=3, optimizers=("adam",))
    search_id = a.submit("alice", "t", SearchPayload(space, enqueue=({"layers": 2},)), "study")
    a.pump()
    search_number = a.snapshot("alice", search_id).number
    backend.say(search_number, "live", trials=[{"number": 0, "state": "COMPLETE", "value": 0.3}])
    backend.say(search_number, "epoch", epoch=1, trial=0, loss=0.4)
    backend.finish(search_number, trials=[{"number": 0, "state": "COMPLETE", "value": 0.3}])
    a.pump()
    assert number  # the run was dispatched
    before = {job.key: job for job in a.jobs("alice")}

    b, _ = server(url)  # the restart: a new process on the same database
    after = {job.key: job for job in b.jobs("alice")}
    assert set(after) == set(before)
    for key, old in before.items():
        new = after[key]
        assert (new.id, new.label, new.status, new.task) == (
            old.id,
            old.label,
            "finished",
            old.task,
        )
        assert new.payload == old.payload  # exact floats, tuples, nested settings
        assert _same(new.history, old.history)
        assert new.result == old.result
        assert new.live == old.live
    assert after[before[next(iter(before))].key].payload.config.learning_rate == 0.00123456789
    assert {job.id for job in b.jobs("alice")} == {lab, kfold, search_id}


def _same(one: list[dict], other: list[dict]) -> bool:
    """Histories equal, NaN equal to NaN."""

    def plain(rows):
        return [{k: ("nan" if v != v else v) for k, v in row.items()} for row in rows]

    return plain(one) == plain(other)


def test_a_running_job_is_interrupted_by_a_restart_with_its_curves_so_far(url):
    a, backend = server(url)
    done = train(a, backend, "alice", 2)
    running = train(a, backend, "alice", 4, finish=False)
    queued = [a.submit("alice", "t", TrainingPayload(CONFIG), f"q{i}") for i in range(2)]
    a.save()  # the save thread's beat; then the server is killed (no shutdown)

    b, b_backend = server(url)
    jobs = {job.id: job for job in b.jobs("alice")}
    assert jobs[done].status == "finished"
    assert jobs[running].status == INTERRUPTED
    assert "server restart" in jobs[running].reason
    assert [h["epoch"] for h in jobs[running].history] == [1, 2, 3, 4]
    assert {jobs[q].status for q in queued} == {INTERRUPTED}
    assert not b_backend.runs  # nothing was restarted by itself
    again = b.submit("alice", "t", jobs[running].payload, jobs[running].label)
    assert again == "run-5" and b.snapshot("alice", again).status == "running"


def test_another_learner_never_reads_or_deletes_them(url):
    a, backend = server(url)
    mine = train(a, backend, "alice", 2)
    key = a.snapshot("alice", mine).key
    b, _ = server(url, "B")
    assert b.jobs("bob") == [] and b.snapshot("bob", mine) is None
    assert not b.delete("bob", mine)
    assert b.store.delete("bob", [key]) == 0  # even knowing the key
    assert b.store.load("bob", [key]) == ([], [])
    assert [job.id for job in b.jobs("alice")] == [mine]
    bobs = train(b, b.backend, "bob", 1)
    assert bobs == "run-1"  # numbers are per learner; keys are random
    assert b.snapshot("bob", bobs).key != key and len(key) == 24


def test_quotas_refuse_more_runs_with_a_clear_message(url):
    a, backend = server(url, policy=Policy(max_runs=2))
    train(a, backend, "alice", 1)
    train(a, backend, "alice", 1)
    with pytest.raises(JobLimitReached, match="You keep 2 runs"):
        a.submit("alice", "t", TrainingPayload(CONFIG))
    train(a, backend, "bob", 1)  # another learner's quota is their own
    a.delete("alice", "run-1")
    assert a.submit("alice", "t", TrainingPayload(CONFIG))

    epochs, backend = server(url, "E", policy=Policy(max_epochs=40))
    with pytest.raises(JobLimitReached, match="pass this server's 40"):
        epochs.submit("carol", "t", TrainingPayload(replace(CONFIG, epochs=41)))

    size, backend = server(url, "S", policy=Policy(max_bytes=200))
    train(size, backend, "dave", 3, **RESULT)
    size.save()
    with pytest.raises(JobLimitReached, match="MB, the most"):
        size.submit("dave", "t", TrainingPayload(CONFIG))


def test_runs_not_touched_for_keep_days_go_oldest_first(url):
    now = [1_000_000.0]
    a, backend = server(url, store={"clock": lambda: now[0]})
    old = train(a, backend, "alice", 2)
    now[0] += 10 * 86_400
    recent = train(a, backend, "bob", 2)
    now[0] += 25 * 86_400  # old: 35 days untouched; recent: 25
    assert a.store.cleanup(keep_days=30) == 1
    b, _ = server(url, "B", store={"clock": lambda: now[0]})
    assert b.jobs("alice") == [] and [j.id for j in b.jobs("bob")] == [recent]
    now[0] += 1
    assert old == "run-1"
    train(a, backend, "bob", 2)
    total = a.store.usage().bytes
    assert a.store.cleanup(keep_days=30, total_bytes=total - 1) == 1  # the oldest-touched one
    assert [j.id for j in server(url, "C")[0].jobs("bob")] == ["run-2"]  # run-1 was older


def _v1_store(url: str) -> None:
    """A store as schema 1 wrote it (no quotas columns), with one finished run."""
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as c:
        for statement in (DATA / "store_schema_v1.sql").read_text().split(";"):
            if statement.strip():
                c.exec_driver_sql(statement)
    engine.dispose()


def test_a_store_written_by_schema_1_opens_and_is_migrated(url):
    _v1_store(url)
    a, _ = server(url)
    assert a.store.problem == ""
    jobs = a.jobs("learner-v1")
    assert [(j.id, j.label, j.status, len(j.history)) for j in jobs] == [
        ("run-1", "digits 64-64", "finished", 2)
    ]
    assert jobs[0].payload.config.units == (64, 64)
    with a.store._engine.connect() as c:
        assert c.execute(sa.text("SELECT value FROM reglab_meta")).scalar() == str(SCHEMA_VERSION)
        assert c.execute(sa.text("SELECT touched FROM reglab_runs")).scalar() > 0


def test_a_store_from_a_newer_version_is_refused_with_a_clear_message(url):
    RunStore(url, server="A").close()
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as c:
        c.execute(sa.text("UPDATE reglab_meta SET value = '99' WHERE name = 'schema'"))
    engine.dispose()
    a, backend = server(url)
    assert "newer Regularization Lab (schema 99" in a.store.problem
    assert not a.store.open()  # never silently
    job = train(a, backend, "alice", 2)  # jobs still run, in memory
    assert a.snapshot("alice", job).status == "finished"


def test_database_down_then_up_loses_nothing(url, request):
    a, backend = server(url)
    first = train(a, backend, "alice", 2, finish=False)
    a.save()
    with _database_down(url, request):
        number = a.snapshot("alice", first).number
        for epoch in (3, 4):
            backend.say(number, "epoch", epoch=epoch, loss=0.1)
        backend.finish(number, **RESULT)
        a.pump()
        a.save()
        assert "not being saved" in a.status()["saving"]
        second = train(a, backend, "alice", 1)  # made while the database is down
        assert a.snapshot("alice", second).status == "finished"
    a.store.open()
    a.save()
    assert a.status()["saving"] == ""
    b, _ = server(url, "B")
    stored = {job.id: job for job in b.jobs("alice")}
    assert [h["epoch"] for h in stored[first].history] == [1, 2, 3, 4]
    assert stored[first].status == "finished" and stored[first].result == RESULT
    assert stored[second].status == "finished"


class _database_down:
    """SQLite: another program holds the write lock. Postgres: the server is stopped."""

    def __init__(self, url: str, request) -> None:
        self.url, self.request = url, request

    def __enter__(self):
        if self.url.startswith("sqlite"):
            self.locker = sqlite3.connect(self.url.removeprefix("sqlite:///"), timeout=0.1)
            self.locker.execute("BEGIN EXCLUSIVE")
        else:
            self.request.getfixturevalue("postgres").stop()

    def __exit__(self, *exc):
        if self.url.startswith("sqlite"):
            self.locker.rollback()
            self.locker.close()
        else:
            self.request.getfixturevalue("postgres").start()


def test_two_front_ends_on_one_database_show_each_others_runs_live(url):
    a, backend = server(url, "A")
    b, _ = server(url, "B")
    job = train(a, backend, "alice", 2, finish=False)
    a.save()
    seen = b.snapshot("alice", job)
    assert seen.status == "running" and len(seen.history) == 2
    assert not b.stop("alice", job)  # it runs on A
    backend.say(a.snapshot("alice", job).number, "epoch", epoch=3, loss=0.3)
    a.pump()
    backend.finish(a.snapshot("alice", job).number, **RESULT)
    a.pump()
    b._synced.clear()  # the next read is more than a second later
    seen = b.snapshot("alice", job)
    assert seen.status == "finished" and len(seen.history) == 3 and seen.result == RESULT
    other = train(b, b.backend, "alice", 1)
    assert other == "run-2"  # numbered after A's run
    assert b.delete("alice", other)
    a._synced.clear()
    assert [j.id for j in a.jobs("alice")] == [job]


def test_a_server_that_stops_beating_has_its_runs_interrupted(url):
    now = [1_000_000.0]
    a, backend = server(url, "A", store={"clock": lambda: now[0]})
    job = train(a, backend, "alice", 1, finish=False)
    a.save()
    a.store.beat()
    b, _ = server(url, "B", store={"clock": lambda: now[0]})
    b.store.beat()
    assert b.snapshot("alice", job).status == "running"  # A is alive
    now[0] += 60  # A died without a word
    b.store.beat()
    b._synced.clear()
    assert b.snapshot("alice", job).status == INTERRUPTED


def test_imports_and_delete_all_go_through_the_store(url):
    a, backend = server(url)
    imported = JobRecord("x", 0, "", "t", "imported", TrainingPayload(CONFIG), status="finished")
    imported.history = [{"epoch": 1, "loss": 0.5}]
    kept = a.adopt("alice", imported)
    running = train(a, backend, "alice", 1, finish=False)
    b, _ = server(url, "B")
    assert {j.id for j in b.jobs("alice")} == {kept, running}
    assert a.delete_all("alice") == 2
    assert a.snapshot("alice", running).stop_requested  # stopping, then it goes
    backend.say(a.snapshot("alice", running).number, "stopped", reason="Stopped.")
    a.pump()
    assert a.jobs("alice") == []
    assert server(url, "C")[0].jobs("alice") == []


def test_an_unreadable_stored_run_is_skipped_with_a_notice(url):
    a, backend = server(url)
    train(a, backend, "alice", 1)
    good = train(a, backend, "alice", 1)
    with a.store._engine.begin() as c:
        c.execute(sa.text("UPDATE reglab_runs SET payload = '{broken' WHERE seq = 1"))
    b, _ = server(url, "B")
    assert [j.id for j in b.jobs("alice")] == [good]
    assert "run-1 could not be shown" in b.notices("alice")[0]


def test_a_damaged_sqlite_file_is_moved_aside_and_a_fresh_one_started(tmp_path):
    path = tmp_path / "runs.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    store = RunStore(f"sqlite:///{path}", server="A")
    assert store.problem == ""
    assert "was damaged" in store.notices[0] and "moved to" in store.notices[0]
    assert list(tmp_path.glob("runs.sqlite.damaged-*"))
    assert store.usage().runs == 0


def test_a_read_only_folder_keeps_jobs_running_unsaved(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    with read_only(folder):
        a, backend = server(f"sqlite:///{folder / 'runs.sqlite'}")
        assert "not being saved" in a.status()["saving"]
        assert "read-only" in a.status()["saving"] or "cannot be created" in a.status()["saving"]
        job = train(a, backend, "alice", 2)
        assert a.snapshot("alice", job).status == "finished"
        assert a.jobs("alice")[0].history


@contextlib.contextmanager
def read_only(folder: Path):
    """A folder nobody may write to: a read-only mount as root (root ignores permissions)."""
    if os.geteuid() != 0:
        folder.chmod(0o500)
        try:
            yield
        finally:
            folder.chmod(0o700)
        return
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro", "tmpfs", str(folder)])
    if mounted.returncode != 0:
        pytest.skip("cannot make a read-only folder here (no mount as root)")
    try:
        yield
    finally:
        subprocess.run(["umount", str(folder)], check=False)


def test_a_full_disk_is_said_and_the_runs_written_once_there_is_room(tmp_path):
    url = f"sqlite:///{tmp_path / 'runs.sqlite'}"
    a, backend = server(url)
    job = train(a, backend, "alice", 1, finish=False)
    a.save()
    engine = a.store._engine
    limit = {"pages": None}

    @sa.event.listens_for(engine, "connect")
    def _cap(connection, _record):
        if limit["pages"]:
            connection.execute(f"PRAGMA max_page_count = {limit['pages']}")

    with engine.connect() as c:
        limit["pages"] = c.exec_driver_sql("PRAGMA page_count").scalar()
    engine.dispose()  # every new connection has the cap: the "disk" is full
    number = a.snapshot("alice", job).number
    for epoch in range(2, 400):
        backend.say(number, "epoch", epoch=epoch, loss=0.1, note="x" * 200)
    a.pump()
    a.save()
    assert "disk is full" in a.status()["saving"]
    limit["pages"] = None
    engine.dispose()
    a.store.open()
    a.save()
    assert a.status()["saving"] == ""
    assert len(server(url, "B")[0].snapshot("alice", job).history) == 399


def test_a_batch_collected_before_a_runs_end_never_writes_over_it(url):
    """The save thread collects a running run's epochs, the run ends (written at once), then
    the older batch commits: the row keeps the end (found by bench/store.py's kill -9 runs)."""
    a, backend = server(url)
    job = train(a, backend, "alice", 3, finish=False)
    a.save()
    number = a.snapshot("alice", job).number
    backend.say(number, "epoch", epoch=4, loss=0.2)
    a.pump()
    stale = a._saver.collect()  # the save thread's batch: running, 4 epochs
    backend.say(number, "epoch", epoch=5, loss=0.1)
    backend.finish(number, **RESULT)
    a.pump()  # the end is committed before anyone sees it
    assert a.store.save([(c.row, c.epochs) for c in stale])  # then the stale batch lands
    a._saver.confirm(stale)
    a.save()
    seen = server(url, "B")[0].snapshot("alice", job)
    assert seen.status == "finished" and [h["epoch"] for h in seen.history] == [1, 2, 3, 4, 5]


def test_database_down_at_start_then_up_writes_the_runs_made_meanwhile(url, request):
    RunStore(url, server="setup").close()  # the database exists; then it is down at start
    with _database_down(url, request):
        a, backend = server(url)
        assert "not being saved" in a.status()["saving"]
        job = train(a, backend, "alice", 3, **RESULT)
        assert a.snapshot("alice", job).status == "finished"
    a._timers["retry"] = 0.0  # the save thread's next try
    a.save()
    assert a.status()["saving"] == ""
    seen = server(url, "B")[0].snapshot("alice", job)
    assert seen.status == "finished" and len(seen.history) == 3 and seen.result == RESULT
