import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kagazsyz.applications.models import Status
from kagazsyz.applications.states import FINAL, TRANSITIONS, can_move, check_move
from kagazsyz.core.errors import DomainError

ALLOWED = {(a, b) for a, targets in TRANSITIONS.items() for b in targets}
ALL_PAIRS = list(itertools.product(Status, Status))


@pytest.mark.parametrize(("current", "target"), sorted(ALLOWED))
def test_allowed_transition(current: Status, target: Status) -> None:
    check_move(current, target)


@pytest.mark.parametrize(("current", "target"), sorted(set(ALL_PAIRS) - ALLOWED))
def test_forbidden_transition_is_a_clear_conflict(current: Status, target: Status) -> None:
    with pytest.raises(DomainError) as caught:
        check_move(current, target)
    assert caught.value.code == "illegal_transition"
    assert caught.value.status == 409
    assert current.value in caught.value.message.en and target.value in caught.value.message.en


def test_every_status_has_a_row_and_final_states_lead_nowhere() -> None:
    assert set(TRANSITIONS) == set(Status)
    assert {Status.ISSUED, Status.REJECTED, Status.WITHDRAWN} == FINAL


@given(st.lists(st.sampled_from(list(Status)), max_size=30))
def test_walks_only_follow_the_table_and_stop_in_final_states(steps: list[Status]) -> None:
    current = Status.SUBMITTED
    for target in steps:
        if can_move(current, target):
            current = target
        else:
            with pytest.raises(DomainError):
                check_move(current, target)
    if current in FINAL:
        assert not TRANSITIONS[current]
