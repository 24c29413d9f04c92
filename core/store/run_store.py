"""RunStore: every run kept in one SQL database, behind a small interface, never raising.

SQLite by default (a file in the learner's data folder), Postgres for a class server
(`REGLAB_DB_URL`). A store that cannot be opened or written says why in `problem` and keeps
trying: the job manager keeps runs in memory meanwhile and writes them once it is back.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from core.jobs.records import ACTIVE, INTERRUPTED, INTERRUPTED_REASON, JobRecord
from core.store import codec
from core.store.faults import (
    describe,
    on_sqlite_connect,
    set_aside_damaged_sqlite,
    sqlite_connect_options,
    transient,
)
from core.store.tables import MIGRATIONS, SCHEMA_VERSION, epochs, meta, metadata, runs, servers

DEFAULT_FOLDER = Path.home() / ".regularization-lab"
STALE_SECONDS = 15.0  # a server that has not beaten this long is gone: its runs were interrupted
BEAT_SECONDS = 2.0


def default_url() -> str:
    """REGLAB_DB_URL, else an SQLite file in REGLAB_DATA_HOME or ~/.regularization-lab."""
    url = os.environ.get("REGLAB_DB_URL", "").strip()
    if url:
        return normalized(url)
    folder = Path(os.environ.get("REGLAB_DATA_HOME", "") or DEFAULT_FOLDER)
    return f"sqlite:///{folder / 'runs.sqlite'}"


def normalized(url: str) -> str:
    """postgres:// and postgresql:// use psycopg (version 3), the driver the app installs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


@dataclass(frozen=True)
class Usage:
    """What one learner (or the whole store) keeps."""

    runs: int = 0
    epochs: int = 0
    bytes: int = 0


class StoreNotReady(RuntimeError):
    """The database cannot be used now; `problem` says why."""


