"""Real-browser journeys (Playwright + Debian Chromium); screenshots go to docs/screenshots."""

import pytest

from tests.browser import PLOT_POINTS, chromium_page, shot, shot_at, streamlit_server
from tests.test_browser_accessibility import assert_accessible

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def app_url():
    with streamlit_server() as url:
        yield url


def test_training_lab_journey(app_url):
    with chromium_page() as page:
        page.goto(app_url)
        main = page.locator("[data-testid=stMain]")
        main.get_by_text("Regularization Lab").first.wait_for(timeout=30_000)
        shot(page, "home")
        page.locator(".st-key-reglab_nav").get_by_text("Training Lab").click()
        main.get_by_role("heading", name="Training Lab").wait_for(timeout=30_000)
        sidebar = page.locator("[data-testid=stSidebar]")
        epochs = sidebar.get_by_label("Epochs")
        epochs.fill("500")
        epochs.press("Enter")
        batch = sidebar.get_by_label("Batch size")
        batch.fill("8")
        batch.press("Enter")
        page.wait_for_timeout(1000)
        main.get_by_role("button", name="Train", exact=True).click()
        page.wait_for_function(f"({PLOT_POINTS})() >= 3", timeout=90_000)
        shot(page, "training_lab_running")
        main.get_by_role("button", name="Stop", exact=True).click()
        main.get_by_text("Stopped", exact=False).first.wait_for(timeout=15_000)
        points = page.evaluate(PLOT_POINTS)
        assert 3 <= points < 500
        page.wait_for_timeout(500)
        shot(page, "training_lab_stopped")


def test_polynomial_page(app_url):
    with chromium_page() as page:
        page.goto(app_url)
        main = page.locator("[data-testid=stMain]")
        page.locator(".st-key-reglab_nav").get_by_text("Underfit vs overfit").click()
        main.get_by_text("Three models, three diagnoses").wait_for(timeout=30_000)
        page.wait_for_function(
            "document.querySelectorAll('[data-testid=stMain] .js-plotly-plot').length >= 4",
            timeout=30_000,
        )
        shot(page, "polynomial_fit")
        main.get_by_text("Regularization tames a high-degree fit").scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        shot(page, "polynomial_regularization")


def test_backprop_click_through_to_the_last_step(app_url):
    with chromium_page(height=1300) as page:
        page.goto(app_url)
        main = page.locator("[data-testid=stMain]")
        page.locator(".st-key-reglab_nav").get_by_text("Backprop step-through").click()
        main.get_by_text("Step 1 of 16").wait_for(timeout=30_000)
        for number in range(2, 17):
            main.get_by_role("button", name="Next", exact=True).click()
            main.get_by_text(f"Step {number} of 16").wait_for(timeout=15_000)
        main.get_by_text("Old vs new weights").wait_for(timeout=15_000)
        assert main.get_by_text("0.5926").count() >= 1
        shot(page, "backprop_last_step")


def test_quick_preset_overlay(app_url):
    with chromium_page() as page:
        page.goto(app_url)
        main = page.locator("[data-testid=stMain]")
        page.locator(".st-key-reglab_nav").get_by_text("Lecture experiments").click()
        main.get_by_role("heading", name="Lecture experiments").wait_for(timeout=30_000)
        main.get_by_role("button", name="Run experiment").click()
        page.wait_for_function(
            """() => [...document.querySelectorAll('[data-testid=stMain] .js-plotly-plot')]
                 .some(p => p.data?.length === 9 && p.data  // 3 settings: band, mean, train
                   .filter(t => t.fill !== 'toself').every(t => t.x.length >= 30))""",
            timeout=150_000,
        )
        page.wait_for_timeout(1500)
        shot(page, "experiments_overlay")
        assert_accessible(page)  # with the runs' curves, bands and tables on screen


def test_kfold_folds_then_average_and_final_score(app_url):
    with chromium_page(height=1200) as page:
        page.goto(app_url)
        main = page.locator("[data-testid=stMain]")
        page.locator(".st-key-reglab_nav").get_by_text("K-fold validation").click()
        main.get_by_role("heading", name="K-fold validation").wait_for(timeout=30_000)
        main.get_by_role("button", name="Run K-fold").click()
        folds = """(n) => [...document.querySelectorAll('[data-testid=stMain] .js-plotly-plot')]
            .some(p => (p.data || [])
                .filter(t => String(t.name).startsWith('fold ')).length >= n)"""
        page.wait_for_function(f"({folds})(2)", timeout=120_000)
        shot(page, "kfold_running")
        main.get_by_text("models trained", exact=False).wait_for(timeout=180_000)
        average = """() => [...document.querySelectorAll('[data-testid=stMain] .js-plotly-plot')]
            .some(p => (p.data || []).some(t => t.name === 'average of 4 folds'))"""
        page.wait_for_function(average, timeout=30_000)
        shot_at(page, main.get_by_text("Finished", exact=False).first, "kfold_average")
        assert_accessible(page)


def test_search_trials_charts_and_open_best(app_url):
    with chromium_page(height=1300) as page:
        page.goto(app_url)
        page.locator("[data-testid=stMain]").get_by_text("Regularization Lab").first.wait_for()
        page.goto(f"{app_url}/search?trials=8&ssub=500&emin=4&emax=8&umax=64&lmax=2")
        main = page.locator("[data-testid=stMain]")
        main.get_by_role("button", name="Start search").click()
        main.get_by_text("Finished", exact=False).first.wait_for(timeout=240_000)
        page.wait_for_function(
            "document.querySelectorAll('[data-testid=stMain] .js-plotly-plot').length >= 2",
            timeout=30_000,
        )
        shot_at(page, main.get_by_text("Finished", exact=False).first, "search_trials")
        page.wait_for_function(  # the rerun after "Finished" may briefly show the old tabs too
            """() => [...document.querySelectorAll('[data-testid=stMain] [role=tab]')]
                .filter(t => t.textContent.includes('Parallel coordinates')).length === 1""",
            timeout=30_000,
        )
        tab = main.get_by_role("tab", name="Parallel coordinates")
        tab.click()
        page.wait_for_timeout(1000)
        shot_at(page, tab, "search_parallel_coordinates")
        assert_accessible(page)
        main.get_by_role("button", name="Open best in Training Lab").click()
        main.get_by_role("heading", name="Training Lab").wait_for(timeout=30_000)
        assert "units=" in page.url


CONCEPTS = (
    ("dropout", "Dropout: a different network"),
    ("batchnorm", "Batch normalization"),
    ("l1_l2", "L1 vs L2 penalties"),
    ("weight_decay", "Weight decay vs L2"),
    ("early_stopping", "Early stopping"),
)


def test_concept_pages(app_url):
    with chromium_page(height=1100) as page:
        page.goto(app_url)
        main = page.locator("[data-testid=stMain]")
        main.get_by_text("Regularization Lab").first.wait_for(timeout=30_000)
        page.locator(".st-key-reglab_nav").get_by_text("Dropout", exact=True).click()
        for path, heading in CONCEPTS:
            if path != "dropout":
                page.goto(f"{app_url}/{path}")
            main.get_by_role("heading", name=heading).first.wait_for(timeout=30_000)
            page.wait_for_function(
                "document.querySelectorAll('[data-testid=stMain] .js-plotly-plot').length >= 1",
                timeout=30_000,
            )
            if path == "dropout":
                main.get_by_role("button", name="Forward pass").click()
                main.get_by_text("Pass 2:", exact=False).wait_for(timeout=15_000)
            page.wait_for_timeout(800)
            shot(page, f"concepts_{path}")
