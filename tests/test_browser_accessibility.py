"""axe-core in Chromium over every page of the navigation (light, dark, presentation mode,
390 px, and after a run): no serious or critical WCAG 2.x A/AA violation; every chart named
for screen readers; no page wider than a phone."""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path

import pytest

from tests.browser import ROOT, chromium_browser, shot, streamlit_server

pytestmark = pytest.mark.browser

AXE = ROOT / "tests" / ".axe" / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
APP = (ROOT / "app.py").read_text(encoding="utf-8")
# every page's URL path, from app.py's navigation (Home is the root)
PAGES = [
    "" if stem == "home" else stem for stem in re.findall(r'st\.Page\(\s*"pages/(\w+)\.py"', APP)
]

RUN_AXE = """async tags => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return result.violations
    .filter(v => ['serious', 'critical'].includes(v.impact))
    .map(v => `${v.id} (${v.impact}): ` + v.nodes.slice(0, 3)
      .map(n => n.target.join(' ') + ' — ' + (n.failureSummary || '').split('\\n')[1]).join(' | '));
}"""
# a chart with no accessible name: Plotly's SVG says nothing to a screen reader by itself
UNNAMED_CHARTS = """() => [...document.querySelectorAll('[data-testid=stPlotlyChart]')]
  .filter(el => !(el.getAttribute('aria-label') || el.querySelector('[aria-label]')))
  .length"""
PHONE_SHOTS = ("home", "training_lab", "polynomial_fit")  # kept in docs/screenshots
IDLE = """() => !document.querySelector('[data-testid=stStatusWidget]')"""


def _axe_source() -> str:
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{AXE} is missing: tests/install.sh installs axe-core from npm.")
        pytest.skip("axe-core not installed (bash tests/install.sh)")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def app_url():
    with streamlit_server() as url:
        yield url


def open_page(page, url: str) -> None:
    """Open a page and wait for its script to finish (the status widget gone)."""
    page.goto(url)
    page.locator("[data-testid=stMain] h1").first.wait_for(timeout=90_000)
    with contextlib.suppress(Exception):  # a live fragment keeps rerunning: audit what shows
        page.wait_for_function(IDLE, timeout=30_000)
    page.wait_for_timeout(1200)  # charts draw after the script's last message


def audit(page, axe: str) -> list[str]:
    page.add_script_tag(content=axe)
    return page.evaluate(RUN_AXE, TAGS)


def problems(page, axe: str) -> list[str]:
    """axe's serious and critical violations on what the page shows now, and its unnamed
    charts."""
    found = audit(page, axe)
    if found:  # a page still laying itself out (a chart drawing) can overflow for a moment
        page.wait_for_timeout(1500)
        found = audit(page, axe)
    if unnamed := page.evaluate(UNNAMED_CHARTS):
        found.append(f"{unnamed} chart(s) without a name")
    return found


def assert_accessible(page) -> None:
    """For the journeys that end with a run's results on screen."""
    assert problems(page, _axe_source()) == []


def _audit_every_page(browser, app_url: str, scheme: str, query: str = "", width: int = 1400):
    axe = _axe_source()
    page = browser.new_page(viewport={"width": width, "height": 1000}, color_scheme=scheme)
    found: dict[str, list[str]] = {}
    for path in PAGES:
        open_page(page, f"{app_url}/{path}{query}")
        if seen := problems(page, axe):
            found[path or "home"] = seen
    page.close()
    return found


def test_axe_finds_no_serious_violation_on_any_page_in_the_light_theme(app_url):
    assert len(PAGES) == 15
    with chromium_browser() as browser:
        assert _audit_every_page(browser, app_url, "light") == {}


def test_axe_finds_no_serious_violation_on_any_page_in_the_dark_theme(app_url):
    with chromium_browser() as browser:
        assert _audit_every_page(browser, app_url, "dark") == {}


def test_axe_finds_no_serious_violation_in_presentation_mode(app_url):
    with chromium_browser() as browser:
        assert _audit_every_page(browser, app_url, "light", "?present=1") == {}


