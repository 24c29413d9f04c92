"""Shared fixtures: small job pools of real worker processes."""

import pytest

from core.jobs import JobManager


@pytest.fixture(scope="module")
def light_pool():
    """Two workers that skip TensorFlow: fast to start, for lifecycle tests."""
    manager = JobManager(2, startup="", stop_grace=0.8)
    assert manager.wait_ready(60)
    yield manager
    manager.shutdown()


@pytest.fixture(scope="session")
def keras_pool():
    """Two workers with TensorFlow loaded, as the server runs them."""
    manager = JobManager(2)
    assert manager.wait_ready(180), "TensorFlow workers did not start"
    yield manager
    manager.shutdown()
