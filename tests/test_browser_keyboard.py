"""Keyboard only, in Chromium: through the Lab (Tab to a setting, change it, Train with Enter,
Stop with Space, Tab on to the results) and through the Backprop step-through; every control
reached shows where the focus is."""

from __future__ import annotations

import pytest

from tests.browser import PLOT_POINTS, chromium_page, shot, streamlit_server
from tests.test_browser_accessibility import IDLE

pytestmark = pytest.mark.browser

FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const ring = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0)
    || (style.boxShadow && style.boxShadow !== 'none');
  return {tag: el.tagName, label: el.getAttribute('aria-label') || '',
          text: (el.innerText || el.value || '').trim().slice(0, 60), ring,
          inMain: !!el.closest('[data-testid=stMain]'),
          inSidebar: !!el.closest('[data-testid=stSidebar]')};
}"""


def tab_to(page, wanted, most: int = 120, unringed: list | None = None) -> dict:
    """Press Tab until `wanted(focused)` holds; every stop on the way must show a focus ring."""
    path = []
    for _ in range(most):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        path.append(focused and (focused["label"] or focused["text"] or focused["tag"]))
        if focused is None:
            continue
        if not focused["ring"]:  # a page rerunning may be restyling: look again, once
            page.wait_for_timeout(300)
            focused = page.evaluate(FOCUSED) or focused
        if not focused["ring"] and unringed is not None:
            unringed.append(focused)
        if wanted(focused):
            return focused
    raise AssertionError(f"Tab never reached the control ({most} presses): {path[-12:]}")


def test_the_lab_by_keyboard_alone():
    with streamlit_server() as url, chromium_page() as page:
        page.goto(f"{url}/training_lab?ep=300&bs=8")
        main = page.locator("[data-testid=stMain]")
        main.get_by_role("heading", name="Training Lab").wait_for(timeout=60_000)
        page.wait_for_timeout(2000)  # the script done: every style in place
        unringed: list = []
        # a setting in the sidebar: Epochs, typed over
        tab_to(page, lambda f: f["inSidebar"] and f["label"] == "Epochs", unringed=unringed)
        page.keyboard.press("Control+A")
        page.keyboard.type("200")
        page.keyboard.press("Enter")
        page.wait_for_function("() => location.search.includes('ep=200')", timeout=15_000)
        # on to Train, pressed with Enter
        tab_to(page, lambda f: f["inMain"] and f["text"] == "Train", unringed=unringed)
        page.keyboard.press("Enter")
        page.wait_for_function(f"({PLOT_POINTS})() >= 2", timeout=120_000)  # it trains
        tab_to(page, lambda f: f["inMain"] and f["text"] == "Stop", unringed=unringed)
        page.keyboard.press("Space")
        main.get_by_text("test accuracy, last epoch").first.wait_for(timeout=90_000)
        # the results are reachable: Tab on to the run's downloads
        found = tab_to(
            page, lambda f: f["inMain"] and f["text"].startswith("History (CSV)"), most=200
        )
        assert found["ring"], "the focused download button shows no focus ring"
        shot(page, "keyboard_lab_results")
        assert unringed == [], f"controls focused with no visible ring: {unringed[:3]}"


def test_backprop_step_through_by_keyboard_alone():
    with streamlit_server() as url, chromium_page() as page:
        page.goto(f"{url}/backprop")
        main = page.locator("[data-testid=stMain]")
        main.get_by_text("Step 1 of 16").wait_for(timeout=60_000)
        page.wait_for_function(IDLE, timeout=30_000)
        page.wait_for_timeout(1000)
        unringed: list = []
        tab_to(page, lambda f: f["inMain"] and f["text"] == "Next", unringed=unringed)
        page.keyboard.press("Enter")
        main.get_by_text("Step 2 of 16").wait_for(timeout=15_000)
        # focus stays on Next after the rerun or comes back to it with Tab
        focused = page.evaluate(FOCUSED)
        if not (focused and focused["text"] == "Next"):
            tab_to(page, lambda f: f["inMain"] and f["text"] == "Next", unringed=unringed)
        page.keyboard.press("Space")
        main.get_by_text("Step 3 of 16").wait_for(timeout=15_000)
        tab_to(page, lambda f: f["inMain"] and f["text"] == "Previous", unringed=unringed)
        page.keyboard.press("Enter")
        main.get_by_text("Step 2 of 16").wait_for(timeout=15_000)
        # the diagram's camera button: reached by Tab, shown while focused, saves on Enter
        page.wait_for_function(IDLE, timeout=30_000)
        page.wait_for_timeout(1000)  # the diagram redrawn for step 2
        camera = tab_to(page, lambda f: f["inMain"] and f["label"] == "Download plot as a PNG")
        assert camera["ring"]
        page.wait_for_function(  # the toolbar fades in (0.3 s) and stays while focused
            """() => document.activeElement.closest('.modebar-group')
                && getComputedStyle(document.activeElement.closest('.modebar-group')).opacity
                === '1'""",
            timeout=5_000,
        )
        with page.expect_download(timeout=30_000) as download:
            page.keyboard.press("Enter")
        assert download.value.suggested_filename.startswith("backprop-step-through")
        shot(page, "keyboard_backprop")
        assert unringed == [], f"controls focused with no visible ring: {unringed[:3]}"
