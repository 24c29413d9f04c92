"""Open one page of the app under AppTest, with optional URL parameters."""

from streamlit.testing.v1 import AppTest


def open_page(page: str, params: dict | None = None, timeout: float = 120) -> AppTest:
    at = AppTest.from_file("../app.py", default_timeout=timeout)
    at.run()  # Home first (it clears the URL: it has no settings), then the page with the link's
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    return at
