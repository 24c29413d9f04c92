"""Round-trip frozen config dataclasses to URL query parameters, with bounds and notices."""

from __future__ import annotations

import dataclasses
import functools
import math
import typing
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Spec:
    """How one config field appears in the URL and which values it accepts."""

    key: str
    label: str
    lo: float | None = None  # the widget's bounds too: one source of truth for both
    hi: float | None = None
    lo_open: bool = False
    hi_open: bool = False
    choices: tuple[str, ...] = ()
    options: tuple[float, ...] = ()  # the only numbers a widget offers (a select slider)
    max_items: int | None = None  # longest list (e.g. hidden layers)


def spec(default: Any, key: str, label: str, **bounds: Any) -> Any:
    """A dataclass field with a URL key, a human label and optional bounds or choices."""
    if isinstance(default, tuple):
        return dataclasses.field(
            default_factory=lambda: default, metadata={"spec": Spec(key, label, **bounds)}
        )
    return dataclasses.field(default=default, metadata={"spec": Spec(key, label, **bounds)})


def field_spec(cls: type, name: str) -> Spec:
    return next(f.metadata["spec"] for f in dataclasses.fields(cls) if f.name == name)


def field_range(cls: type, name: str) -> tuple[Any, Any]:
    """(min, max) for a field's widget, typed like the field (int or float)."""
    spec_ = field_spec(cls, name)
    kind, _ = _scalar_type(typing.get_type_hints(cls)[name])
    return kind(spec_.lo), kind(spec_.hi)


