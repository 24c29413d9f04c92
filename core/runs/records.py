"""Runs as plain records: table rows, CSV history and JSON export/import."""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import asdict, fields

from core.figures.runs import best_epoch
from core.jobs.contract import TRAINING_TASK, TrainingPayload
from core.jobs.records import JobRecord
from core.lab.config import TrainingConfig
from core.runs import schema as run_schema

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


MISSING = "—"  # how a table draws a number a run does not have (still running, failed)


def table_row(job: JobRecord, differs: str = "") -> dict:
    """One row of the run table: what sets the run apart, best validation loss and its epoch,
    test scores; human column names, None where a run has no number (drawn as a dash)."""
    config: TrainingConfig = job.payload.config
    best = best_epoch(job.history)
    val_losses = {h["epoch"]: h.get("val_data_loss", h.get("val_loss")) for h in job.history}
    result = job.result or {}
    return {
        "Run": job.id,
        "What differs": differs or job.label,
        "Status": job.status,
        "Dataset": config.dataset,
        "Hidden layers": "-".join(map(str, config.units)) or MISSING,
        "Optimizer": f"{config.optimizer} {config.learning_rate:g}",
        "Epochs run": len(job.history),
        "Best val. loss (data)": _round(val_losses.get(best)) if best else None,
        "Best epoch": best,
        "Test acc., last epoch": _round(result.get("test_last", {}).get("accuracy")),
        "Test acc., best epoch": _round(result.get("test_best", {}).get("accuracy")),
    }


def differences(configs: list[TrainingConfig]) -> list[str]:
    """For each config, the settings whose values differ among them ("batch size 32, seed 2"),
    so runs that share a model still read apart; "same settings" when nothing differs."""
    names = [f for f in fields(TrainingConfig) if "spec" in f.metadata]
    varying = [f for f in names if len({repr(getattr(c, f.name)) for c in configs}) > 1]
    labels = []
    for config in configs:
        parts = []
        idle = config.idle_fields()  # vocabulary on digits differs, but changes nothing
        for field in (f for f in varying if f.name not in idle):
            value = getattr(config, field.name)
            shown = "-".join(map(_text, value)) if isinstance(value, tuple) else _text(value)
            parts.append(f"{field.metadata['spec'].label} {shown}")
        labels.append(", ".join(parts) or "same settings")
    return labels


def _text(value) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    return f"{value:g}" if isinstance(value, float) else str(value)


def run_table(jobs: list[JobRecord]) -> list[dict]:
    """Rows for several runs, each labelled by what sets it apart from the others."""
    if len(jobs) < 2:
        return [table_row(job) for job in jobs]
    labels = differences([job.payload.config for job in jobs])
    return [table_row(job, label) for job, label in zip(jobs, labels, strict=True)]


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
    config: TrainingConfig = job.payload.config
    result = {k: v for k, v in (job.result or {}).items()}
    document = {
        "format": FORMAT,
        "id": job.id,
        "label": job.label,
        "group": job.label.split(" · seed ")[0],  # runs equal but for the seed form a group
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


MAX_RUNS_PER_FILE = 200
MAX_NESTING = 8  # a run document is at most ~6 levels deep


def _parse(text: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"This file is not JSON ({error.msg}).") from error
    except RecursionError as error:
        raise ValueError("This file nests lists or objects far too deeply.") from error


def record_from_document(document, place: str = "This file") -> tuple[JobRecord, list[str]]:
    """A finished JobRecord from one exported document; raises ValueError saying what is wrong."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValueError(f"{place} is not a Regularization Lab run export.")
    if run_schema.depth(document, MAX_NESTING) > MAX_NESTING:
        raise ValueError(f"{place} nests lists or objects too deeply to be a run.")
    try:
        config, notices = run_schema.config(document.get("config"))
        history = run_schema.history(document.get("history"))
        result = run_schema.result(document.get("result"), max(2, config.info.n_classes))
    except run_schema.BadRun as error:
        raise ValueError(f"{place} is not a valid run: {error}") from error
    status = document.get("status")
    if status not in run_schema.FINISHED:
        notices.append(f"{place}: status {str(status)[:20]!r} read as 'finished'.")
        status = "finished"
    record = JobRecord(
        id=run_schema.plain_text(document.get("id", "imported"), 40),
        number=0,
        owner="",
        task=TRAINING_TASK,  # a training run, trained elsewhere
        label=run_schema.plain_label(document.get("label", "imported run")),
        payload=TrainingPayload(config),
        status=status,
        reason=run_schema.plain_text(document.get("reason", ""), 300),
        history=history,
        result=result,
    )
    return record, notices


def runs_json(jobs: list[JobRecord]) -> str:
    """Several runs in one file: a JSON list of run_json documents."""
    return "[" + ",\n".join(run_json(job) for job in jobs) + "]"


def records_from_json(text: str) -> tuple[list[JobRecord], list[str]]:
    """One run or a list of runs, as exported. Bad runs in a list are skipped with a notice;
    a file with no good run raises ValueError with a clear message."""
    document = _parse(text)
    documents = document if isinstance(document, list) else [document]
    if not documents:
        raise ValueError("This file holds an empty list: it has no run to import.")
    if len(documents) > MAX_RUNS_PER_FILE:
        raise ValueError(
            f"This file holds {len(documents):,} runs; import at most {MAX_RUNS_PER_FILE} at once."
        )
    records, notices = [], []
    for i, item in enumerate(documents):
        place = f"Run {i + 1} of the file" if len(documents) > 1 else "This file"
        try:
            record, found = record_from_document(item, place)
        except ValueError as error:
            if len(documents) == 1:
                raise
            notices.append(f"{error} It was skipped.")
            continue
        records.append(record)
        notices += found
    if not records:
        raise ValueError("No run in this file could be read: " + " ".join(notices))
    return records, notices


def zip_folder(path: str, most: int = 50 * 2**20) -> bytes | None:
    """A run's TensorBoard folder as a zip (None when it is gone, e.g. on another machine)."""
    import zipfile
    from pathlib import Path

    folder = Path(path)
    if not folder.is_dir():
        return None
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(folder.rglob("*")):
            if file.is_file() and buffer.tell() < most:
                archive.write(file, Path(folder.name) / file.relative_to(folder))
    return buffer.getvalue()


def fingerprint(job: JobRecord) -> str:
    """What makes two records the same run, whatever their ids: label, config and curves."""
    curves = [  # the transport's own stamps (sent_at, received_at) are not the run's
        {
            k: v
            for k, v in sorted(h.items())
            if not k.endswith("_at") and isinstance(v, (int, float))
        }
        for h in job.history
    ]
    config = getattr(job.payload, "config", None)
    settings = config.to_query() if isinstance(config, TrainingConfig) else {}
    return json.dumps([job.label, settings, curves], sort_keys=True, default=str)


def new_records(records: list[JobRecord], kept: list[JobRecord]) -> list[JobRecord]:
    """The imported records not already kept (a file imported twice adds nothing)."""
    seen = {fingerprint(job) for job in kept}
    fresh = []
    for record in records:
        if (mark := fingerprint(record)) not in seen:
            seen.add(mark)
            fresh.append(record)
    return fresh
