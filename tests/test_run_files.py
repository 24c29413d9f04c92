"""Malformed run files: one clear message each, and pages that always render what was kept."""

import copy
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.jobs.contract import TRAINING_TASK, TrainingPayload, training_result
from core.runs.records import records_from_json, run_json
from tests.test_compare_runs import sample_run

GOOD = json.loads(run_json(sample_run(1, "good")))
WRONG_VALUES = ("text", [], {}, None, -1, 1e308, True)


def paths(document, prefix=()):
    """Every path into a document, down to its leaves (history and lists: first items only)."""
    if isinstance(document, dict):
        for key, value in document.items():
            yield (*prefix, key)
            yield from paths(value, (*prefix, key))
    elif isinstance(document, list) and document:
        yield (*prefix, 0)
        yield from paths(document[0], (*prefix, 0))


def with_value(path, value):
    document = copy.deepcopy(GOOD)
    target = document
    for step in path[:-1]:
        target = target[step]
    if value is KeyError:
        if isinstance(target, dict):
            del target[path[-1]]
        else:
            target.pop(path[-1])
    else:
        target[path[-1]] = value
    return json.dumps(document)


def corpus():
    """Malformed files made from a good export, and some written by hand."""
    for path in paths(GOOD):
        for value in (*WRONG_VALUES, KeyError):
            yield f"{'.'.join(map(str, path))}={value!r}", with_value(path, value)
    deep = "[" * 50_000 + "]" * 50_000
    yield "deep nesting", deep
    yield "deep run", json.dumps({**GOOD, "result": {"test_last": [[[[[[[[[[1]]]]]]]]]]}})
    yield "not json", "{"
    yield "empty", ""
    yield "a number", "3"
    yield (
        "huge history",
        json.dumps(
            {**GOOD, "history": [dict(GOOD["history"][0], epoch=e) for e in range(1, 2_002)]}
        ),
    )
    yield "string metric", with_value(("history", 0, "val_loss"), "0.5")
    yield "ragged confusion", with_value(("result", "test_last", "confusion"), [[1, 2], [3]])
    for status in ("queued", "running", "exploded"):
        yield f"status {status}", with_value(("status",), status)
    yield "no data_loss", with_value(("history", 0, "data_loss"), KeyError)
    yield "markdown label", with_value(("label",), "![x](http://example.invalid/p.png) **b**")
    yield "too many runs", json.dumps([GOOD] * 201)
    yield "one bad of two", json.dumps([GOOD, {"format": GOOD["format"], "history": 3}])


CORPUS = list(corpus())


def test_every_file_is_read_or_refused_with_a_message():
    read = refused = 0
    for name, text in CORPUS:
        try:
            records, _notices = records_from_json(text)
        except ValueError as error:
            assert str(error), name
            refused += 1
            continue
        read += 1
        for record in records:
            assert record.status in ("finished", "stopped", "failed", "diverged"), name
            assert record.history and all("val_data_loss" in h for h in record.history), name
            assert "<" not in record.label and len(record.label) <= 120, name
            json.loads(run_json(record))  # what was kept exports again
    assert read > 20 and refused > 20


def accepted(names):
    return [text for name, text in CORPUS if name in names]


@pytest.mark.parametrize(
    "name",
    [
        "status running",
        "no data_loss",
        "markdown label",
        "result=None",
        "result.test_last.misclassified=[]",
        "history.0.val_accuracy=None",
        "one bad of two",
    ],
)
def test_pages_render_kept_runs(name):
    from pages.ui.runtime import job_manager

    (text,) = accepted({name})
    records, _ = records_from_json(text)
    manager, owner = job_manager(), f"importer-{name}"
    ids = [manager.adopt(owner, record) for record in records]
    at = AppTest.from_file("../app.py", default_timeout=60)
    at.session_state["owner"] = owner
    at.run()
    at.switch_page("pages/compare_runs.py").run()
    assert not at.exception
    at.session_state["tl_run"] = ids[-1]
    at.switch_page("pages/training_lab.py").run()
    assert not at.exception
    shown = " ".join(block.value for block in at.markdown)
    assert "![x]" not in shown  # labels are plain text, never Markdown


def test_a_run_restored_by_early_stopping_with_weight_history_round_trips():
    document = copy.deepcopy(GOOD)
    document["result"]["final"] = "restored"
    document["result"]["test_restored"] = document["result"]["test_best"]
    document["result"]["weight_history"] = [
        {"layer": "dense", "edges": [-1.0, 0.0, 1.0], "counts": [[3, 4], [2, 5]]}
    ]
    (record,), notices = records_from_json(json.dumps(document))
    assert notices == []
    assert record.result["final"] == "restored"
    assert record.result["weight_history"] == document["result"]["weight_history"]
    assert json.loads(run_json(record))["result"] == document["result"]


def test_importing_the_same_file_twice_adds_nothing():
    from core.runs.records import new_records, runs_json

    first, second = sample_run(1, "moons 8-4"), sample_run(2, "moons 8-4 seed 2")
    text = runs_json([first, second])
    records, _ = records_from_json(text)
    assert len(new_records(records, [])) == 2
    kept = [first, second]
    again, _ = records_from_json(text)
    assert new_records(again, kept) == []


def test_a_run_file_exported_before_the_floor_plan_imports_and_exports_the_same():
    """tests/data/run_before_floor_plan.json was written by the flat-core release (6b4b86f)."""
    text = (Path(__file__).parent / "data" / "run_before_floor_plan.json").read_text()
    records, notices = records_from_json(text)
    assert len(records) == 1 and not notices
    record = records[0]
    assert isinstance(record.payload, TrainingPayload) and record.task == TRAINING_TASK
    assert record.payload.config.dropout[0] == 0.3 and record.payload.config.epochs == 3
    result = training_result(record.result)
    assert result.test_best.accuracy == 0.76 and result.sizes["train"] == 1000
    again = json.loads(run_json(record))
    before = json.loads(text)[0]
    assert again["config"] == before["config"]
    for key in ("epoch", "loss", "val_data_loss", "val_accuracy", "penalty"):
        assert [h[key] for h in again["history"]] == [h[key] for h in before["history"]]
    reimported = training_result(records_from_json(json.dumps(again))[0][0].result)
    assert reimported == result  # the schema's normal form is stable
