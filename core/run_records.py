"""Runs as plain records: table rows, CSV history and JSON export/import."""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import asdict

from core.config import TRAINING_TASK, TrainingConfig
from core.jobs import JobRecord
from core.plots import best_epoch

FORMAT = "regularization-lab-run/1"


def describe(config: TrainingConfig) -> str:
    """A short human label: dataset, layers, regularization."""
    layers = "-".join(map(str, config.units)) or "none"
    if config.is_cnn:
        layers = "conv" + "-".join(map(str, config.conv_filters)) + " | " + layers
    extras = []
    if any(config.l1):
        extras.append("L1 " + "/".join(f"{v:g}" for v in config.l1))
    if any(config.l2):
        extras.append("L2 " + "/".join(f"{v:g}" for v in config.l2))
    if config.weight_decay:
        extras.append(f"weight decay {config.weight_decay:g}")
    if any(config.dropout) or config.conv_dropout:
        extras.append("dropout " + "/".join(f"{v:g}" for v in config.dropout))
    if any(config.batchnorm) or (config.is_cnn and config.conv_batchnorm):
        extras.append(f"BN {config.batchnorm_position}")
    if config.early_stopping:
        extras.append(f"ES p{config.es_patience}")
    return f"{config.dataset} {layers}" + (f" ({', '.join(extras)})" if extras else "")


def _round(value, digits: int = 4):
    return None if value is None or not math.isfinite(value) else round(value, digits)


def table_row(job: JobRecord) -> dict:
    """One row of the run table: key settings, best validation loss and epoch, test scores."""
    config: TrainingConfig = job.payload["config"]
    best = best_epoch(job.history)
    val_losses = {h["epoch"]: h.get("val_data_loss", h.get("val_loss")) for h in job.history}
    result = job.result or {}
    return {
        "run": job.id,
        "label": job.label,
        "status": job.status,
        "dataset": config.dataset,
        "hidden": "-".join(map(str, config.units)),
        "optimizer": f"{config.optimizer} {config.learning_rate:g}",
        "epochs": len(job.history),
        "best val loss": _round(val_losses.get(best)) if best else None,
        "best epoch": best,
        "test acc (last)": _round(result.get("test_last", {}).get("accuracy")),
        "test acc (best ckpt)": _round(result.get("test_best", {}).get("accuracy")),
    }


def history_csv(job: JobRecord) -> str:
    columns = [
        "epoch",
        "loss",
        "data_loss",
        "penalty",
        "accuracy",
        "val_loss",
        "val_data_loss",
        "val_accuracy",
        "seconds",
    ]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(job.history)
    return out.getvalue()


def run_json(job: JobRecord) -> str:
    """Config (as URL parameters), history and results of one run, as JSON."""
    config: TrainingConfig = job.payload["config"]
    result = {k: v for k, v in (job.result or {}).items()}
    document = {
        "format": FORMAT,
        "id": job.id,
        "label": job.label,
        "status": job.status,
        "reason": job.reason,
        "config": config.to_query(),
        "history": job.history,
        "result": result,
    }
    return json.dumps(document, indent=1, default=_json_default)


def _json_default(value):
    if hasattr(value, "tolist"):
        return value.tolist()
    if hasattr(value, "__dataclass_fields__"):
        return asdict(value)
    raise TypeError(f"cannot export {type(value).__name__}")


def record_from_json(text: str) -> tuple[JobRecord, list[str]]:
    """A finished JobRecord from run_json's output; raises ValueError with a clear message."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"This file is not JSON ({error.msg}).") from error
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValueError("This JSON is not a Regularization Lab run export.")
    config, notices = TrainingConfig.from_query(document.get("config") or {})
    history = [h for h in document.get("history", []) if isinstance(h, dict) and "epoch" in h]
    record = JobRecord(
        id=str(document.get("id", "imported")),
        number=0,
        owner="",
        task=TRAINING_TASK,  # a training run, trained elsewhere
        label=str(document.get("label", "imported run")),
        payload={"config": config},
        status=str(document.get("status", "finished")),
        reason=str(document.get("reason", "")),
        history=history,
        result=document.get("result") or None,
    )
    return record, notices


def runs_json(jobs: list[JobRecord]) -> str:
    """Several runs in one file: a JSON list of run_json documents."""
    return "[" + ",\n".join(run_json(job) for job in jobs) + "]"


def records_from_json(text: str) -> tuple[list[JobRecord], list[str]]:
    """One run or a list of runs, as exported; raises ValueError with a clear message."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"This file is not JSON ({error.msg}).") from error
    documents = document if isinstance(document, list) else [document]
    records, notices = [], []
    for item in documents:
        record, found = record_from_json(json.dumps(item))
        records.append(record)
        notices += found
    return records, notices
