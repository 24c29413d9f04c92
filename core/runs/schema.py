"""The schema of an imported run file: parse once at the boundary, or say clearly why not.

Everything the pages read from a run is checked here (types, ranges, sizes, shapes), so a
malformed or hostile file gives one message and never a page that cannot render.
"""

from __future__ import annotations

import math
import re
from typing import Any

from core.lab.config import TrainingConfig

METRICS = ("loss", "data_loss", "penalty", "accuracy", "val_loss", "val_data_loss", "val_accuracy")
MAX_EPOCHS = 2_000  # the server's own cap is 500 (REGLAB_MAX_EPOCHS)
MAX_LABEL = 120
MAX_REVIEW = 400  # characters of a misclassified review's opening
FINISHED = ("finished", "stopped", "failed", "diverged")


class BadRun(ValueError):
    """A run document that does not follow the schema."""


def number(value: Any, where: str, lo: float = -math.inf, hi: float = math.inf) -> float:
    """A JSON number (null means not a number) within [lo, hi]."""
    if value is None:
        return math.nan
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise BadRun(f"{where} is not a number.")
    value = float(value)
    if math.isfinite(value) and not lo <= value <= hi:
        raise BadRun(f"{where} is {value:g}, outside {lo:g} to {hi:g}.")
    return value


def whole(value: Any, where: str, lo: int = 0, hi: int = 10**9) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value):
        raise BadRun(f"{where} is not a whole number.")
    if not lo <= value <= hi:
        raise BadRun(f"{where} is {value}, outside {lo} to {hi}.")
    return int(value)


def listed(value: Any, where: str, most: int) -> list:
    if not isinstance(value, list):
        raise BadRun(f"{where} is not a list.")
    if len(value) > most:
        raise BadRun(f"{where} has {len(value):,} entries; at most {most:,} are allowed.")
    return value


def mapping(value: Any, where: str) -> dict:
    if not isinstance(value, dict):
        raise BadRun(f"{where} is not an object.")
    return value


def plain_text(value: Any, most: int = MAX_LABEL) -> str:
    """Text shown as plain text: no markup, no control characters, a sensible length."""
    text = re.sub(r"[\x00-\x1f\x7f]", " ", str(value))
    return text.replace("<", "‹").replace(">", "›")[:most].strip()


def plain_label(value: Any) -> str:
    return plain_text(value) or "imported run"


MAX_LOSS = 1e6  # a larger loss is no training curve (and would flatten every chart it is on)


def metric_range(name: str) -> tuple[float, float]:
    """Accuracies lie in [0, 1]; losses and penalties in [0, MAX_LOSS]."""
    return (0.0, 1.0) if "accuracy" in name else (0.0, MAX_LOSS)


def history(value: Any) -> list[dict]:
    rows = []
    for i, row in enumerate(listed(value, "history", MAX_EPOCHS)):
        row = mapping(row, f"history[{i}]")
        where = f"history[{i}]"
        clean = {"epoch": whole(row.get("epoch"), f"{where}.epoch", 1, MAX_EPOCHS)}
        for name in METRICS:
            clean[name] = number(row.get(name), f"{where}.{name}", *metric_range(name))
        if "data_loss" not in row:
            clean["data_loss"] = clean["loss"]
        if "val_data_loss" not in row:
            clean["val_data_loss"] = clean["val_loss"]
        if "penalty" not in row:
            clean["penalty"] = 0.0
        clean["seconds"] = number(row.get("seconds", 0.0), f"{where}.seconds", 0)
        rows.append(clean)
    if not rows:
        raise BadRun("history has no epochs: there is nothing to show.")
    if [r["epoch"] for r in rows] != sorted({r["epoch"] for r in rows}):
        raise BadRun("history's epochs are not 1, 2, 3, … in order.")
    return rows


def test_scores(value: Any, where: str, classes: int) -> dict:
    value = mapping(value, where)
    out = {
        "accuracy": number(value.get("accuracy"), f"{where}.accuracy", 0, 1),
        "data_loss": number(value.get("data_loss"), f"{where}.data_loss", 0),
        "loss": number(value.get("loss", value.get("data_loss")), f"{where}.loss", 0),
    }
    confusion = listed(value.get("confusion", []), f"{where}.confusion", classes)
    if confusion and (
        len(confusion) != classes
        or any(len(listed(r, f"{where}.confusion", classes)) != classes for r in confusion)
    ):
        raise BadRun(f"{where}.confusion is not a {classes}×{classes} table.")
    out["confusion"] = [[whole(c, f"{where}.confusion") for c in r] for r in confusion]
    wrong = []
    for i, item in enumerate(listed(value.get("misclassified", []), f"{where}.wrong", 48)):
        item = mapping(item, f"{where}.misclassified[{i}]")
        entry = {
            "index": whole(item.get("index"), f"{where}.misclassified[{i}].index"),
            "true": whole(item.get("true"), f"{where}.misclassified[{i}].true", 0, classes - 1),
            "predicted": whole(
                item.get("predicted"), f"{where}.misclassified[{i}].predicted", 0, classes - 1
            ),
        }
        if item.get("text") is not None:  # an IMDB review's first words
            entry["text"] = plain_text(item["text"], MAX_REVIEW)
        wrong.append(entry)
    out["misclassified"] = wrong
    images = listed(value.get("misclassified_images", []), f"{where}.images", len(wrong))
    out["misclassified_images"] = [
        [
            [whole(p, f"{where}.images", 0, 255) for p in listed(r, f"{where}.images", 64)]
            for r in listed(image, f"{where}.images", 64)
        ]
        for image in images
    ]
    if len({(len(i), len(i[0]) if i else 0) for i in out["misclassified_images"]}) > 1:
        raise BadRun(f"{where}.misclassified_images differ in size.")
    return out


