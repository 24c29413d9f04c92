"""What went wrong with the database, in a learner's words; a damaged SQLite file moved aside."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event

DAMAGED = ("file is not a database", "database disk image is malformed", "file is encrypted")


TRANSIENT = ("locked", "busy", "deadlock", "could not serialize", "serialization failure")


def transient(error: BaseException) -> bool:
    """A lock or deadlock that the same transaction, tried again, gets past."""
    text = str(getattr(error, "orig", None) or error).lower()
    return any(mark in text for mark in TRANSIENT)


def sqlite_connect_options() -> dict:
    """WAL (readers never wait for the writer), a short busy wait, any thread."""
    return {"connect_args": {"check_same_thread": False, "timeout": 0.3}}


def on_sqlite_connect(engine: sa.Engine) -> None:
    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=300")
        cursor.close()


def describe(error: BaseException, where: str) -> str:
    """One sentence: why runs are not being saved at `where`."""
    text = str(getattr(error, "orig", None) or error).strip().splitlines()[0][:200]
    lowered = text.lower()
    if "locked" in lowered or "busy" in lowered:
        why = "the database is locked by another program"
    elif "full" in lowered or "no space" in lowered:
        why = "the disk is full"
    elif "readonly" in lowered or "read-only" in lowered or "permission" in lowered:
        why = "its folder or file is read-only"
    elif "unable to open" in lowered:
        why = "the file cannot be created or opened (is its folder writable?)"
    elif "connect" in lowered or "connection" in lowered or "server closed" in lowered:
        why = "the database server cannot be reached"
    else:
        why = text
    return f"Runs are not being saved to {where}: {why}."


def set_aside_damaged_sqlite(url: str, error: BaseException) -> str:
    """If the SQLite file is damaged, move it (and its WAL) aside and say where; else ""."""
    text = str(getattr(error, "orig", None) or error).lower()
    if not any(mark in text for mark in DAMAGED):
        return ""
    path = Path(sa.make_url(url).database or "")
    if not path.is_file():
        return ""
    aside = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
    try:
        path.rename(aside)
        for suffix in ("-wal", "-shm"):
            extra = path.with_name(path.name + suffix)
            if extra.exists():
                extra.rename(aside.with_name(aside.name + suffix))
    except OSError:
        return ""
    return (
        f"The run database {path} was damaged ({text[:80]}); it was moved to {aside} and a "
        "fresh one started."
    )


def is_damaged(path: Path) -> bool:
    """A quick check of an SQLite file, outside SQLAlchemy (for tests and the bench)."""
    try:
        with sqlite3.connect(path) as connection:
            return connection.execute("PRAGMA quick_check").fetchone()[0] != "ok"
    except sqlite3.DatabaseError:
        return True