def test_every_page_fits_a_phone_and_passes_axe_there(app_url):
    """At 390×844 no page scrolls sideways, nothing in it reaches past the screen's edge
    (tables and formulas scroll inside their own boxes), and the Lab's Train button is on
    screen without a sideways scroll."""
    axe = _axe_source()
    wide = """() => {
      const scrollsInside = el => { for (let e = el.parentElement; e; e = e.parentElement) {
          const s = getComputedStyle(e);
          if (['auto', 'scroll'].includes(s.overflowX) && e.scrollWidth > e.clientWidth)
            return true; } return false; };
      // a chart's own layers reach past it under its clip paths: its box and its text count
      const html = [...document.querySelectorAll('[data-testid=stMain] *')]
        .filter(el => !el.closest('.js-plotly-plot') && el.offsetParent !== null)
        // visually hidden on purpose: KaTeX's MathML for screen readers, a slider's or an
        // uploader's native input under its drawn control
        .filter(el => !el.closest('.katex-mathml') && !['range', 'file'].includes(el.type));
      const charts = [...document.querySelectorAll(
        '[data-testid=stMain] .js-plotly-plot :is(svg.main-svg, text)')];
      // a label cut to an ellipsis (a link, a button): its words are lost on a phone
      const cut = html.filter(el => getComputedStyle(el).textOverflow === 'ellipsis'
        && el.scrollWidth > el.clientWidth + 1);
      return [...html, ...charts]
        .filter(el => el.getBoundingClientRect().width > 0)
        .filter(el => el.getBoundingClientRect().right > innerWidth + 1)
        .filter(el => !scrollsInside(el))
        .concat(cut)
        .slice(0, 3).map(el => (el.getAttribute('data-testid') || el.tagName) + ': '
          + (el.textContent || '').trim().slice(0, 40));
    }"""
    failing: dict[str, list[str]] = {}
    with chromium_browser() as browser:
        page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
        for path in PAGES:
            open_page(page, f"{app_url}/{path}")
            name = path or "home"
            scroll = page.evaluate("() => document.documentElement.scrollWidth")
            found = [f"page {scroll} px wide"] if scroll > 391 else []
            found += page.evaluate(wide) + problems(page, axe)
            if found:
                failing[name] = found
            if name in PHONE_SHOTS:
                shot(page, f"phone_{name}")
            if path == "training_lab":
                train = page.locator("[data-testid=stMain]").get_by_role("button", name="Train")
                box = train.first.bounding_box()
                assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390
        page.close()
    assert failing == {}


def test_after_a_run_the_lab_and_compare_runs_pass_axe_in_both_themes(app_url):
    """Curves, results, tables and downloads on screen: still no serious violation, every
    chart named, and the loss chart's summary in words under it."""
    axe = _axe_source()
    with chromium_browser() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, color_scheme="dark")
        open_page(page, f"{app_url}/training_lab?ep=12")
        main = page.locator("[data-testid=stMain]")
        main.get_by_role("button", name="Train", exact=True).click()
        main.get_by_text("test accuracy, last epoch").first.wait_for(timeout=180_000)
        page.wait_for_timeout(1500)
        summary = main.get_by_text(re.compile(r"^Validation loss lowest at epoch \d+"))
        assert summary.count() >= 1
        label = page.locator(
            ":is([data-testid=stPlotlyChart], [data-testid=stPlotlyChart] *)"
            "[aria-label*='Validation loss lowest']"
        )
        assert label.count() >= 1  # the same words are the chart's accessible name
        shot(page, "training_lab_dark_after_run")
        results = {}
        nav = page.locator(".st-key-reglab_nav")
        for scheme in ("dark", "light"):
            page.emulate_media(color_scheme=scheme)
            for title in ("Training Lab", "Compare runs"):
                nav.get_by_text(title, exact=True).click()
                main.get_by_role("heading", name=title).first.wait_for(timeout=30_000)
                if title == "Training Lab":
                    main.get_by_text("test accuracy, last epoch").first.wait_for(timeout=30_000)
                page.wait_for_timeout(2000)
                if found := problems(page, axe):
                    results[f"{title} ({scheme})"] = found
        assert results == {}


def test_axe_is_pinned_in_the_install_script():
    script = Path(ROOT / "tests" / "install.sh").read_text(encoding="utf-8")
    assert re.search(r"AXE_VERSION=\d+\.\d+\.\d+", script) and "axe-core@$AXE_VERSION" in script
