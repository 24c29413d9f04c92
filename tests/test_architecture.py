"""Architecture rules, found by walking every module: core/ never imports Streamlit; nothing
outside core/training/ imports TensorFlow or Keras; packages import no circle; pages keep to
their own session keys."""

import ast
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TRAINING = "core.training"
HEAVY = ("tensorflow", "keras")
SHARED_SESSION_KEYS = {"owner", "presentation", "page_entered", "app_ran", "concept_groups"}
PAGE_PREFIX = {
    "backprop": "bp",
    "batchnorm": "bn",
    "class_board": "cb",
    "compare_runs": "cr",
    "course_data": "cd",
    "dropout": "do",
    "early_stopping": "es",
    "experiments": "ex",
    "home": "home",
    "kfold": "kf",
    "l1_l2": "pen",
    "polynomial_fit": "poly",
    "search": "se",
    "training_lab": "tl",
    "weight_decay": "wd",
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def python_files() -> list[Path]:
    return [
        ROOT / "app.py",
        *sorted(ROOT.glob("core/**/*.py")),
        *sorted(ROOT.glob("pages/**/*.py")),
    ]


def imported(path: Path, top_level_only: bool = False) -> set[str]:
    """Every module `path` imports (anywhere in it, or only at module level)."""
    tree = ast.parse(path.read_text())
    nodes = tree.body if top_level_only else ast.walk(tree)
    names: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def server_modules() -> list[str]:
    """Every module the server may import: all but core.training's."""
    names = [module_name(p) for p in python_files()[1:] if "pages" not in p.parts]
    return [n for n in names if n != TRAINING and not n.startswith(TRAINING + ".")]


def test_core_never_imports_streamlit():
    for path in ROOT.glob("core/**/*.py"):
        assert not any(n.split(".")[0] == "streamlit" for n in imported(path)), path


def test_only_core_training_imports_tensorflow_or_keras():
    for path in python_files():
        if module_name(path).startswith(TRAINING):
            continue
        heavy = {n for n in imported(path) if n.split(".")[0] in HEAVY}
        training = {n for n in imported(path) if n == TRAINING or n.startswith(TRAINING + ".")}
        assert not heavy and not training, (path, heavy | training)


def test_the_rule_finds_every_module():
    names = server_modules()
    assert len(names) > 40 and "core.jobs.dask_backend" in names and "core.lab.config" in names
    assert not [n for n in names if n.startswith("core.training")]


def test_importing_any_server_module_loads_no_tensorflow():
    """Both backends included: core.jobs.local_pool and core.jobs.dask_backend."""
    code = (
        "import importlib, sys\n"
        f"for name in {server_modules()!r}:\n"
        "    importlib.import_module(name)\n"
        f"bad = [m for m in {HEAVY!r} if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]


def test_core_modules_import_no_circle():
    """Module-level imports between core modules form no cycle (lazy imports may)."""
    modules = {module_name(p): p for p in ROOT.glob("core/**/*.py")}
    edges = {
        name: {m for m in imported(path, top_level_only=True) if m in modules and m != name}
        for name, path in modules.items()
    }
    done: set[str] = set()

    def visit(name: str, trail: tuple[str, ...]) -> None:
        assert name not in trail, " → ".join((*trail, name))
        if name in done:
            return
        for other in edges[name]:
            visit(other, (*trail, name))
        done.add(name)

    for name in modules:
        visit(name, ())


def test_every_module_has_a_docstring():
    for path in [*python_files(), *ROOT.glob("tests/*.py"), *ROOT.glob("bench/*.py")]:
        assert ast.get_docstring(ast.parse(path.read_text())), path


def test_every_core_package_says_what_it_is_for():
    packages = [p for p in (ROOT / "core").iterdir() if p.is_dir() and p.name != "__pycache__"]
    assert {p.name for p in packages} >= {"jobs", "training", "lab", "data", "runs", "figures"}
    for package in packages:
        doc = ast.get_docstring(ast.parse((package / "__init__.py").read_text()))
        assert doc and "\n" not in doc, package


SESSION_KEY = re.compile(
    r"session_state(?:\.(?:get|pop|setdefault)\(\s*[\"'](\w+)[\"']|\[[\"'](\w+)[\"']\]|\.(\w+))"
)


def test_pages_keep_to_their_own_session_keys():
    """A page reads or writes only its own keys (its prefix) or the app-wide ones; another
    page's state goes through a named helper in pages/ui."""
    for path in sorted((ROOT / "pages").glob("*.py")):
        prefix = PAGE_PREFIX[path.stem]
        for match in SESSION_KEY.finditer(path.read_text()):
            key = next(g for g in match.groups() if g)
            if key in ("get", "pop", "setdefault") or key in SHARED_SESSION_KEYS:
                continue
            assert key.startswith(prefix + "_"), (path.name, key)


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
