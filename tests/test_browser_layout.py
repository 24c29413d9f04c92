"""In Chromium: no number cut off in its input (the Lab's λ, the search's learning rates), and
the backprop diagram's weight labels clear of the neurons and of each other at 390 px."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser import chromium_page, shot, streamlit_server

pytestmark = pytest.mark.browser

CLIPPED_INPUTS = """() => [...document.querySelectorAll(
    '[data-testid=stSidebar] input, [data-testid=stMain] input')]
  .filter(el => !['range', 'checkbox', 'radio', 'hidden'].includes(el.type))
  .filter(el => el.offsetParent !== null && el.value)
  .filter(el => el.scrollWidth > el.clientWidth + 1)
  .map(el => `${el.getAttribute('aria-label')}: ${el.value}`)"""

# Every text box in the network figure (weights, node names, node values) and every neuron.
NETWORK_BOXES = """() => {
  const plot = [...document.querySelectorAll('[data-testid=stMain] .js-plotly-plot')]
    .find(p => String(p.layout?.title?.text ?? '').includes('The network'));
  if (!plot) return null;
  const box = (el, kind, text) => {
    const r = el.getBoundingClientRect();
    return {kind, text, left: r.left, right: r.right, top: r.top, bottom: r.bottom};
  };
  const out = [];
  plot.querySelectorAll('g.annotation').forEach(g => {
    const text = g.textContent.trim();
    out.push(box(g, /^w\\d\\d/.test(text) ? 'weight' : 'node-name', text));
  });
  plot.querySelectorAll('path.point').forEach(p => out.push(box(p, 'neuron', '')));
  plot.querySelectorAll('g.textpoint').forEach(t =>
    out.push(box(t, 'node-text', t.textContent.trim())));
  return out;
}"""


def _overlap(a: dict, b: dict, slack: float = 1.0) -> bool:
    return (
        min(a["right"], b["right"]) - max(a["left"], b["left"]) > slack
        and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > slack
    )


def test_no_number_is_cut_off_in_its_input():
    with streamlit_server() as url, chromium_page() as page:
        lab = "training_lab?layers=2&l1=0.0015,0.0001&l2=0.0005,0.001&act=sigmoid,tanh"
        pages = {
            lab: "Training Lab",
            f"{lab}&present=1": "Training Lab",  # larger fonts in the same sidebar
            "search": "Hyperparameter search",
            "search?present=1": "Hyperparameter search",
        }
        for path, heading in pages.items():
            page.goto(f"{url}/{path}")
            main = page.locator("[data-testid=stMain]")
            main.get_by_role("heading", name=heading).wait_for(timeout=60_000)
            page.wait_for_timeout(1000)
            closed = page.locator("[data-testid=stSidebar] details:not([open]) > summary")
            for layer in closed.all():
                layer.click()  # every layer's box open
            page.wait_for_timeout(500)
            assert page.evaluate(CLIPPED_INPUTS) == [], path


def test_backprop_weight_labels_stay_clear_at_phone_width():
    with streamlit_server() as url, chromium_page(width=390, height=844) as page:
        page.goto(f"{url}/backprop")
        page.locator("[data-testid=stMain]").get_by_role("heading").first.wait_for(timeout=60_000)
        page.wait_for_function(f"({NETWORK_BOXES})() !== null", timeout=60_000)
        boxes = page.evaluate(NETWORK_BOXES)
        weights = [b for b in boxes if b["kind"] == "weight"]
        assert len(weights) == 6
        others = [b for b in boxes if b["kind"] in ("neuron", "node-name", "node-text")]
        clashes = [
            (w["text"], o["kind"], o["text"])
            for i, w in enumerate(weights)
            for o in [*weights[i + 1 :], *others]
            if _overlap(w, o)
        ]
        page.locator("[data-testid=stMain] .js-plotly-plot").first.scroll_into_view_if_needed()
        shot(page, "backprop_390px")
        titles = page.evaluate(TITLES)
        assert titles and all(t["inside"] for t in titles), titles  # no title cut at the edge
        assert clashes == []


# Each chart's title box against the chart's own box and against its toolbar (shown on hover).
TITLES = """() => [...document.querySelectorAll('[data-testid=stMain] .js-plotly-plot')]
  .map(plot => {
    const title = plot.querySelector('.gtitle');
    if (!title) return null;
    const r = title.getBoundingClientRect(), p = plot.getBoundingClientRect();
    const bar = plot.querySelector('.modebar');
    const b = bar ? bar.getBoundingClientRect() : null;
    return {text: title.textContent, inside: r.left >= p.left - 1 && r.right <= p.right + 1,
            underBar: !b || b.width === 0 || r.top >= b.bottom - 1 || r.right <= b.left + 1,
            wanted: String(plot.layout.title.text).replace(/<[^>]+>/g, ''),
            top: r.top - p.top, barBottom: b && b.bottom - p.top, barTop: b && b.top - p.top};
  }).filter(Boolean)"""


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


@pytest.mark.parametrize("present", ["0", "1"])
def test_titles_fit_their_chart_clear_of_the_toolbar_and_the_camera_saves_a_slide(present):
    with streamlit_server() as url, chromium_page() as page:
        for path in ("polynomial_fit", "early_stopping", "batchnorm"):
            page.goto(f"{url}/{path}?present={present}")
            main = page.locator("[data-testid=stMain]")
            main.locator(".js-plotly-plot").first.wait_for(timeout=60_000)
            page.wait_for_timeout(1500)
            for plot in main.locator(".js-plotly-plot").all():
                plot.scroll_into_view_if_needed()
                plot.hover()  # the toolbar shows
                page.wait_for_timeout(200)
            titles = page.evaluate(TITLES)
            assert titles, path
            for title in titles:
                assert title["text"] == title["wanted"], title  # every word drawn
                assert title["inside"] and title["underBar"], f"{path}: {title}"
        plot = main.locator(".js-plotly-plot").first
        plot.scroll_into_view_if_needed()
        page.mouse.move(0, 0)  # no toolbar or tooltip in the picture
        page.wait_for_timeout(300)
        if present == "1":
            shot(page, "batchnorm_presentation")
        plot.hover()
        with page.expect_download() as download:
            plot.locator(".modebar-btn[data-title^='Download plot']").click()
        saved = download.value
        assert saved.suggested_filename.startswith("batch-normalization-")
        assert saved.suggested_filename.endswith(".png")
        assert png_size(Path(saved.path()).read_bytes()) == (1920, 1080)
