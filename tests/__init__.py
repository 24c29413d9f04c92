"""The test suite: fast pure tests, real worker processes (slow), and real-browser journeys."""
