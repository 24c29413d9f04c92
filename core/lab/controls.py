"""Which controls a link hides or locks: `<key>_hide=1` and `<key>_lock=1` for any URL key.

Like TensorFlow Playground's `<name>_hide=true`, for instructors' missions: a hidden control
is not drawn (its value still comes from the link), a locked one is drawn disabled. Every URL
key of every page's config (core.lab.url_state specs) can be hidden or locked; `seeds` and
`present` too.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from core.concepts.backprop import BackpropConfig
from core.concepts.batchnorm import BatchNormConfig
from core.concepts.dropout import DropoutConfig
from core.concepts.early_stopping import StoppingConfig
from core.concepts.penalties import PenaltyConfig
from core.concepts.polynomial import PolyConfig
from core.concepts.weight_decay import DecayConfig
from core.data.walkthrough import DataView
from core.lab.config import TrainingConfig
from core.lab.kfold import KFoldSettings
from core.lab.presets import ExperimentView
from core.lab.search import SearchSpace

HIDE, LOCK = "_hide", "_lock"
APP_KEYS = ("seeds", "present")  # URL keys that are no config field: seed repeats, projector

# The configs each page reads from its URL (page file stem → config classes).
PAGE_CONFIGS: dict[str, tuple[type, ...]] = {
    "training_lab": (TrainingConfig,),
    "experiments": (ExperimentView,),
    "kfold": (TrainingConfig, KFoldSettings),
    "search": (SearchSpace,),
    "course_data": (DataView,),
    "polynomial_fit": (PolyConfig,),
    "backprop": (BackpropConfig,),
    "dropout": (DropoutConfig,),
    "batchnorm": (BatchNormConfig,),
    "l1_l2": (PenaltyConfig,),
    "weight_decay": (DecayConfig,),
    "early_stopping": (StoppingConfig,),
}
SEEDS_PAGES = ("training_lab", "experiments", "dropout", "batchnorm")  # pages with `seeds`


@functools.cache  # asked once per widget per rerun: the fields never change
def url_keys(cls: type) -> dict[str, str]:
    """field name → URL key, for every field of a config that has one."""
    return {f.name: f.metadata["spec"].key for f in dataclasses.fields(cls) if "spec" in f.metadata}


def page_url_keys(page: str) -> list[str]:
    """Every URL key a page reads, hideable and lockable."""
    keys = [key for cls in PAGE_CONFIGS.get(page, ()) for key in url_keys(cls).values()]
    if page in SEEDS_PAGES:
        keys.append("seeds")
    return [*dict.fromkeys(keys), "present"]


def all_url_keys() -> list[str]:
    pages = {*PAGE_CONFIGS, *SEEDS_PAGES}
    return sorted({key for page in pages for key in page_url_keys(page)})


@dataclass(frozen=True)
class Flags:
    """The URL keys whose controls are hidden, and those shown disabled."""

    hidden: frozenset[str] = frozenset()
    locked: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.hidden or self.locked)

    def to_query(self) -> dict[str, str]:
        query = {f"{key}{HIDE}": "1" for key in sorted(self.hidden)}
        query.update({f"{key}{LOCK}": "1" for key in sorted(self.locked - self.hidden)})
        return query


def _yes(value) -> bool:
    if isinstance(value, list):
        value = value[-1] if value else ""
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def flags_from_query(params: Mapping[str, object]) -> Flags:
    """The hide and lock flags of a link; unknown keys and values other than yes are ignored
    (a link that says `opt_hide=0` shows the optimizer)."""
    known = set(all_url_keys())
    found: dict[str, set[str]] = {HIDE: set(), LOCK: set()}
    for name, value in params.items():
        for suffix, keys in found.items():
            key = name[: -len(suffix)]
            if name.endswith(suffix) and key in known and _yes(value):
                keys.add(key)
    return Flags(frozenset(found[HIDE]), frozenset(found[LOCK]))


def has_flags(params: Iterable[str]) -> bool:
    return any(name.endswith((HIDE, LOCK)) for name in params)


def labels(page: str) -> dict[str, str]:
    """URL key → the control's human label on a page (for an instructor's choice)."""
    shown = {"seeds": "Seeds", "present": "Presentation mode"}
    for cls in PAGE_CONFIGS.get(page, ()):
        for field in dataclasses.fields(cls):
            if "spec" in field.metadata:
                spec_ = field.metadata["spec"]
                shown.setdefault(spec_.key, spec_.label)
    return {key: shown[key] for key in page_url_keys(page)}