def weights(value: Any) -> list[dict]:
    out = []
    for i, layer in enumerate(listed(value, "result.weights", 64)):
        layer = mapping(layer, f"result.weights[{i}]")
        counts = [whole(c, "weights.counts") for c in listed(layer.get("counts"), "counts", 200)]
        edges = [number(e, "weights.edges") for e in listed(layer.get("edges"), "edges", 201)]
        if len(edges) != len(counts) + 1:
            raise BadRun(f"result.weights[{i}] has {len(edges)} bin edges for {len(counts)} bins.")
        stats = {
            name: number(layer.get(name, math.nan), f"weights.{name}")
            for name in ("zero_fraction", "near_zero_fraction", "mean_abs", "l2_norm")
        }
        out.append(
            {
                "layer": plain_label(layer.get("layer", f"layer {i}")),
                "counts": counts,
                "edges": edges,
                **stats,
            }
        )
    return out


def weight_history(value: Any) -> list[dict]:
    """Per layer: bin edges and one row of counts per epoch (the Weights tab's heatmap)."""
    out = []
    for i, layer in enumerate(listed(value, "result.weight_history", 64)):
        layer = mapping(layer, f"result.weight_history[{i}]")
        edges = [
            number(e, "weight_history.edges") for e in listed(layer.get("edges"), "edges", 201)
        ]
        rows = [
            [whole(c, "weight_history.counts") for c in listed(row, "counts", len(edges) - 1)]
            for row in listed(layer.get("counts"), "weight_history.counts", MAX_EPOCHS + 1)
        ]
        if any(len(row) != len(edges) - 1 for row in rows):
            raise BadRun(f"result.weight_history[{i}] has rows that do not fit its bins.")
        out.append(
            {"layer": plain_label(layer.get("layer", f"layer {i}")), "edges": edges, "counts": rows}
        )
    return out


def result(value: Any, classes: int) -> dict | None:
    """Test scores and weights, or None (a run that never reached its test)."""
    if value is None or value == {}:
        return None
    value = mapping(value, "result")
    if "test_last" not in value:
        return None
    last = test_scores(value["test_last"], "result.test_last", classes)
    best = test_scores(value.get("test_best", value["test_last"]), "result.test_best", classes)
    epochs_run = whole(value.get("epochs_run", 1), "result.epochs_run", 0, MAX_EPOCHS)
    final = value.get("final", "last")
    if final not in ("last", "best", "restored"):
        raise BadRun("result.final must be 'last', 'best' or 'restored'.")
    extra = {}
    if final == "restored" or "test_restored" in value:
        extra["test_restored"] = test_scores(
            value.get("test_restored"), "result.test_restored", classes
        )
    if "weight_history" in value:
        extra["weight_history"] = weight_history(value["weight_history"])
    return {
        **extra,
        "test_last": last,
        "test_best": best,
        "final": final,
        "best_epoch": whole(value.get("best_epoch", 0), "result.best_epoch", 0, MAX_EPOCHS),
        "epochs_run": epochs_run,
        "early_stopped": bool(value.get("early_stopped", False) is True),
        "restored_best": bool(value.get("restored_best", False) is True),
        "weights": weights(value.get("weights", [])),
        **_extras(value),
    }


def _extras(value: dict) -> dict:
    """Optional facts a worker adds: best validation loss, parameter count, split sizes."""
    out: dict[str, Any] = {}
    if "best_val_loss" in value:
        out["best_val_loss"] = number(value["best_val_loss"], "result.best_val_loss")
    if "params" in value:
        out["params"] = whole(value["params"], "result.params")
    if "sizes" in value:
        sizes = mapping(value["sizes"], "result.sizes")
        out["sizes"] = {
            part: whole(sizes.get(part, 0), f"result.sizes.{part}")
            for part in ("train", "validation", "test")
        }
    return out


def config(value: Any) -> tuple[TrainingConfig, list[str]]:
    """The run's settings, as URL parameters are read (clamped, with notices)."""
    params = mapping(value if value is not None else {}, "config")
    if not all(isinstance(v, (str, int, float, bool)) for v in params.values()):
        raise BadRun("config values must be plain strings or numbers.")
    return TrainingConfig.from_query({str(k): str(v) for k, v in params.items()})


def depth(value: Any, most: int) -> int:
    """How deeply lists and objects nest (stops counting past `most`)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if level > most:
            return level
        deepest = max(deepest, level)
        children = (
            item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        )
        stack.extend((child, level + 1) for child in children if isinstance(child, (dict, list)))
    return deepest