class RunStore:
    """The runs of every learner, by owner. Thread-safe (SQLAlchemy's pool)."""

    def __init__(
        self,
        url: str | None = None,
        *,
        server: str = "",
        stale_seconds: float = STALE_SECONDS,
        clock=time.time,
    ) -> None:
        self.url = normalized(url) if url else default_url()
        self.server = server or "server"
        self.stale_seconds = stale_seconds
        self.clock = clock
        self.problem = ""  # why runs are not being saved now ("" while they are)
        self.notices: list[str] = []  # one-off news for the operator (a damaged file moved)
        self._engine: sa.Engine | None = None
        self._final = False  # a problem retrying cannot fix (a newer schema)
        self.generation = 0  # counts fresh starts (a damaged file moved aside): resave all
        self.open()

    # ---- opening ------------------------------------------------------------------
    @property
    def online(self) -> bool:
        return self._engine is not None and not self.problem

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @property
    def where(self) -> str:
        """The store's place, for messages (no password)."""
        return sa.make_url(self.url).render_as_string(hide_password=True)

    def open(self) -> bool:
        """Connect, create or migrate the schema, mark this server's old runs interrupted."""
        if self._final:
            return False
        try:
            if self._engine is None:
                self._engine = self._make_engine()
            self._prepare()
        except SQLAlchemyError as error:
            if self._set_aside(error):
                return self.open()
            return self._failed(error)
        except (OSError, StoreNotReady) as error:
            return self._failed(error)
        self.problem = ""
        return True

    def _make_engine(self) -> sa.Engine:
        if self.is_sqlite:
            folder = Path(sa.make_url(self.url).database or ".").parent
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)  # runs are private
            engine = sa.create_engine(self.url, **sqlite_connect_options())
            on_sqlite_connect(engine)
        else:
            engine = sa.create_engine(
                self.url,
                pool_pre_ping=True,
                pool_size=4,
                connect_args={"connect_timeout": 3},
            )
        return engine

    def _prepare(self) -> None:
        with self._engine.begin() as c:
            metadata.create_all(c, tables=[meta], checkfirst=True)
            row = c.execute(sa.select(meta.c.value).where(meta.c.name == "schema")).first()
            if row is None:
                metadata.create_all(c, checkfirst=True)
                c.execute(sa.insert(meta).values(name="schema", value=str(SCHEMA_VERSION)))
                version = SCHEMA_VERSION
            else:
                version = int(row.value)
            if version > SCHEMA_VERSION:
                self._final = True
                raise StoreNotReady(
                    f"the run database at {self.where} was written by a newer Regularization "
                    f"Lab (schema {version}; this one reads up to {SCHEMA_VERSION}). Upgrade the "
                    "app, or set REGLAB_DB_URL to another database."
                )
            if version < SCHEMA_VERSION:
                metadata.create_all(c, checkfirst=True)  # tables a newer schema added
            for step in range(version + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS[step]:
                    c.execute(sa.text(statement))
                c.execute(sa.update(meta).where(meta.c.name == "schema").values(value=str(step)))
            self._mark_interrupted(c, own=True)

    def _failed(self, error: BaseException) -> bool:
        self.problem = describe(error, self.where)
        if self._set_aside(error):
            self.problem = "A damaged run database was moved aside; runs are saved again shortly."
        return False

    def _set_aside(self, error: BaseException) -> bool:
        """A damaged SQLite file is moved aside and a fresh one started (next open)."""
        if not self.is_sqlite or not (moved := set_aside_damaged_sqlite(self.url, error)):
            return False
        self.notices.append(moved)
        self.generation += 1
        self._dispose()
        return True

    def _dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
        self._engine = None

    def close(self) -> None:
        self._dispose()

    def _connection(self):
        if not self.online and not self.open():
            raise StoreNotReady(self.problem)
        return self._engine.begin()

    def transact(self, work, default=None):
        """Run `work(connection)` in one transaction; a lock or deadlock is tried again twice,
        any other database error is noted in `problem` (the store is down until it reopens)."""
        for attempt in range(3):
            try:
                with self._connection() as c:
                    return work(c)
            except StoreNotReady:
                return default
            except (SQLAlchemyError, OSError) as error:
                if attempt < 2 and transient(error):
                    time.sleep(0.05 * (attempt + 1))
                    continue
                self._failed(error)
                return default
        return default

    def transact_unique(self, work, default=None, tries: int = 10):
        """`transact` for inserts that may collide on a unique key (a random class code, a
        display name taken a moment ago): each collision runs `work` again from the start."""
        for _ in range(tries):
            try:
                with self._connection() as c:
                    return work(c)
            except IntegrityError:
                continue
            except StoreNotReady:
                return default
            except (SQLAlchemyError, OSError) as error:
                self._failed(error)
                return default
        return default

    # ---- writing ------------------------------------------------------------------
    def create(self, job: JobRecord) -> int | None:
        """Insert a new run under the learner's next free number; that number, or None."""
        for _ in range(20):
            try:
                with self._connection() as c:
                    top = c.execute(
                        sa.select(sa.func.max(runs.c.seq)).where(runs.c.owner == job.owner)
                    ).scalar()
                    seq = max(job.seq, (top or 0) + 1)
                    row = codec.run_row(job, self.server, self.clock())
                    c.execute(sa.insert(runs).values({**row, "seq": seq}))
                    if rows := codec.epoch_rows(job, 0):
                        c.execute(sa.insert(epochs), rows)
                    return seq
            except IntegrityError:
                if (seq := self._seq_of(job.key)) is not None:
                    return seq  # inserted already (a retry after a lost answer)
                continue  # another server took that number a moment ago: take the next
            except StoreNotReady:
                return None
            except (SQLAlchemyError, OSError) as error:
                self._failed(error)
                return None
        return None

    def _seq_of(self, key: str) -> int | None:
        query = sa.select(runs.c.seq).where(runs.c.key == key)
        return self.transact(lambda c: c.execute(query).scalar())

    def save(self, changes: Iterable[tuple[dict, list[dict]]]) -> bool:
        """Apply (row update, new epoch rows) pairs in one transaction; True once committed.
        A change older than the one a row has (its `write_version`) is skipped."""
        changes = sorted(changes, key=lambda change: change[0]["key"])  # one lock order

        def work(c) -> bool:
            for row, new_epochs in changes:
                values = {k: v for k, v in row.items() if k not in ("key", "owner")}
                values["touched"] = self.clock()
                updated = c.execute(
                    sa.update(runs)
                    .where(
                        runs.c.key == row["key"],
                        runs.c.owner == row["owner"],
                        runs.c.write_version < row["write_version"],
                    )
                    .values(**values, revision=runs.c.revision + 1)
                )
                if updated.rowcount and new_epochs:
                    start = new_epochs[0]["position"]
                    c.execute(
                        sa.delete(epochs).where(
                            epochs.c.run_key == row["key"], epochs.c.position >= start
                        )
                    )
                    c.execute(sa.insert(epochs), new_epochs)
            return True

        return bool(changes) and self.transact(work, False)

    def beat(self) -> None:
        """This server is alive; runs of servers that stopped beating become interrupted."""

        def work(c) -> None:
            now = self.clock()
            updated = c.execute(
                sa.update(servers).where(servers.c.name == self.server).values(beat=now)
            )
            if updated.rowcount == 0:
                c.execute(sa.insert(servers).values(name=self.server, beat=now))
            self._mark_interrupted(c, own=False)

        self.transact(work)

    def _mark_interrupted(self, c, *, own: bool) -> int:
        """Active runs whose server is gone: this server's predecessor (at start), or servers
        that stopped beating."""
        alive = sa.select(servers.c.name).where(servers.c.beat > self.clock() - self.stale_seconds)
        gone = runs.c.server.not_in(alive) & (runs.c.server != self.server)
        if own:
            gone = gone | (runs.c.server == self.server)
        result = c.execute(
            sa.update(runs)
            .where(runs.c.status.in_(ACTIVE), gone)
            .values(
                status=INTERRUPTED,
                reason=INTERRUPTED_REASON,
                ended=self.clock(),
                revision=runs.c.revision + 1,
            )
        )
        return result.rowcount

    # ---- reading ------------------------------------------------------------------
    def load(
        self, owner: str, keys: Iterable[str] | None = None
    ) -> tuple[list[JobRecord], list[str]]:
        """The owner's runs (all, or those keys), oldest first, and notices for any unreadable."""

        def work(c):
            query = sa.select(runs).where(runs.c.owner == owner).order_by(runs.c.seq)
            if keys is not None:
                query = query.where(runs.c.key.in_(list(keys)))
            rows = c.execute(query).all()
            texts: dict[str, list[str]] = {row.key: [] for row in rows}
            for chunk in _chunks(list(texts), 500):
                for e in c.execute(
                    sa.select(epochs.c.run_key, epochs.c.data)
                    .where(epochs.c.run_key.in_(chunk))
                    .order_by(epochs.c.run_key, epochs.c.position)
                ):
                    texts[e.run_key].append(e.data)
            records, notices = [], []
            for row in rows:
                try:
                    record = codec.record_from(row, texts[row.key])
                except codec.Unreadable as why:
                    notices.append(f"Stored run run-{row.seq} could not be shown: {why}.")
                    continue
                record.revision = row.revision
                record.stored_server = row.server
                records.append(record)
            if keys is None:
                c.execute(sa.update(runs).where(runs.c.owner == owner).values(touched=self.clock()))
            return records, notices

        return self.transact(work, ([], []))

    def revisions(self, owner: str) -> dict[str, int] | None:
        """key → revision of each of the owner's runs (None when the store is down)."""

        def work(c):
            query = sa.select(runs.c.key, runs.c.revision).where(runs.c.owner == owner)
            return {row.key: row.revision for row in c.execute(query)}

        return self.transact(work)

    def usage(self, owner: str | None = None) -> Usage | None:
        def work(c):
            query = sa.select(
                sa.func.count(), sa.func.sum(runs.c.epochs), sa.func.sum(runs.c.bytes)
            )
            if owner is not None:
                query = query.where(runs.c.owner == owner)
            count, epochs_kept, size = c.execute(query).one()
            return Usage(count or 0, int(epochs_kept or 0), int(size or 0))

        return self.transact(work)

    # ---- forgetting ---------------------------------------------------------------
    def delete(self, owner: str, keys: Iterable[str]) -> int:
        """Delete the owner's runs with these keys (another learner's keys match nothing)."""
        keys = list(keys)

        def work(c) -> int:
            owned = [
                row.key
                for chunk in _chunks(keys, 500)
                for row in c.execute(
                    sa.select(runs.c.key).where(runs.c.owner == owner, runs.c.key.in_(chunk))
                )
            ]
            _delete_keys(c, owned)
            return len(owned)

        return self.transact(work, 0) if keys else 0

    def cleanup(self, keep_days: float, total_bytes: int | None = None) -> int:
        """Delete ended runs not touched for `keep_days`, then the oldest-touched ones while the
        store holds more than `total_bytes`; how many were deleted."""

        def work(c) -> int:
            ended = runs.c.status.not_in(ACTIVE)
            cutoff = self.clock() - keep_days * 86_400
            old = [
                row.key
                for row in c.execute(sa.select(runs.c.key).where(ended, runs.c.touched < cutoff))
            ]
            _delete_keys(c, old)
            deleted = len(old)
            if total_bytes is not None:
                size = c.execute(sa.select(sa.func.sum(runs.c.bytes))).scalar() or 0
                oldest = c.execute(
                    sa.select(runs.c.key, runs.c.bytes).where(ended).order_by(runs.c.touched)
                )
                doomed = []
                for row in oldest:
                    if size <= total_bytes:
                        break
                    doomed.append(row.key)
                    size -= row.bytes
                _delete_keys(c, doomed)
                deleted += len(doomed)
            return deleted

        return self.transact(work, 0)


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _delete_keys(c, keys: list[str]) -> None:
    for chunk in _chunks(keys, 500):
        c.execute(sa.delete(epochs).where(epochs.c.run_key.in_(chunk)))
        c.execute(sa.delete(runs).where(runs.c.key.in_(chunk)))
