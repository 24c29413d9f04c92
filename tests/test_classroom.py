"""Classes on a real SQLite file and a real PostgreSQL server: join, publish, board, reveal,
predictions, closing; display names; the mission's link."""

from __future__ import annotations

import json

import pytest

from core.classroom import board
from core.classroom.classes import OUTCOMES, ClassInfo, Mission, normal_code
from core.classroom.names import name_problem
from core.classroom.store import ClassStore
from core.lab.config import TrainingConfig
from core.lab.controls import flags_from_query
from core.lab.url_state import from_query
from core.store.run_store import RunStore
from core.store.tables import SCHEMA_VERSION
from tests.classroom_runs import lab_run, stored


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def classes(url, clock):
    store = RunStore(url, server="A", clock=clock)
    assert store.online, store.problem
    yield ClassStore(store)
    store.close()


def test_a_class_is_created_with_a_readable_code_and_found_by_it_as_typed(classes):
    info = classes.create("teacher", "Dropout <lab>")
    assert info is not None and normal_code(info.code) == info.code
    assert not set(info.code) & set("01OI")
    assert classes.get(info.code.lower()[:3] + "-" + info.code.lower()[3:]) == info
    assert classes.get("nope") is None and classes.get("") is None
    assert [c.code for c in classes.of_owner("teacher")] == [info.code]
    assert classes.of_owner("learner") == []


def test_learners_join_under_unique_plain_names(classes):
    code = classes.create("teacher", "Class").code
    assert classes.join(code, "ada", "Ada L.") == ""
    assert "already called" in classes.join(code, "bob", "  ada   l. ")
    assert "plain text" in classes.join(code, "eve", "<img src=x onerror=alert(1)>")
    assert classes.member(code, "eve") is None
    assert classes.join(code, "bob", "Bob") == ""
    assert classes.join(code, "ada", "Ada Lovelace") == ""  # renaming keeps the number
    ada, bob = classes.member(code, "ada"), classes.member(code, "bob")
    assert (ada.name, ada.number, bob.number) == ("Ada Lovelace", 1, 2)
    assert "no class" in classes.join("ZZZZZZ", "ada", "Ada")


@pytest.mark.parametrize(
    "name, problem",
    [
        ("A", "at least"),
        ("x" * 25, "at most"),
        ("**bold**", "plain text"),
        ("a<b", "plain text"),
        ("see https://x.y", "plain text"),
        ("tab\u0007bell", "control"),
        ("--", "letter or digit"),
        ("Zoë (row 3)", ""),
        ("李雷", ""),
    ],
)
def test_display_names_are_checked(name, problem):
    found = name_problem(name)
    assert (problem in found) if problem else found == ""


def test_the_board_shows_published_runs_only_and_owned_by_who_published(classes):
    store = classes.store
    code = classes.create("teacher", "Class").code
    classes.join(code, "ada", "Ada")
    classes.join(code, "bob", "Bob")
    shown = stored(store, lab_run("ada", 0.5))
    hidden = stored(store, lab_run("ada", 0.2))
    theirs = stored(store, lab_run("carol", 0.1))
    stored(store, lab_run("bob", 0.0, status="running"))
    assert classes.publish(code, "ada", shown.key) == ""
    assert classes.publish(code, "ada", shown.key) == ""  # twice is once
    assert "Join the class" in classes.publish(code, "carol", theirs.key)
    assert classes.publish(code, "bob", theirs.key) == ""  # bob does not own it: never shown
    data = classes.board(code)
    assert [run.record.key for run in data.runs] == [shown.key]
    assert hidden.key not in {run.record.key for run in data.runs}
    assert (data.joined, data.training) == (2, 1)
    assert classes.published_keys(code, "ada") == {shown.key}
    assert classes.unpublish(code, "ada", shown.key)
    assert classes.board(code).runs == []


