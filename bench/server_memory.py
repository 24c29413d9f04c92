"""Memory of the real Streamlit server while learners open course-data previews in Chromium.

Run: python bench/server_memory.py --data-dir ../shared/data/keras-datasets
Starts `streamlit run app.py` (default pool of 2 TensorFlow workers), opens the Training Lab
on IMDB (three vocabularies and seeds), MNIST and Fashion-MNIST in Debian's Chromium, each
page waiting for its data preview, and prints the server's and the workers' resident memory.
Before this change the server loaded whole course arrays for the preview: 1.5 GB for IMDB.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.memory import rss_mb
from tests.browser import chromium_page, streamlit_server

VISITS = (
    "ds=imdb",
    "ds=imdb&words=5000",
    "ds=imdb&seed=7&val=0.3",
    "ds=mnist",
    "ds=fashion_mnist",
)


def server_pids(port: str) -> tuple[int, list[int]]:
    """The Streamlit process on this port, and its children (the workers)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"streamlit" in cmdline and port.encode() in cmdline:
            server = int(entry.name)
            children = (entry / "task" / entry.name / "children").read_text().split()
            return server, [int(c) for c in children]
    raise RuntimeError("no Streamlit server found")


def row(step: str, port: str) -> None:
    server, children = server_pids(port)
    workers = sum(rss_mb(c) for c in children)
    print(f"| {step} | {rss_mb(server):,.0f} | {workers:,.0f} | {rss_mb(server) + workers:,.0f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=os.environ.get("REGLAB_DATA_DIR"))
    args = parser.parse_args()
    with streamlit_server({"REGLAB_DATA_DIR": args.data_dir or ""}) as url:
        port = url.rsplit(":", 1)[1]
        time.sleep(25)  # the workers import TensorFlow
        print("| step | Streamlit server MB | workers MB | total MB |")
        print("|---|---|---|---|")
        row("started, no session", port)
        with chromium_page() as page:
            for visit in VISITS:
                page.goto(f"{url}/training_lab?{visit}")
                preview = page.locator("[data-testid=stMain]").get_by_text("Split:")
                preview.first.wait_for(state="attached", timeout=120_000)
                row(f"Lab open on {visit}, preview shown", port)
        time.sleep(3)
        row("browser closed", port)


if __name__ == "__main__":
    main()
