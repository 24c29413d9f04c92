"""Shared fixtures: small job pools of real worker processes, locally and on Dask."""

import atexit
import inspect
import os
import shutil
import tempfile

import pytest

from core.jobs.manager import JobManager
from tests.dask_cluster import dask_cluster

# No network in tests: the app never even probes the course datasets' download host.
os.environ.setdefault("REGLAB_OFFLINE", "1")
# Runs a test's app saves go to a store of this test process's own, never ~/.regularization-lab
# (servers the tests start inherit it).
_STORE_HOME = tempfile.mkdtemp(prefix="reglab-test-store-")
atexit.register(shutil.rmtree, _STORE_HOME, ignore_errors=True)
os.environ.setdefault("REGLAB_DB_URL", f"sqlite:///{_STORE_HOME}/runs.sqlite")


@pytest.fixture(scope="session")
def dask_scheduler():
    """A scheduler and two `dask worker` processes on 127.0.0.1, for the whole session."""
    with dask_cluster(2) as (address, processes):
        yield address, processes


@pytest.fixture(scope="module", params=["local", "dask"])
def light_pool(request):
    """Two workers that skip TensorFlow (fast to start), on either backend."""
    if request.param == "local":
        manager = JobManager(2, startup="", stop_grace=0.8, turn_jobs=1)  # the queue's tests
    else:
        from core.jobs.dask_backend import DaskPool

        address, _ = request.getfixturevalue("dask_scheduler")
        manager = JobManager(backend=DaskPool(address, startup=""), stop_grace=0.8)
    assert manager.wait_ready(120)
    yield manager
    manager.shutdown()


@pytest.fixture(scope="session")
def keras_pool():
    """Two workers with TensorFlow loaded, as the server runs them."""
    manager = JobManager(2)
    assert manager.wait_ready(180), "TensorFlow workers did not start"
    yield manager
    manager.shutdown()


PROCESS_FIXTURES = {
    "keras_pool",
    "light_pool",
    "dask_scheduler",
    "one_slot",
    "one_worker",
    "dask_one_worker_cluster",
}


# Buttons that queue a job: an AppTest that presses one starts the server's real workers.
JOB_BUTTONS = ("tl_train", "kf_start", "kf_course", "se_start", "ex_run", "bn_run", "do_run")


def _starts_jobs(item) -> bool:
    """Whether the test, or a helper of its module or of tests/ it calls, presses a job button."""
    try:
        source = inspect.getsource(item.function)
    except (OSError, TypeError, AttributeError):
        return False
    module = inspect.getmodule(item.function)
    helpers = [
        value
        for name, value in vars(module).items()
        if inspect.isfunction(value) and name in source and value is not item.function
    ]
    for helper in helpers:
        if (inspect.getmodule(helper).__name__ or "").startswith(("tests", module.__name__)):
            source += inspect.getsource(helper)
    return any(f'"{key}").click' in source for key in JOB_BUTTONS)


def pytest_collection_modifyitems(items):
    """The slow tier, found rather than hand-kept: every test that starts worker processes
    (through a pool fixture, or an AppTest pressing a button that queues a job) or a browser.
    `pytest -m "not slow"` runs the rest."""
    for item in items:
        uses = set(getattr(item, "fixturenames", ()))
        if uses & PROCESS_FIXTURES or item.get_closest_marker("browser") or _starts_jobs(item):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="module")
def postgres():
    """A real PostgreSQL server on 127.0.0.1 for one test module (tests/postgres_server.py)."""
    from tests.postgres_server import postgres_server

    with postgres_server() as server:
        yield server


@pytest.fixture(params=["sqlite", "postgres"])
def url(request, tmp_path):
    """The run store's database: a fresh SQLite file, then a fresh Postgres database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'runs.sqlite'}"
    return request.getfixturevalue("postgres").new_database()