def test_the_board_reads_a_run_again_only_when_its_revision_changes(classes):
    store = classes.store
    code = classes.create("teacher", "Class").code
    classes.join(code, "ada", "Ada")
    job = stored(store, lab_run("ada", 0.5, epochs=3, status="running"))
    classes.publish(code, "ada", job.key)
    assert len(classes.board(code).runs[0].record.history) == 3
    first = classes.board(code).runs[0].record
    more = lab_run("ada", 0.5, epochs=5, status="running")
    row = {"key": job.key, "owner": "ada", "write_version": 1, "epochs": 5}
    epochs = [
        {"run_key": job.key, "position": i, "data": json.dumps(h)}
        for i, h in enumerate(more.history)
        if i >= 3
    ]
    assert store.save([(row, epochs)])
    again = classes.board(code).runs[0].record
    assert len(again.history) == 5 and again is not first
    assert classes.board(code).runs[0].record is again  # unchanged: not read again


def test_leaving_keeps_published_runs_and_deleting_a_run_removes_it(classes):
    store = classes.store
    code = classes.create("teacher", "Class").code
    classes.join(code, "ada", "Ada")
    job = stored(store, lab_run("ada", 0.5))
    classes.publish(code, "ada", job.key)
    assert classes.leave(code, "ada")
    assert classes.member(code, "ada") is None
    data = classes.board(code)
    assert len(data.runs) == 1 and data.joined == 0
    info = classes.get(code)
    assert board.rows(data, info, "drop", anonymous=False)[0].who == "Ada"
    store.delete("ada", [job.key])
    assert classes.board(code).runs == []


def test_a_class_closes_after_its_hours_and_becomes_read_only(classes, clock, monkeypatch):
    monkeypatch.setenv("REGLAB_CLASS_HOURS", "2")
    code = classes.create("teacher", "Class").code
    assert classes.join(code, "ada", "Ada") == ""
    job = stored(classes.store, lab_run("ada", 0.5))
    clock.now += 2 * 3600 + 1
    assert not classes.get(code).is_open(clock.now)
    assert "closed" in classes.join(code, "bob", "Bob")
    assert "closed" in classes.publish(code, "ada", job.key)
    assert not classes.unpublish(code, "ada", job.key)  # a closed board stays as it was
    other = classes.create("teacher", "Other").code
    classes.close(other)
    assert "closed" in classes.join(other, "bob", "Bob")


def test_rows_rank_by_validation_and_highlight_rank_gaps_once_revealed(classes):
    store = classes.store
    code = classes.create("teacher", "Class").code
    accuracies = {0.0: 0.95, 0.2: 0.80, 0.4: 0.85, 0.6: 0.90}  # best val loss: 0.6 first
    for i, (rate, accuracy) in enumerate(accuracies.items()):
        owner = f"learner{i}"
        classes.join(code, owner, f"Learner {i}")
        job = stored(store, lab_run(owner, rate, epochs=8, test_accuracy=accuracy))
        classes.publish(code, owner, job.key)
    info = classes.get(code)
    hidden = board.rows(classes.board(code), info, "drop", anonymous=True)
    assert [r.setting for r in hidden] == ["0.6", "0.4", "0.2", "0"]
    assert [r.val_rank for r in hidden] == [1, 2, 3, 4]
    assert all(r.test_accuracy is None and not r.highlighted for r in hidden)
    assert {r.who for r in hidden} == {f"learner {n}" for n in (1, 2, 3, 4)}
    assert "test accuracy" not in board.table(hidden, "Dropout p", revealed=False)[0]
    classes.reveal(code)
    shown = board.rows(classes.board(code), classes.get(code), "drop", anonymous=False)
    assert [r.test_rank for r in shown] == [2, 3, 4, 1]
    gaps = {r.setting: (r.rank_gap, r.highlighted) for r in shown}
    assert gaps["0"] == (3, True) and gaps["0.6"][0] == 1
    assert board.table(shown, "Dropout p", revealed=True)[0]["test accuracy"] == 0.9


def test_what_differs_from_the_mission_is_named(classes):
    mission = Mission(title="m", setup={"drop": "0.2", "l2": "0.001"})
    config = from_query(TrainingConfig, {"drop": "0.5", "l2": "0.001"})[0]
    assert board.differences(config, mission.config) == "Dropout p 0.5"
    assert board.differences(mission.config, mission.config) == "the mission's setup"


