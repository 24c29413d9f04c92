"""A class and its mission: the code learners join with, when it closes, what it asks them to do."""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import asdict, dataclass, field

from core.lab.config import TrainingConfig
from core.lab.controls import Flags, labels
from core.lab.url_state import from_query, to_query

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud, typed from a slide
CODE_LENGTH = 6
DEFAULT_HOURS = 12.0
CLASS_PARAM = "class"  # the URL key a join link carries
# The answers a prediction about one setting can have, and what each means for the runs.
OUTCOMES = {
    "lower": "It lowers the best validation loss",
    "higher": "It raises the best validation loss",
    "same": "No difference beyond seed noise",
}


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normal_code(text: object) -> str:
    """A class code as typed or linked ("k7qx-2m " → "K7QX2M"); "" when it cannot be one."""
    code = "".join(ch for ch in str(text or "").upper() if ch.isalnum())
    ok = len(code) == CODE_LENGTH and all(ch in CODE_ALPHABET for ch in code)
    return code if ok else ""


def class_hours() -> float:
    """REGLAB_CLASS_HOURS (default 12): how long a class takes runs before its board freezes."""
    try:
        hours = float(os.environ.get("REGLAB_CLASS_HOURS", "") or DEFAULT_HOURS)
    except ValueError:
        return DEFAULT_HOURS
    return hours if 0 < hours <= 24 * 365 else DEFAULT_HOURS


@dataclass(frozen=True)
class Mission:
    """What the instructor asks: a task, the Lab setup to start from, the controls hidden or
    locked, and an optional prediction (about one setting, or with the instructor's choices)."""

    title: str = ""
    task: str = ""  # Markdown
    setup: dict[str, str] = field(default_factory=dict)  # the Lab config's URL parameters
    hidden: tuple[str, ...] = ()
    locked: tuple[str, ...] = ()
    question: str = ""
    choices: tuple[str, ...] = ()  # the instructor's own; empty with a tested setting
    test_key: str = ""  # URL key of the setting the prediction is about (e.g. l2)
    test_value: str = ""  # its value tried against the setup's (e.g. 0.01)
    color_by: str = "drop"  # the board's coloring: a URL key of the Lab

    def __bool__(self) -> bool:
        return bool(self.title or self.task or self.setup or self.question)

    @property
    def config(self) -> TrainingConfig:
        return from_query(TrainingConfig, self.setup)[0]

    @property
    def flags(self) -> Flags:
        return Flags(frozenset(self.hidden), frozenset(self.locked))

    @property
    def answers(self) -> tuple[str, ...]:
        """The choices a learner picks from."""
        if self.test_key:
            return tuple(OUTCOMES.values())
        return self.choices

    @property
    def prediction(self) -> tuple:
        """What the learners answer: editing anything else keeps their answers."""
        return (self.question, self.choices, self.test_key, self.test_value)

    @property
    def asks(self) -> bool:
        return bool(self.question and len(self.answers) >= 2)

    def link_query(self, code: str) -> dict[str, str]:
        """The join link's parameters: the class, the setup, the hide and lock flags."""
        setup = to_query(self.config)  # only what differs from the defaults, checked
        return {CLASS_PARAM: code, **setup, **self.flags.to_query()}

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str | None) -> Mission:
        try:
            data = json.loads(text or "{}")
        except ValueError:
            return cls()
        if not isinstance(data, dict):
            return cls()
        fields = cls.__dataclass_fields__
        known = {key: value for key, value in data.items() if key in fields}
        lists = {
            key: tuple(str(v) for v in known.get(key) or () if isinstance(v, (str, int, float)))
            for key in ("hidden", "locked", "choices")
            if isinstance(known.get(key) or (), (list, tuple))
        }
        setup = known.get("setup") if isinstance(known.get("setup"), dict) else {}
        texts = {key: str(v) for key, v in known.items() if key not in (*lists, "setup")}
        texts = {key: v for key, v in texts.items() if key not in ("hidden", "locked", "choices")}
        return cls(**texts, **lists, setup={str(k): str(v) for k, v in setup.items()})


def default_question(key: str, value: str) -> str:
    label = labels("training_lab").get(key, key)
    return f"Will {label} = {value} lower the best validation loss?"


@dataclass(frozen=True)
class ClassInfo:
    """One class as stored."""

    code: str
    owner: str
    title: str
    created: float
    closes: float
    closed: float | None = None
    revealed: float | None = None
    mission: Mission = field(default_factory=Mission)
    mission_rev: int = 0
    settings: dict = field(default_factory=dict)

    def is_open(self, now: float) -> bool:
        return self.closed is None and now < self.closes

    def closed_at(self) -> float:
        return self.closed if self.closed is not None else self.closes
