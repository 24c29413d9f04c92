"""Architecture rules: core/ never imports Streamlit; the server side never imports TensorFlow."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SERVER_MODULES = [
    "core.config",
    "core.datasets",
    "core.data_loading",
    "core.jobs",
    "core.keras_snippet",
    "core.model_summary",
    "core.plots",
    "core.run_records",
    "core.url_state",
    "core.dropout",
    "core.dropout_plots",
    "core.batchnorm",
    "core.batchnorm_plots",
    "core.penalties",
    "core.penalty_plots",
    "core.weight_decay",
    "core.weight_decay_plots",
    "core.early_stopping",
    "core.early_stopping_plots",
    "core.concept_runs",
    "core.local_pool",
    "core.dask_backend",  # only when REGLAB_BACKEND=dask, but TensorFlow-free either way
    "core.features",
    "core.preview",
    "core.run_schema",
    "core.identity",
    "core.course_reference",
    "core.data_walkthrough",
    "core.split_plots",
    "pages.ui.runtime",
    "pages.ui.run_view",
    "pages.ui.training_widgets",
]


def test_core_never_imports_streamlit():
    for path in (ROOT / "core").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            assert not any(n.split(".")[0] == "streamlit" for n in names), path


def test_server_side_modules_do_not_import_tensorflow():
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in SERVER_MODULES)
        + "bad = [m for m in ('tensorflow', 'keras') if m in sys.modules]\n"
        + "assert not bad, bad\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]


def test_every_module_has_a_docstring():
    for path in [*ROOT.glob("core/*.py"), *ROOT.glob("pages/**/*.py"), ROOT / "app.py"]:
        assert ast.get_docstring(ast.parse(path.read_text())), path


PAGE_RENDER = """
import sys
from streamlit.testing.v1 import AppTest
at = AppTest.from_file("app.py", default_timeout=60)
at.run()
for page in sys.argv[1:]:
    at.switch_page(page)
    at.run()
    assert not at.exception, (page, at.exception)
bad = [m for m in ("tensorflow", "keras") if m in sys.modules]
assert not bad, bad
"""


def test_rendering_every_page_does_not_import_tensorflow():
    pages = [str(p.relative_to(ROOT)) for p in sorted((ROOT / "pages").glob("*.py"))]
    done = subprocess.run(
        [sys.executable, "-c", PAGE_RENDER, *pages], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-3000:]
