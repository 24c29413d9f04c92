"""Browser journey: a lecture preset on (tiny) course data, overlaid with the course's own line."""

import pytest

from tests.browser import chromium_page, shot, streamlit_server
from tests.course_fixtures import write_course_data

pytestmark = pytest.mark.browser

COURSE_TRACE = """() => [...document.querySelectorAll('[data-testid=stMain] .js-plotly-plot')]
    .some(p => (p.data || []).some(t => String(t.name).startsWith('course: IMDB 4-4'))
        && (p.data || []).filter(t => !String(t.name).startsWith('course')
                                   && (t.x || []).length >= 12).length >= 6)"""


def test_imdb_capacity_preset_runs_beside_the_course_line(tmp_path):
    data = write_course_data(tmp_path / "keras-datasets")
    with streamlit_server({"REGLAB_DATA_DIR": str(data)}) as url, chromium_page() as page:
        page.goto(url)
        main = page.locator("[data-testid=stMain]")
        page.locator(".st-key-reglab_nav").get_by_text("Lecture experiments").click()
        main.get_by_role("heading", name="Lecture experiments").wait_for(timeout=30_000)
        main.locator("[data-testid=stSelectbox]").first.click()
        page.get_by_role("option", name="IMDB: smaller vs original vs larger network").click()
        main.get_by_text("validation_split=0.4").wait_for(timeout=15_000)
        main.get_by_role("button", name="Run experiment").click()
        page.wait_for_function(COURSE_TRACE, timeout=240_000)
        page.wait_for_timeout(1500)
        shot(page, "experiments_course_line")
