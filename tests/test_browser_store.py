"""Runs survive a killed server, for the same browser only; two front ends share one Postgres."""

import json
import time

import pytest

from tests.browser import PLOT_POINTS, AppServer, chromium_browser, shot
from tests.postgres_server import postgres_server

pytestmark = pytest.mark.browser


def lab(page, url: str):
    page.goto(f"{url}/training_lab?ep=500&bs=8")
    main = page.locator("[data-testid=stMain]")
    main.get_by_role("heading", name="Training Lab").wait_for(timeout=60_000)
    return main


def test_a_run_survives_kill_minus_9_for_the_same_browser_only(tmp_path):
    server = AppServer({"REGLAB_DB_URL": f"sqlite:///{tmp_path / 'runs.sqlite'}"})
    server.start()
    try:
        with chromium_browser() as browser:
            learner = browser.new_context(viewport={"width": 1400, "height": 1000})
            page = learner.new_page()
            main = lab(page, server.url)
            main.get_by_role("button", name="Train", exact=True).click()
            page.wait_for_function(f"({PLOT_POINTS})() >= 3", timeout=120_000)
            main.get_by_role("button", name="Stop", exact=True).click()
            main.get_by_text("Stopped", exact=False).first.wait_for(timeout=20_000)
            main.get_by_role(
                "button", name="Train", exact=True
            ).click()  # still running at the kill
            page.wait_for_function(
                "() => [...document.querySelectorAll('[data-testid=stMain] p')]"
                ".some(p => p.innerText.includes('Running'))",
                timeout=60_000,
            )
            page.wait_for_function(f"({PLOT_POINTS})() >= 2", timeout=60_000)
            page.wait_for_timeout(1500)  # a save beat: at most the last second may be lost
            cookie = next(c for c in learner.cookies() if c["name"] == "reglab_learner")
            assert cookie["expires"] > time.time() + 300 * 86_400  # survives closing the browser
            server.kill()

            server.start()  # the same port: it knows its predecessor is gone
            page.goto(f"{server.url}/compare_runs")
            main = page.locator("[data-testid=stMain]")
            main.get_by_text("Interrupted by a server restart").wait_for(timeout=60_000)
            main.get_by_role("button", name="Run again").first.wait_for(timeout=20_000)
            main.get_by_text("run-1 · digits").first.wait_for(timeout=10_000)
            main.get_by_text("run-2 · digits").first.wait_for(timeout=10_000)
            assert main.get_by_role("button", name="Run again").count() == 1  # only run-2
            shot(page, "compare_runs_after_restart")

            lab(page, server.url)  # the Lab lands on the interrupted run, its curves kept
            main.get_by_text("Interrupted", exact=False).first.wait_for(timeout=30_000)
            page.wait_for_function(f"({PLOT_POINTS})() >= 2", timeout=30_000)

            stranger = browser.new_context().new_page()
            stranger.goto(f"{server.url}/compare_runs")
            other = stranger.locator("[data-testid=stMain]")
            other.get_by_text("No runs yet").wait_for(timeout=60_000)
            assert other.get_by_text("run-1").count() == 0
    finally:
        server.stop()


RUN = {
    "format": "regularization-lab-run/1",
    "id": "run-9",
    "label": "shared across front ends",
    "status": "finished",
    "config": {"units": "32,32"},
    "history": [
        {"epoch": 1, "loss": 0.9, "accuracy": 0.5, "val_loss": 1.0, "val_accuracy": 0.4},
        {"epoch": 2, "loss": 0.5, "accuracy": 0.8, "val_loss": 0.7, "val_accuracy": 0.7},
    ],
    "result": {},
}


def test_two_front_ends_on_one_postgres_show_a_learners_runs(tmp_path):
    with postgres_server() as postgres:
        url = postgres.new_database()
        env = {"REGLAB_DB_URL": url, "REGLAB_WORKERS": "1"}
        front, back = AppServer(env), AppServer(env)
        front.start()
        back.start()
        try:
            with chromium_browser() as browser:
                page = browser.new_context().new_page()
                page.goto(f"{front.url}/compare_runs")
                main = page.locator("[data-testid=stMain]")
                main.get_by_text("Import runs").first.click()
                upload = tmp_path / "run.json"
                upload.write_text(json.dumps(RUN))
                page.locator("[data-testid=stMain] input[type=file]").set_input_files(upload)
                main.get_by_text("Imported 1 run(s)").wait_for(timeout=30_000)

                page.goto(f"{back.url}/compare_runs")  # the other server, the same browser
                main = page.locator("[data-testid=stMain]")
                main.get_by_text("shared across front ends").first.wait_for(timeout=60_000)
                stranger = browser.new_context().new_page()
                stranger.goto(f"{back.url}/compare_runs")
                stranger.locator("[data-testid=stMain]").get_by_text("No runs yet").wait_for(
                    timeout=60_000
                )
        finally:
            front.stop()
            back.stop()
