from __future__ import annotations

import datetime as dt
import uuid

import pytest

from kagazsyz.oversight.models import OfficialDay
from kagazsyz.oversight.selectors import Period
from kagazsyz.oversight.signals import refusal_threshold, robust_z, signals

DAY = dt.date(2026, 10, 5)
PERIOD = Period(DAY, DAY)


def _official(
    decided: int, refused: int, days: int, accesses: int, agency: str = "DRN"
) -> uuid.UUID:
    official = uuid.uuid4()
    OfficialDay.objects.create(
        day=DAY, official_id=official, agency_code=agency, service_code="ID-01",
        decided=decided, refused=refused, working_days_sum=days, data_accesses=accesses,
    )  # fmt: skip
    return official


@pytest.mark.django_db
def test_refusal_rate_far_above_peers_is_a_signal() -> None:
    for refused in (10, 12, 8, 11):
        _official(100, refused, 500, 100)
    outlier = _official(100, 40, 500, 100)
    # Peers of the outlier: 41 refusals in 400 decisions, p = 0.1025; expected 10.25 of 100;
    # variance 100 * 0.1025 * 0.8975 = 9.199; z = (40 - 10.25) / 3.033 = 9.81.
    [found] = signals(period=PERIOD)
    assert (found.official_id, found.kind) == (outlier, "refusals")
    assert found.score == pytest.approx(9.81, abs=0.01)
    assert found.peers == pytest.approx(0.1025)


@pytest.mark.django_db
def test_few_cases_never_make_a_signal() -> None:
    for refused in (10, 12, 8, 11):
        _official(100, refused, 500, 100)
    _official(20, 15, 100, 20)  # 75% refused, but only 20 decisions (< 30)
    assert signals(period=PERIOD) == []


@pytest.mark.django_db
def test_slow_holding_and_many_looks_are_signals() -> None:
    for days in (500, 520, 480, 510):
        _official(100, 10, days, 100)
    slow = _official(100, 10, 1500, 100)  # three times the peers' working days
    for _ in range(4):
        _official(100, 10, 500, 100, agency="SF")
    snooper = _official(100, 10, 500, 700, agency="SF")  # seven looks per case, peers one
    kinds = {(signal.official_id, signal.kind) for signal in signals(period=PERIOD)}
    assert kinds == {(slow, "holding"), (snooper, "data_access")}


def test_robust_z() -> None:
    # median 3, absolute deviations 2 1 0 1 7 -> MAD 1; (10 - 3) / 1.4826 = 4.72
    assert robust_z(10, [1, 2, 3, 4, 10]) == pytest.approx(4.7214, abs=1e-3)
    assert robust_z(10, [1, 2, 10]) is None  # fewer than 4 officials: no comparison
    # MAD 0 (most values equal): mean absolute deviation 5/5 = 1, times 1.2533; (6 - 1) / 1.2533
    assert robust_z(6, [1, 1, 1, 1, 6]) == pytest.approx(3.9895, abs=1e-3)


def test_many_officials_raise_the_refusal_threshold() -> None:
    # 5 officials: the Bonferroni bound (1% / 5, z 2.88) is below 3, so 3 stands; 60 officials:
    # 1% / 60 -> one-sided z 3.59.
    assert refusal_threshold(5) == 3.0
    assert refusal_threshold(60) == pytest.approx(3.59, abs=0.01)
