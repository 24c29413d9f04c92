"""A learner is their browser: a second tab sees the first tab's runs; another browser does not."""

import pytest

from tests.browser import chromium_page, streamlit_server

pytestmark = pytest.mark.browser


def test_tabs_of_one_browser_share_runs_and_other_browsers_do_not():
    with streamlit_server() as url, chromium_page() as first:
        learner = first.context.browser.new_context(viewport={"width": 1400, "height": 1000})
        page = learner.new_page()
        page.goto(f"{url}/training_lab?ep=3")
        main = page.locator("[data-testid=stMain]")
        main.get_by_role("button", name="Train", exact=True).click()
        main.get_by_text("Finished", exact=False).first.wait_for(timeout=120_000)
        second_tab = learner.new_page()
        second_tab.goto(f"{url}/compare_runs")
        second_main = second_tab.locator("[data-testid=stMain]")
        second_main.get_by_text("All runs").first.wait_for(timeout=30_000)
        assert second_main.get_by_text("No runs yet").count() == 0
        other = first  # another browser context: another learner
        other.goto(f"{url}/compare_runs")
        other.locator("[data-testid=stMain]").get_by_text("No runs yet").wait_for(timeout=30_000)
