"""The class board in Chromium: an instructor and two learners (three browsers); one learner
publishes, the board shows exactly that run in the chosen coloring, the test scores are
revealed, the unpublished run never appears, a learner without the key cannot reveal or close."""

from __future__ import annotations

import re

import pytest

from tests.browser import chromium_browser, shot, shot_at, streamlit_server

pytestmark = pytest.mark.browser
KEY = "browser-test-key"
BOARD_TRACES = """() => {
  const plots = [...document.querySelectorAll('[data-testid=stMain] .js-plotly-plot')];
  const curves = plots.find(p => String(p.layout?.title?.text ?? '').includes('Validation loss'));
  return curves ? curves.data.map(t => ({name: t.name, points: (t.x || []).length,
                                          color: t.line && t.line.color})) : null;
}"""


def main(page):
    return page.locator("[data-testid=stMain]")


def wait_for_text(page, pattern: str, seconds: float = 60) -> str:
    """Poll the main area's text until it matches (the board refreshes itself)."""
    text = ""
    for _ in range(int(seconds * 2)):
        text = main(page).inner_text()
        if re.search(pattern, text):
            return text
        page.wait_for_timeout(500)
    raise AssertionError(f"{pattern!r} never appeared in: {text[:2000]}")


def join_and_train(context, url: str, query: str, name: str):
    page = context.new_page()
    page.goto(f"{url}/training_lab?{query}")
    lab = main(page)
    lab.get_by_label("Your display name on the class board", exact=True).fill(name)
    lab.get_by_role("button", name="Join the class").click()  # a form: name and click at once
    lab.get_by_text(f"You are in as {name}").wait_for(timeout=60_000)
    lab.get_by_role("button", name="Train", exact=True).click()
    lab.get_by_text("Finished", exact=False).first.wait_for(timeout=180_000)
    return page


def test_two_learners_and_an_instructor_run_a_class(tmp_path):
    env = {"REGLAB_INSTRUCTOR_KEY": KEY, "REGLAB_DB_URL": f"sqlite:///{tmp_path}/class.sqlite"}
    with streamlit_server(env) as url, chromium_browser() as browser:
        viewport = {"width": 1400, "height": 1000}
        teacher, ada, bob = (browser.new_context(viewport=viewport) for _ in range(3))
        board = teacher.new_page()
        board.goto(f"{url}/class_board")
        desk = main(board)
        desk.get_by_text("Instructor? Enter the key").click()
        desk.get_by_label("Instructor key", exact=True).fill(KEY)
        desk.get_by_role("button", name="Unlock instructor tools").click()
        desk.get_by_role("button", name="Create a class").click()
        heading = desk.get_by_text(re.compile(r"code [A-Z2-9]{6}")).first
        heading.wait_for(timeout=30_000)
        code = re.search(r"code ([A-Z2-9]{6})", heading.inner_text()).group(1)
        assert KEY not in board.url

        desk.get_by_role("button", name="Board settings").click()
        board.get_by_label("Color the runs by", exact=True).click()  # a popover: outside stMain
        board.get_by_role("option", name="Learning rate").click()
        board.keyboard.press("Escape")

        ada_page = join_and_train(ada, url, f"class={code}&ep=3&lr=0.003", "Ada")
        lab = main(ada_page)
        lab.get_by_role("button", name=re.compile(r"Publish run-\d+ to class")).click()
        lab.get_by_text("is on the class board").wait_for(timeout=30_000)
        join_and_train(bob, url, f"class={code}&ep=2&lr=0.01", "Bob")  # never published

        wait_for_text(board, r"Runs published\s+1\b")
        board.wait_for_timeout(2500)  # one more refresh of the board
        board.wait_for_function(f"({BOARD_TRACES})() !== null", timeout=30_000)
        traces = board.evaluate(BOARD_TRACES)
        assert traces is not None and len(traces) == 1, traces
        assert traces[0]["name"] == "Learning rate = 0.003" and traces[0]["points"] == 3
        assert "0.01" not in str(traces)
        assert re.search(r"Training now\s+0\b", desk.inner_text())
        assert re.search(r"Joined\s+2\b", desk.inner_text())
        board.evaluate("document.activeElement && document.activeElement.blur()")
        shot_at(board, desk.get_by_text("Joined", exact=True), "class_board")

        desk.get_by_role("button", name="Reveal test scores").click()
        desk.get_by_text("test scores revealed").wait_for(timeout=30_000)
        desk.get_by_role("button", name="Hide test scores").wait_for(timeout=30_000)

        peek = bob.new_page()
        peek.goto(f"{url}/class_board?class={code}")
        seen = main(peek)
        wait_for_text(peek, r"Runs published\s+1\b")
        assert seen.get_by_role("button", name="Reveal test scores").count() == 0
        assert seen.get_by_role("button", name="Hide test scores").count() == 0
        assert seen.get_by_role("button", name="Close the class").count() == 0
        peek.wait_for_function(f"({BOARD_TRACES})() !== null", timeout=30_000)  # drawn after text
        assert len(peek.evaluate(BOARD_TRACES)) == 1  # Bob's own run is not there either

        projector = teacher.new_page()
        projector.set_viewport_size({"width": 1920, "height": 1080})
        projector.goto(f"{url}/class_board?class={code}&present=1")
        main(projector).get_by_text("Runs published").wait_for(timeout=30_000)
        projector.locator("[data-testid=stSidebar]").wait_for(state="hidden", timeout=30_000)
        assert "Ada" not in main(projector).inner_text()
        projector.wait_for_function(f"({BOARD_TRACES})() !== null", timeout=30_000)
        projector.wait_for_timeout(500)  # the scatter beside it draws in the same pass
        shot(projector, "class_board_projector")
