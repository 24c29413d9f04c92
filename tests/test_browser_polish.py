"""Real-browser checks of issue 11: a deep link as the server's first request; settings kept."""

import pytest

from tests.browser import chromium_page, shot, streamlit_server

pytestmark = pytest.mark.browser


def test_deep_link_as_the_first_request_opens_the_real_app():
    with streamlit_server() as url, chromium_page() as page:
        page.goto(f"{url}/training_lab?opt=sgd&mom=0.5")  # nothing has opened / yet
        main = page.locator("[data-testid=stMain]")
        main.get_by_role("heading", name="Training Lab").wait_for(timeout=60_000)
        sidebar = page.locator("[data-testid=stSidebar]")
        sidebar.get_by_text("Presentation mode").wait_for(timeout=30_000)  # app.py ran
        nav = page.locator(".st-key-reglab_nav")
        nav.get_by_text("Hyperparameter search").wait_for(timeout=10_000)  # st.Page titles
        assert nav.get_by_text("polynomial fit", exact=True).count() == 0  # no raw file list
        shot(page, "deep_link_first_request")

        # change momentum in the UI, visit Home, come back: still there
        momentum = sidebar.locator("input[type=range][aria-label=Momentum]")
        momentum.focus()
        momentum.press("ArrowRight")  # 0.50 → 0.51  # 0.5 → 0.51
        page.wait_for_function("() => location.search.includes('mom=0.51')", timeout=15_000)
        nav.get_by_text("Home", exact=True).click()
        main.get_by_text("Start here").wait_for(timeout=30_000)
        assert "mom=" not in page.url
        nav.get_by_text("Training Lab", exact=True).click()
        main.get_by_role("heading", name="Training Lab").wait_for(timeout=30_000)
        page.wait_for_function("() => location.search.includes('mom=0.51')", timeout=15_000)


def test_stop_in_the_first_second_keeps_the_worker_and_shows_test_results():
    with streamlit_server() as url, chromium_page() as page:
        page.goto(f"{url}/training_lab?ep=500&bs=8")
        main = page.locator("[data-testid=stMain]")
        main.get_by_role("heading", name="Training Lab").wait_for(timeout=60_000)
        for _ in range(60):  # the pool's caption says so until TensorFlow is up in the workers
            page.get_by_text("busy").first.wait_for(timeout=60_000)
            if "starting TensorFlow" not in main.inner_text():
                break
            page.wait_for_timeout(2000)
            page.reload()
        main.get_by_role("button", name="Train", exact=True).click()
        page.wait_for_timeout(1000)
        main.get_by_role("button", name="Stop", exact=True).click()
        main.get_by_text("test accuracy, last epoch").first.wait_for(timeout=60_000)
        assert "restarted" not in main.inner_text()
        shot(page, "stopped_in_the_first_second")
