"""The group-commit writer on its own: writes that arrive together share one commit, each caller
gets its own result, and one bad write does not sink the others."""

from __future__ import annotations

import logging
import threading

import pytest
from sqlalchemy import select

from app.accounts.models import Seeker
from app.extensions import db as database
from app.live.writer import BatchWriter, WriteFailed


@pytest.fixture
def writer(app):
    return BatchWriter(app)


def storing_people():
    """A handler that stores one person per (name, mobile) and returns their ids, and the
    batches it was called with."""
    calls: list[list[tuple[str, str]]] = []

    def store_people(people: list[tuple[str, str]]) -> list[str]:
        calls.append(list(people))
        seekers = [Seeker(name=name, mobile=mobile) for name, mobile in people]
        database.session.add_all(seekers)
        database.session.flush()
        return [seeker.id for seeker in seekers]

    return store_people, calls


def hold(writer: BatchWriter) -> threading.Event:
    """Keep the writer busy until the returned event is set: what is submitted meanwhile
    waits in its queue and is taken as one batch."""
    entered, release = threading.Event(), threading.Event()

    def gate(payloads):
        entered.set()
        release.wait(10)
        return payloads

    writer.submit(gate, None)
    assert entered.wait(10), "the writer never started"
    return release


def names_of(db, ids) -> list[str]:
    db.session.rollback()
    return [db.session.get(Seeker, seeker_id).name for seeker_id in ids]


def stored_names(db) -> set[str]:
    db.session.rollback()
    return set(db.session.scalars(select(Seeker.name)))


def test_writes_that_arrive_together_share_one_commit_and_answer_in_order(db, writer):
    store, calls = storing_people()
    release = hold(writer)
    people = [(f"P{n}", f"1370000{n:04d}") for n in range(5)]
    pending = [writer.submit(store, person) for person in people]
    release.set()
    ids = [p.result(timeout=10) for p in pending]
    assert calls == [people], "one call with every write that was waiting"
    assert writer.batches == 2  # the gate's commit, then one for all five
    assert names_of(db, ids) == ["P0", "P1", "P2", "P3", "P4"]


def test_write_returns_once_the_change_is_committed(db, writer):
    store, _calls = storing_people()
    (seeker_id,) = [writer.write(store, ("王小明", "13912345678"))]
    assert names_of(db, [seeker_id]) == ["王小明"]
    assert writer.batches == 1


def test_one_failing_write_does_not_sink_the_others(db, writer, caplog):
    db.session.add(Seeker(name="Already here", mobile="13800138000"))
    db.session.commit()
    store, calls = storing_people()
    release = hold(writer)
    first = writer.submit(store, ("First", "13700000001"))
    clash = writer.submit(store, ("Same mobile", "13800138000"))
    last = writer.submit(store, ("Last", "13700000002"))
    release.set()
    with caplog.at_level(logging.ERROR, logger="app.live.writer"):
        with pytest.raises(WriteFailed):
            clash.result(timeout=10)
        assert names_of(db, [first.result(timeout=10), last.result(timeout=10)]) == [
            "First",
            "Last",
        ]
    assert stored_names(db) == {"Already here", "First", "Last"}
    # Tried together first, then each on its own.
    assert calls[0] == [
        ("First", "13700000001"),
        ("Same mobile", "13800138000"),
        ("Last", "13700000002"),
    ]
    assert calls[1:] == [
        [("First", "13700000001")],
        [("Same mobile", "13800138000")],
        [("Last", "13700000002")],
    ]
    assert writer.batches == 3  # the gate, First, Last
    assert "write by store_people failed" in caplog.text


def test_each_handler_gets_its_own_writes_in_the_same_commit(db, writer):
    store_a, calls_a = storing_people()
    store_b, calls_b = storing_people()
    release = hold(writer)
    a1 = writer.submit(store_a, ("A1", "13600000001"))
    b1 = writer.submit(store_b, ("B1", "13600000002"))
    a2 = writer.submit(store_a, ("A2", "13600000003"))
    b2 = writer.submit(store_b, ("B2", "13600000004"))
    release.set()
    ids = [p.result(timeout=10) for p in (a1, b1, a2, b2)]
    assert calls_a == [[("A1", "13600000001"), ("A2", "13600000003")]]
    assert calls_b == [[("B1", "13600000002"), ("B2", "13600000004")]]
    assert writer.batches == 2
    assert names_of(db, ids) == ["A1", "B1", "A2", "B2"], "each caller gets its own result"


def test_a_failing_handler_rolls_back_what_it_wrote(db, writer):
    def store_then_fail(people):
        database.session.add_all(Seeker(name=name, mobile=mobile) for name, mobile in people)
        database.session.flush()
        raise RuntimeError("the disk is full")

    with pytest.raises(WriteFailed):
        writer.write(store_then_fail, ("Ghost", "13500000000"))
    assert stored_names(db) == set()
    assert writer.batches == 0
