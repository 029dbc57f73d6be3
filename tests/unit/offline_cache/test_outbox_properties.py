"""Property tests: any sequence of outbox operations follows the transition table and loses nothing."""

from __future__ import annotations

import itertools
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule

from offline_cache import TRANSITIONS, IllegalTransition, OutboxState, open_database
from offline_cache.states import check_transition
from tests.unit.offline_cache.conftest import FakeClock

STATES = list(OutboxState)


@given(st.sampled_from(STATES), st.sampled_from(STATES))
def test_check_transition_allows_exactly_the_table(current: OutboxState, target: OutboxState) -> None:
    if target in TRANSITIONS[current]:
        check_transition("k", current, target)
    else:
        with pytest.raises(IllegalTransition):
            check_transition("k", current, target)


def test_final_states_are_final_and_every_state_is_reachable_from_queued() -> None:
    reachable, frontier = {OutboxState.QUEUED}, [OutboxState.QUEUED]
    while frontier:
        for nxt in TRANSITIONS[frontier.pop()]:
            if nxt not in reachable:
                reachable.add(nxt)
                frontier.append(nxt)
    assert reachable == set(OutboxState)
    assert not TRANSITIONS[OutboxState.ACCEPTED] and not TRANSITIONS[OutboxState.REJECTED]


# Which state each operation moves to (None: depends, checked separately).
OPERATIONS = {
    "mark_sending": OutboxState.SENDING,
    "mark_accepted": OutboxState.ACCEPTED,
    "mark_rejected": OutboxState.REJECTED,
    "mark_retry": OutboxState.QUEUED,
    "mark_needs_attention": OutboxState.NEEDS_ATTENTION,
    "requeue": OutboxState.QUEUED,
    "withdraw": OutboxState.WITHDRAWN,
}


class OutboxMachine(RuleBasedStateMachine):
    """Drives a real database with random operations and compares it with a model of the table."""

    keys = Bundle("keys")

    def __init__(self) -> None:
        super().__init__()
        self.tmp = tempfile.TemporaryDirectory()
        self.clock = FakeClock()
        counter = itertools.count()
        self.db = open_database(Path(self.tmp.name) / "k.sqlite", backup_dir=None, clock=self.clock,
                                new_key=lambda: f"key-{next(counter)}", max_permanent_failures=2,
                                integrity_check=False)
        self.model: dict[str, OutboxState] = {}
        self.failures: dict[str, int] = {}

    def teardown(self) -> None:
        self.db.close()
        self.tmp.cleanup()

    @rule(target=keys)
    def submit(self) -> str:
        key = self.db.outbox.submit("k", "t", "p", {"n": 1}).key
        self.model[key] = OutboxState.QUEUED
        self.failures[key] = 0
        self.clock.advance(seconds=1)
        return key

    @rule(key=keys, op=st.sampled_from(sorted(OPERATIONS)), permanent=st.booleans())
    def operate(self, key: str, op: str, permanent: bool) -> None:
        before = self.model[key]
        target = OPERATIONS[op]
        if op == "mark_retry" and permanent and before is OutboxState.SENDING \
                and self.failures[key] + 1 >= self.db.outbox.max_permanent_failures:
            target = OutboxState.NEEDS_ATTENTION
        args: tuple[object, ...] = {
            "mark_accepted": ("C-" + key,), "mark_rejected": ("E1", "材料不全"),
            "mark_retry": (self.clock.now, "timeout"), "mark_needs_attention": ("conflict",),
        }.get(op, ())
        kwargs = {"permanent": permanent} if op == "mark_retry" else {}
        if target in TRANSITIONS[before]:
            item = getattr(self.db.outbox, op)(key, *args, **kwargs)
            assert item.state is target
            self.model[key] = target
            if op == "mark_retry" and permanent:
                self.failures[key] += 1
            if op == "requeue":
                self.failures[key] = 0
        else:
            with pytest.raises(IllegalTransition):
                getattr(self.db.outbox, op)(key, *args, **kwargs)

    @rule()
    def crash_and_recover(self) -> None:
        self.db.outbox.recover_in_flight()
        for key, state in self.model.items():
            if state is OutboxState.SENDING:
                self.model[key] = OutboxState.QUEUED

    @rule(days=st.integers(0, 3))
    def purge(self, days: int) -> None:
        self.clock.advance(days=1)
        self.db.outbox.purge(days)

    @invariant()
    def database_matches_model_and_nothing_is_lost(self) -> None:
        counts = self.db.outbox.counts()
        for state in OutboxState:
            assert counts[state] == sum(1 for s in self.model.values() if s is state)
        due = {i.key for i in self.db.outbox.next_batch(limit=1000)}
        assert due == {k for k, s in self.model.items() if s is OutboxState.QUEUED}


OutboxMachine.TestCase.settings = settings(max_examples=25, stateful_step_count=25, deadline=None,
                                           suppress_health_check=[HealthCheck.too_slow])
test_outbox_state_machine = OutboxMachine.TestCase
