"""JobRecords to database rows and back: payloads as their frozen fields, the rest as JSON."""

from __future__ import annotations

import dataclasses
import json
import math
import typing
from typing import Any

from core.jobs.contract import (
    KFoldPayload,
    Payload,
    SearchPayload,
    TrainingPayload,
)
from core.jobs.records import JobRecord
from core.lab.config import TrainingConfig
from core.lab.kfold import KFoldSettings
from core.lab.search import SearchSpace

PAYLOADS = {cls.__name__: cls for cls in (TrainingPayload, KFoldPayload, SearchPayload)}
PARTS = {"config": TrainingConfig, "kfold": KFoldSettings, "space": SearchSpace}


class Unreadable(ValueError):
    """A stored row this version cannot turn back into a run."""


def dumps(value: Any) -> str:
    """Compact JSON; NumPy values as lists, non-finite floats as null (valid JSON for Postgres)."""
    return json.dumps(_finite(value), separators=(",", ":"), default=_default, allow_nan=False)


def loads(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def _default(value):
    if hasattr(value, "tolist"):
        return _finite(value.tolist())
    raise TypeError(f"cannot store {type(value).__name__}")


def _finite(value):
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def _nan(value):
    """Stored nulls back to NaN where the pages expect numbers (history rows)."""
    return {k: (math.nan if v is None else v) for k, v in value.items()}


def frozen_fields(value: Any) -> dict:
    """A frozen settings dataclass as its field values (exact floats, tuples as lists)."""
    return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}


def frozen_from(cls: type, values: dict) -> Any:
    """The dataclass back from its fields; unknown fields dropped, missing ones default."""
    hints = typing.get_type_hints(cls)
    kept = {}
    for f in dataclasses.fields(cls):
        if f.name in values:
            value = values[f.name]
            kept[f.name] = tuple(value) if typing.get_origin(hints[f.name]) is tuple else value
    return cls(**kept)


def payload_json(payload: Payload | dict) -> str:
    if isinstance(payload, dict):  # a plain task's payload (the tests' and benches' tasks)
        return dumps({"plain": payload})
    parts = {
        name: frozen_fields(getattr(payload, name)) for name in PARTS if hasattr(payload, name)
    }
    extra = {"enqueue": list(payload.enqueue)} if isinstance(payload, SearchPayload) else {}
    return dumps({"kind": type(payload).__name__, **parts, **extra, "data_dir": payload.data_dir})


def payload_from(text: str) -> Payload | dict:
    try:
        values = loads(text)
        if "plain" in values:
            return values["plain"]
        cls = PAYLOADS[values["kind"]]
        parts = {name: frozen_from(PARTS[name], values[name]) for name in PARTS if name in values}
        extra = {"enqueue": tuple(values["enqueue"])} if "enqueue" in values else {}
        return cls(**parts, **extra, data_dir=values.get("data_dir"))
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise Unreadable(f"its settings cannot be read ({error})") from error


def run_row(job: JobRecord, server: str, now: float) -> dict:
    """The runs-table row of a record (everything but its epochs)."""
    return {
        "key": job.key,
        "owner": job.owner,
        "seq": job.seq,
        "task": job.task,
        "label": job.label[:200],
        "payload": payload_json(job.payload),
        "status": job.status,
        "reason": job.reason,
        "created": job.created,
        "started": job.started,
        "ended": job.ended,
        "live": dumps(job.live) if job.live else None,
        "result": dumps(job.result) if job.result is not None else None,
        "server": server,
        "epochs": len(job.history),
        "touched": now,
    }


def epoch_rows(job: JobRecord, start: int) -> list[dict]:
    return [
        {"run_key": job.key, "position": i, "data": dumps(row)}
        for i, row in enumerate(job.history[start:], start)
    ]


def record_from(row: Any, epochs: list[str]) -> JobRecord:
    """A JobRecord from its stored row and epoch texts (raises Unreadable)."""
    try:
        history = [_nan(loads(text)) for text in epochs]
        live, result = loads(row.live) or {}, loads(row.result)
    except (TypeError, ValueError) as error:
        raise Unreadable(f"its stored curves cannot be read ({error})") from error
    return JobRecord(
        id=f"run-{row.seq}",
        number=0,
        owner=row.owner,
        task=row.task,
        label=row.label,
        payload=payload_from(row.payload),
        status=row.status,
        reason=row.reason or "",
        created=row.created,
        started=row.started,
        ended=row.ended,
        history=history,
        live=live,
        result=result,
        key=row.key,
        seq=row.seq,
    )