def _clamp(spec_: Spec, value: Any) -> tuple[Any, str]:
    """A number moved into the field's range (or to its nearest option), and what was done."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value, ""
    if spec_.options:
        nearest = min(spec_.options, key=lambda option: abs(option - value))
        if nearest != value:
            return type(value)(
                nearest
            ), f"is not one of {', '.join(map(_format_scalar, spec_.options))}"
        return value, ""
    if spec_.lo is not None and value < spec_.lo:
        return type(value)(spec_.lo), f"is below the smallest {spec_.label} ({spec_.lo:g})"
    if spec_.hi is not None and value > spec_.hi:
        return type(value)(spec_.hi), f"is above the largest {spec_.label} ({spec_.hi:g})"
    return value, ""


@functools.cache  # the type hints never change: read once per class (each link read asks)
def _field_specs(cls: type) -> tuple[tuple[dataclasses.Field, Spec, Any], ...]:
    hints = typing.get_type_hints(cls)
    return tuple(
        (f, f.metadata["spec"], hints[f.name])
        for f in dataclasses.fields(cls)
        if "spec" in f.metadata
    )


def _scalar_type(hint: Any) -> tuple[type, bool]:
    """(element type, is_tuple) for int/float/str/bool and tuple[X, ...] hints."""
    if typing.get_origin(hint) is tuple:
        return typing.get_args(hint)[0], True
    return hint, False


def accepted(spec_: Spec, kind: type, is_tuple: bool = False) -> str:
    """What a URL key takes, in words ("a number from 0 to 0.9", "one of adam, sgd")."""
    if spec_.choices:
        what = "one of " + ", ".join(map(str, spec_.choices))
    elif kind is bool:
        what = "1 (on) or 0 (off)"
    else:
        what = "a whole number" if kind is int else "a number"
        if spec_.lo is not None and spec_.hi is not None:
            what += f" from {_format_scalar(spec_.lo)} to {_format_scalar(spec_.hi)}"
    return f"{what}, comma-separated" if is_tuple else what


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a number") from None


def _parse_scalar(text: str, kind: type) -> Any:
    text = text.strip()
    if kind is bool:
        lowered = text.lower()
        if lowered in ("1", "true", "yes", "on"):
            return True
        if lowered in ("0", "false", "no", "off"):
            return False
        raise ValueError(f"not a yes/no value: {text!r}")
    if kind is int:
        value = _number(text)
        if not value.is_integer():
            raise ValueError(f"not a whole number: {text!r}")
        return int(value)
    if kind is float:
        value = _number(text)
        if not math.isfinite(value):
            raise ValueError(f"not a finite number: {text!r}")
        return value
    return text


def _format_scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return f"{value:g}" if value == value else "nan"
    return str(value)


def value_problem(spec_: Spec, value: Any) -> str | None:
    """Why a single value is not acceptable for this field, or None."""
    if spec_.choices and value not in spec_.choices:
        return f"{spec_.label} must be one of {', '.join(spec_.choices)} (got {value!r})."
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if isinstance(value, float) and not math.isfinite(value):
            return f"{spec_.label} must be a finite number (got {value})."
        if spec_.lo is not None and (value <= spec_.lo if spec_.lo_open else value < spec_.lo):
            op = ">" if spec_.lo_open else "≥"
            return f"{spec_.label} must be {op} {spec_.lo:g} (got {value:g})."
        if spec_.hi is not None and (value >= spec_.hi if spec_.hi_open else value > spec_.hi):
            op = "<" if spec_.hi_open else "≤"
            return f"{spec_.label} must be {op} {spec_.hi:g} (got {value:g})."
    return None


def field_problems(config: Any) -> list[str]:
    """Messages for every field value outside its bounds or choices."""
    problems = []
    for field, spec_, hint in _field_specs(type(config)):
        value = getattr(config, field.name)
        values = value if _scalar_type(hint)[1] else (value,)
        for item in values:
            problem = value_problem(spec_, item)
            if problem:
                problems.append(problem)
                break
    return problems


def to_query(config: Any, *, only_changed: bool = True) -> dict[str, str]:
    """Query parameters (strings) for a config; defaults are left out to keep links short."""
    default = type(config)()
    params = {}
    for field, spec_, hint in _field_specs(type(config)):
        value = getattr(config, field.name)
        if only_changed and value == getattr(default, field.name):
            continue
        if _scalar_type(hint)[1]:
            params[spec_.key] = ",".join(_format_scalar(v) for v in value)
        else:
            params[spec_.key] = _format_scalar(value)
    return params


def from_query(cls: type[T], params: typing.Mapping[str, Any]) -> tuple[T, list[str]]:
    """Build a config from query parameters, with a notice for every value not taken as is.

    Numbers outside a field's range are clamped to it (the widget's own bounds); values that
    do not parse fall back to the default; lists are cut to their longest. Unknown keys are
    ignored.
    """
    default = cls()
    values: dict[str, Any] = {}
    notices: list[str] = []
    for field, spec_, hint in _field_specs(cls):
        if spec_.key not in params:
            continue
        raw = params[spec_.key]
        if isinstance(raw, list):
            raw = raw[-1] if raw else ""
        raw = str(raw)
        kind, is_tuple = _scalar_type(hint)
        fallback = getattr(default, field.name)
        shown_raw = f"`{spec_.key}={raw[:40]}`"
        try:
            parsed = (
                tuple(_parse_scalar(part, kind) for part in raw.split(","))
                if is_tuple
                else _parse_scalar(raw, kind)
            )
            items = list(parsed) if is_tuple else [parsed]
            if is_tuple and spec_.max_items is not None and len(items) > spec_.max_items:
                items = items[: spec_.max_items]
                notices.append(
                    f"URL parameter {shown_raw} has more than {spec_.max_items} values: "
                    f"using the first {spec_.max_items}."
                )
            for i, item in enumerate(items):
                items[i], why = _clamp(spec_, item)
                if why:
                    notices.append(
                        f"URL parameter {shown_raw}: {_format_scalar(item)} {why}; "
                        f"using {_format_scalar(items[i])}."
                    )
                problem = value_problem(spec_, items[i])
                if problem:
                    raise ValueError(problem)
        except ValueError as error:
            shown = _format_scalar(fallback) if not is_tuple else ",".join(map(str, fallback))
            reason = str(error).rstrip(".")
            takes = (
                "" if spec_.choices else f"; {spec_.label} takes {accepted(spec_, kind, is_tuple)}"
            )
            notices.append(f"URL parameter {shown_raw} ignored: {reason}{takes}. Using {shown}.")
            continue
        values[field.name] = tuple(items) if is_tuple else items[0]
    try:
        return cls(**values), notices
    except ValueError as error:
        notices.append(f"The link's settings did not fit together ({error}); using defaults.")
        return default, notices