def test_predictions_are_kept_once_and_tallied_against_what_the_runs_showed(classes):
    store = classes.store
    code = classes.create("teacher", "Class").code
    mission = Mission(
        title="Dropout", setup={"drop": "0"}, question="q", test_key="drop", test_value="0.6"
    )
    assert classes.set_mission(code, mission)
    info = classes.get(code)
    assert info.mission == mission and info.mission_rev == 1
    lower, higher = OUTCOMES["lower"], OUTCOMES["higher"]
    empty = board.tally(mission, {}, classes.board(code))
    assert "No finished run" in empty.sentence and "0 seeds" not in empty.sentence
    assert classes.predict(code, "ada", 1, lower)
    assert classes.predict(code, "ada", 1, higher)  # the first answer stands
    classes.predict(code, "bob", 1, higher)
    assert classes.prediction(code, "ada", 1) == lower
    assert classes.prediction(code, "ada", 2) is None
    classes.join(code, "ada", "Ada")
    for seed in range(3):
        for rate in (0.0, 0.6):
            job = stored(store, lab_run("ada", rate, epochs=10, seed=seed))
            classes.publish(code, "ada", job.key)
    result = board.tally(info.mission, classes.predictions(code, 1), classes.board(code))
    assert result.counts == {lower: 1, higher: 1, OUTCOMES["same"]: 0}
    assert result.showed == lower, result.sentence
    retitled = Mission(**{**mission.__dict__, "title": "Dropout, again", "task": "Go on."})
    assert classes.set_mission(code, retitled) and classes.get(code).mission_rev == 1  # kept
    asked = Mission(**{**mission.__dict__, "test_value": "0.3"})
    assert classes.set_mission(code, asked) and classes.get(code).mission_rev == 2  # asked anew


def test_a_mission_link_carries_the_setup_and_flags_exactly():
    setup = {"drop": "0.3", "units": "128,64", "opt": "sgd", "lr": "0.05"}
    mission = Mission(title="t", setup=setup, hidden=("opt",), locked=("lr", "units"))
    query = mission.link_query("ABCDEF")
    assert query["class"] == "ABCDEF"
    config, notes = from_query(TrainingConfig, query)
    assert config == mission.config and notes == []
    assert config.dropout == (0.3,) and config.units == (128, 64) and config.optimizer == "sgd"
    assert flags_from_query(query) == mission.flags
    assert Mission.from_json(mission.to_json()) == mission


@pytest.mark.parametrize("text", ["", "[]", "nonsense", '{"title": 3, "hidden": "x", "setup": 1}'])
def test_a_damaged_mission_reads_as_an_empty_one(text):
    mission = Mission.from_json(text)
    assert isinstance(mission, Mission) and mission.hidden == ()


def test_instructor_keys_are_kept_as_hashes_and_a_new_key_asks_again(classes):
    classes.remember_instructor("teacher", "s3cret")
    assert classes.knows_key("teacher", "s3cret")
    assert not classes.knows_key("teacher", "other") and not classes.knows_key("ada", "s3cret")
    import sqlalchemy as sa

    with classes.store._engine.connect() as c:
        stored_hash = c.execute(sa.text("SELECT key_hash FROM reglab_instructors")).scalar()
    assert "s3cret" not in stored_hash and len(stored_hash) == 64


def test_the_class_tables_are_schema_3(classes):
    assert SCHEMA_VERSION == 3
    assert isinstance(classes.get(classes.create("t", "x").code), ClassInfo)


def test_the_board_reader_keeps_a_bounded_number_of_records(classes, monkeypatch):
    monkeypatch.setattr("core.classroom.store.MAX_CACHED", 2)
    store = classes.store
    codes = [classes.create("teacher", f"Class {i}").code for i in range(2)]
    for code in codes:
        classes.join(code, "ada", "Ada")
        for rate in (0.1, 0.2):
            classes.publish(code, "ada", stored(store, lab_run("ada", rate)).key)
    assert len(classes.board(codes[0]).runs) == 2
    assert len(classes.board(codes[1]).runs) == 2  # its two kept, the other class's dropped
    assert len(classes._cache) == 2
    assert len(classes.board(codes[0]).runs) == 2  # read again when asked
