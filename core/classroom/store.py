"""ClassStore: classes, their learners, published runs and predictions, in the run store's
database (core.store.run_store); every call answers (None, False or empty when it is down)."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from dataclasses import dataclass

import sqlalchemy as sa

from core.classroom.classes import ClassInfo, Mission, class_hours, new_code, normal_code
from core.classroom.names import clean, name_key, name_problem
from core.jobs.records import ACTIVE, JobRecord
from core.store import codec
from core.store.run_store import RunStore
from core.store.tables import classes, epochs, instructors, members, predictions, published, runs

MAX_CACHED = 2000  # records the board reader keeps across classes (~40 kB each)


@dataclass(frozen=True)
class Member:
    """A learner in a class, under the display name they picked."""

    code: str
    owner: str
    name: str
    number: int
    joined: float
    left: float | None = None


@dataclass(frozen=True)
class PublishedRun:
    """A run a learner published to the class: the stored record and who published it."""

    record: JobRecord
    member: Member | None
    published: float


@dataclass(frozen=True)
class BoardData:
    """What the board draws: the published runs and the class's counts."""

    runs: list[PublishedRun]
    joined: int
    training: int


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class ClassStore:
    """Classes kept beside the runs, so every front end of a class server sees the same board."""

    def __init__(self, store: RunStore) -> None:
        self.store = store
        self.clock = store.clock
        self._cache: dict[str, tuple[int, JobRecord]] = {}  # run key → (revision, record)
        self._lock = threading.Lock()  # boards of several sessions refresh at once

    # ---- classes ------------------------------------------------------------------
    def create(self, owner: str, title: str) -> ClassInfo | None:
        now = self.clock()

        def work(c) -> ClassInfo:
            title_ = clean(title)[:200] or "Class"
            info = ClassInfo(new_code(), owner, title_, now, now + class_hours() * 3600)
            c.execute(sa.insert(classes).values(_class_row(info)))
            return info

        return self.store.transact_unique(work)  # a code taken already: another is drawn

    def get(self, code: str) -> ClassInfo | None:
        code = normal_code(code)
        if not code:
            return None
        query = sa.select(classes).where(classes.c.code == code)
        row = self.store.transact(lambda c: c.execute(query).first())
        return _class_from(row) if row is not None else None

    def of_owner(self, owner: str) -> list[ClassInfo]:
        query = (
            sa.select(classes).where(classes.c.owner == owner).order_by(classes.c.created.desc())
        )
        rows = self.store.transact(lambda c: c.execute(query).all(), [])
        return [_class_from(row) for row in rows]

    def set_mission(self, code: str, mission: Mission) -> bool:
        """Save the mission; a changed prediction is asked again (the old answers stay apart)."""
        info = self.get(code)
        if info is None:
            return False
        asked_again = info.mission.prediction != mission.prediction
        rev = classes.c.mission_rev + (1 if asked_again else 0)
        return self._update(code, mission=mission.to_json(), mission_rev=rev)

    def set_settings(self, code: str, settings: dict) -> bool:
        return self._update(code, settings=json.dumps(settings, sort_keys=True))

    def reveal(self, code: str, shown: bool = True) -> bool:
        return self._update(code, revealed=self.clock() if shown else None)

    def close(self, code: str) -> bool:
        return self._update(code, closed=self.clock())

    def _update(self, code: str, **values) -> bool:
        query = sa.update(classes).where(classes.c.code == code).values(**values)
        return bool(self.store.transact(lambda c: c.execute(query).rowcount, 0))

    # ---- learners -----------------------------------------------------------------
    def join(self, code: str, owner: str, name: str) -> str:
        """Join (or rename in) a class; "" once done, else why not, in a sentence."""
        if problem := name_problem(name):
            return problem
        info = self.get(code)
        if info is None:
            return f"There is no class {code}: check the code on the board."
        if not info.is_open(self.clock()):
            return f"Class {info.code} has closed: its board is read-only."
        shown, folded = clean(name), name_key(name)

        def work(c) -> str:
            taken = c.execute(
                sa.select(members.c.owner).where(
                    members.c.code == info.code, members.c.name_key == folded
                )
            ).scalar()
            if taken is not None and taken != owner:
                return f"Someone in this class is already called {shown}: pick another name."
            mine = sa.and_(members.c.code == info.code, members.c.owner == owner)
            if c.execute(sa.select(members.c.number).where(mine)).first() is not None:
                c.execute(
                    sa.update(members).where(mine).values(name=shown, name_key=folded, left=None)
                )
                return ""
            top = c.execute(
                sa.select(sa.func.max(members.c.number)).where(members.c.code == info.code)
            ).scalar()
            c.execute(
                sa.insert(members).values(
                    code=info.code,
                    owner=owner,
                    name=shown,
                    name_key=folded,
                    number=(top or 0) + 1,
                    joined=self.clock(),
                )
            )
            return ""

        done = self.store.transact_unique(work, tries=3)  # a name taken at the same moment
        return done if done is not None else (self.store.problem or "Not joined: try again.")

    def leave(self, code: str, owner: str) -> bool:
        """Leave a class: published runs stay published (delete a run to take it back)."""
        query = (
            sa.update(members)
            .where(members.c.code == code, members.c.owner == owner)
            .values(left=self.clock())
        )
        return bool(self.store.transact(lambda c: c.execute(query).rowcount, 0))

    def member(self, code: str, owner: str) -> Member | None:
        query = sa.select(members).where(members.c.code == code, members.c.owner == owner)
        row = self.store.transact(lambda c: c.execute(query).first())
        return _member_from(row) if row is not None and row.left is None else None

    # ---- publishing ---------------------------------------------------------------
    def publish(self, code: str, owner: str, run_key: str) -> str:
        """Publish one of the owner's runs; "" once done, else why not."""
        info = self.get(code)
        if info is None or not info.is_open(self.clock()):
            return "This class has closed: runs can no longer be published to it."
        if self.member(code, owner) is None:
            return "Join the class first (pick a display name)."

        def work(c) -> str:
            there = sa.and_(published.c.code == code, published.c.run_key == run_key)
            if c.execute(sa.select(published.c.owner).where(there)).first() is None:
                c.execute(
                    sa.insert(published).values(
                        code=code, run_key=run_key, owner=owner, published=self.clock()
                    )
                )
            return ""

        done = self.store.transact(work)
        return done if done is not None else (self.store.problem or "Not published: try again.")

    def unpublish(self, code: str, owner: str, run_key: str) -> bool:
        """Take a run back while the class is open (a closed board stays as it was)."""
        info = self.get(code)
        if info is None or not info.is_open(self.clock()):
            return False
        query = sa.delete(published).where(
            published.c.code == code, published.c.owner == owner, published.c.run_key == run_key
        )
        return bool(self.store.transact(lambda c: c.execute(query).rowcount, 0))

    def published_keys(self, code: str, owner: str) -> set[str]:
        query = sa.select(published.c.run_key).where(
            published.c.code == code, published.c.owner == owner
        )
        return set(self.store.transact(lambda c: c.execute(query).scalars().all(), []))

    def board(self, code: str) -> BoardData:
        """Every published run of the class (owned by who published it), read once per change
        of its stored revision, and the counts: joined, training now."""

        def work(c) -> BoardData:
            listed = c.execute(
                sa.select(
                    published.c.run_key, published.c.owner, published.c.published, runs.c.revision
                )
                .join(
                    runs,
                    sa.and_(runs.c.key == published.c.run_key, runs.c.owner == published.c.owner),
                )
                .where(published.c.code == code)
                .order_by(published.c.published)
            ).all()
            stale = [row.run_key for row in listed if self._cached(row.run_key) != row.revision]
            self._read(c, stale)
            people = {
                row.owner: _member_from(row)
                for row in c.execute(sa.select(members).where(members.c.code == code))
            }
            joined = sum(1 for m in people.values() if m.left is None)
            in_class = sa.select(members.c.owner).where(
                members.c.code == code, members.c.left.is_(None)
            )
            training = c.execute(
                sa.select(sa.func.count(sa.distinct(runs.c.owner))).where(
                    runs.c.status.in_(ACTIVE), runs.c.owner.in_(in_class)
                )
            ).scalar()
            with self._lock:
                cached = {row.run_key: self._cache.get(row.run_key) for row in listed}
                self._forget_beyond(MAX_CACHED, keep=set(cached))
            shown = [
                PublishedRun(found[1], people.get(row.owner), row.published)
                for row in listed
                if (found := cached[row.run_key]) is not None
            ]
            return BoardData(shown, joined, int(training or 0))

        return self.store.transact(work, BoardData([], 0, 0))

    def _forget_beyond(self, most: int, keep: set[str]) -> None:
        """Drop the longest-kept records of other boards while more than `most` are kept."""
        for key in [k for k in self._cache if k not in keep][: max(0, len(self._cache) - most)]:
            del self._cache[key]

    def _cached(self, key: str) -> int | None:
        found = self._cache.get(key)
        return found[0] if found else None

    def _read(self, c, keys: list[str]) -> None:
        if not keys:
            return
        rows = c.execute(sa.select(runs).where(runs.c.key.in_(keys))).all()
        texts: dict[str, list[str]] = {row.key: [] for row in rows}
        for e in c.execute(
            sa.select(epochs.c.run_key, epochs.c.data)
            .where(epochs.c.run_key.in_(keys))
            .order_by(epochs.c.run_key, epochs.c.position)
        ):
            texts[e.run_key].append(e.data)
        for row in rows:
            try:
                record = codec.record_from(row, texts[row.key])
            except codec.Unreadable:
                continue
            record.revision = row.revision
            with self._lock:
                self._cache.pop(row.key, None)  # re-inserted last: the most recently read
                self._cache[row.key] = (row.revision, record)

    # ---- predictions --------------------------------------------------------------
    def predict(self, code: str, owner: str, mission_rev: int, answer: str) -> bool:
        def work(c) -> bool:
            mine = sa.and_(
                predictions.c.code == code,
                predictions.c.owner == owner,
                predictions.c.mission_rev == mission_rev,
            )
            if c.execute(sa.select(predictions.c.answer).where(mine)).first() is None:
                c.execute(
                    sa.insert(predictions).values(
                        code=code,
                        owner=owner,
                        mission_rev=mission_rev,
                        answer=answer[:200],
                        answered=self.clock(),
                    )
                )
            return True  # the first answer stands: a prediction is not changed afterwards

        return bool(self.store.transact(work, False))

    def prediction(self, code: str, owner: str, mission_rev: int) -> str | None:
        query = sa.select(predictions.c.answer).where(
            predictions.c.code == code,
            predictions.c.owner == owner,
            predictions.c.mission_rev == mission_rev,
        )
        return self.store.transact(lambda c: c.execute(query).scalar())

    def predictions(self, code: str, mission_rev: int) -> dict[str, str]:
        """owner → answer, for the mission's current revision."""
        query = sa.select(predictions.c.owner, predictions.c.answer).where(
            predictions.c.code == code, predictions.c.mission_rev == mission_rev
        )
        rows = self.store.transact(lambda c: c.execute(query).all(), [])
        return {row.owner: row.answer for row in rows}

    # ---- instructors --------------------------------------------------------------
    def remember_instructor(self, owner: str, key: str) -> None:
        """This browser entered the operator's key: keep its hash (never the key) for the owner."""

        def work(c) -> None:
            c.execute(sa.delete(instructors).where(instructors.c.owner == owner))
            c.execute(
                sa.insert(instructors).values(
                    owner=owner, key_hash=key_hash(key), since=self.clock()
                )
            )

        self.store.transact(work)

    def knows_key(self, owner: str, key: str) -> bool:
        """Did this owner enter the operator's current key (a changed key asks again)?"""
        query = sa.select(instructors.c.key_hash).where(instructors.c.owner == owner)
        stored = self.store.transact(lambda c: c.execute(query).scalar())
        return bool(stored) and hmac.compare_digest(stored, key_hash(key))


def _class_row(info: ClassInfo) -> dict:
    return {
        "code": info.code,
        "owner": info.owner,
        "title": info.title,
        "created": info.created,
        "closes": info.closes,
        "closed": info.closed,
        "revealed": info.revealed,
        "mission": info.mission.to_json(),
        "mission_rev": info.mission_rev,
        "settings": json.dumps(info.settings),
    }


def _class_from(row) -> ClassInfo:
    try:
        settings = json.loads(row.settings or "{}")
    except ValueError:
        settings = {}
    return ClassInfo(
        code=row.code,
        owner=row.owner,
        title=row.title,
        created=row.created,
        closes=row.closes,
        closed=row.closed,
        revealed=row.revealed,
        mission=Mission.from_json(row.mission),
        mission_rev=row.mission_rev,
        settings=settings if isinstance(settings, dict) else {},
    )


def _member_from(row) -> Member:
    return Member(row.code, row.owner, row.name, row.number, row.joined, row.left)
