"""The run store's tables (SQLAlchemy Core) and the schema versions they have had."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

SCHEMA_VERSION = 3  # the version this code writes; 1 had no quotas (bytes, touched) and no
# write stamps; 2 had no classes (the class board's tables)

metadata = MetaData()

meta = Table(
    "reglab_meta",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("value", String(200), nullable=False),
)

runs = Table(
    "reglab_runs",
    metadata,
    Column("key", String(32), primary_key=True),  # random: never guessable from another's
    Column("owner", String(64), nullable=False),
    Column("seq", Integer, nullable=False),  # the learner's own run number: run-<seq>
    Column("task", String(80), nullable=False),
    Column("label", String(200), nullable=False),
    Column("payload", Text, nullable=False),
    Column("status", String(20), nullable=False),
    Column("reason", Text, nullable=False, default=""),
    Column("created", Float, nullable=False),
    Column("started", Float),
    Column("ended", Float),
    Column("live", Text),
    Column("result", Text),
    Column("server", String(120), nullable=False, default=""),
    Column("revision", Integer, nullable=False, default=1),
    Column("epochs", Integer, nullable=False, default=0),
    Column("bytes", Integer, nullable=False, default=0),  # schema 2
    Column("touched", Float, nullable=False, default=0.0),  # schema 2
    # schema 2: the saver's stamp of the change written last; an older change that commits
    # later (the save thread's batch racing a run's end) is refused, never written over it
    Column("write_version", BigInteger, nullable=False, default=0),
    UniqueConstraint("owner", "seq", name="reglab_runs_owner_seq"),
    Index("reglab_runs_by_status", "status"),
    Index("reglab_runs_by_touched", "touched"),
)

epochs = Table(
    "reglab_epochs",
    metadata,
    Column("run_key", String(32), primary_key=True),
    Column("position", Integer, primary_key=True),  # 0, 1, 2, … in arrival order
    Column("data", Text, nullable=False),
)

servers = Table(
    "reglab_servers",
    metadata,
    Column("name", String(120), primary_key=True),
    Column("beat", Float, nullable=False),
)

# ---- schema 3: classes, their learners, published runs, predictions, instructors -----------
classes = Table(
    "reglab_classes",
    metadata,
    Column("code", String(12), primary_key=True),
    Column("owner", String(64), nullable=False),  # the instructor who created it
    Column("title", String(200), nullable=False),
    Column("created", Float, nullable=False),
    Column("closes", Float, nullable=False),  # read-only from then on
    Column("closed", Float),  # closed early by an instructor
    Column("revealed", Float),  # test scores shown since
    Column("mission", Text, nullable=False, default="{}"),
    Column("mission_rev", Integer, nullable=False, default=0),
    Column("settings", Text, nullable=False, default="{}"),  # the board's coloring, anonymity
)

members = Table(
    "reglab_members",
    metadata,
    Column("code", String(12), primary_key=True),
    Column("owner", String(64), primary_key=True),
    Column("name", String(80), nullable=False),
    Column("name_key", String(80), nullable=False),  # the name folded: unique in a class
    Column("number", Integer, nullable=False),  # join order: the anonymous id's number
    Column("joined", Float, nullable=False),
    Column("left", Float),
    UniqueConstraint("code", "name_key", name="reglab_members_code_name"),
)

published = Table(
    "reglab_published",
    metadata,
    Column("code", String(12), primary_key=True),
    Column("run_key", String(32), primary_key=True),
    Column("owner", String(64), nullable=False),  # must own the run for the board to show it
    Column("published", Float, nullable=False),
    Index("reglab_published_by_owner", "owner"),
)

predictions = Table(
    "reglab_predictions",
    metadata,
    Column("code", String(12), primary_key=True),
    Column("owner", String(64), primary_key=True),
    Column("mission_rev", Integer, primary_key=True),
    Column("answer", String(200), nullable=False),
    Column("answered", Float, nullable=False),
)

instructors = Table(
    "reglab_instructors",
    metadata,
    Column("owner", String(64), primary_key=True),
    Column("key_hash", String(64), nullable=False),  # sha256 of the key entered, never the key
    Column("since", Float, nullable=False),
)

CLASS_TABLES = (classes, members, published, predictions, instructors)

# Each step takes a store from the version before it to its own; run in order at start.
MIGRATIONS: dict[int, list[str]] = {
    2: [
        "ALTER TABLE reglab_runs ADD COLUMN bytes INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE reglab_runs ADD COLUMN touched FLOAT NOT NULL DEFAULT 0",
        "ALTER TABLE reglab_runs ADD COLUMN write_version BIGINT NOT NULL DEFAULT 0",
        "UPDATE reglab_runs SET touched = COALESCE(ended, created)",
        "CREATE INDEX IF NOT EXISTS reglab_runs_by_touched ON reglab_runs (touched)",
    ],
    3: [],  # new tables only (CLASS_TABLES): created by create_all before the steps run
}
