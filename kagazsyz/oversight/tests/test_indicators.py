from __future__ import annotations

import datetime as dt

import pytest

from kagazsyz.oversight.aggregates import aggregates_refresh
from kagazsyz.oversight.models import OfficialDay
from kagazsyz.oversight.selectors import (
    Period,
    agency_indicators,
    indicators,
    monthly_trend,
    percentile,
)
from kagazsyz.oversight.tests.cases import hand_made

OCTOBER = Period(dt.date(2026, 10, 1), dt.date(2026, 10, 31))


@pytest.fixture
def october(citizen):
    people = hand_made(citizen)
    aggregates_refresh(since=dt.date(2026, 9, 1), until=dt.date(2026, 11, 30))
    return people


def test_national_indicators_of_the_hand_made_month(october) -> None:
    found = indicators(period=OCTOBER)
    assert found.submitted == 9  # A1..A4 + B1..B5
    assert found.proactive == 1  # B5
    assert found.decided == 8  # all but A4
    assert found.decided_auto == 5  # B1..B5
    assert found.auto_share == 5 / 8
    assert found.durations == {0: 5, 4: 1, 5: 1, 15: 1}
    # 8 decisions sorted: 0 0 0 0 0 4 5 15. Median: rank ceil(0.5*8)=4 -> 0; p90: ceil(7.2)=8 -> 15.
    assert (found.median_days, found.p90_days) == (0, 15)
    assert found.breaches == 1  # A3: due 19 Oct, decided 22 Oct
    assert found.overdue_now == 1  # A4: due 22 Oct, still open
    assert found.refusals == [("not_eligible", 1), ("rule", 1)]
    assert found.reassignments == 1
    assert found.flagged_accesses == 1
    assert (found.ratings, found.rating_average) == (2, 3.5)  # (5 + 2) / 2


def test_agency_and_service_indicators(october) -> None:
    drn = indicators(period=OCTOBER, agency="DRN")
    assert (drn.submitted, drn.decided, drn.decided_auto) == (4, 3, 0)
    # 4 5 15: median rank ceil(1.5)=2 -> 5; p90 rank ceil(2.7)=3 -> 15.
    assert (drn.median_days, drn.p90_days, drn.breaches, drn.overdue_now) == (5, 15, 1, 1)
    assert drn.breach_share == 1 / 3
    gns = indicators(period=OCTOBER, service="WORK-04")
    assert (gns.submitted, gns.decided, gns.auto_share, gns.deadline_days) == (5, 5, 1.0, 0)
    assert gns.refusals == [("rule", 1)]
    table = agency_indicators(period=OCTOBER)
    assert (table["DRN"].decided, table["GNS"].decided, table["SF"].decided) == (3, 5, 0)
    assert (table["DRN"].flagged_accesses, table["GNS"].flagged_accesses) == (1, 0)


def test_a_period_counts_only_its_own_days(october) -> None:
    first_week = indicators(period=Period(dt.date(2026, 10, 1), dt.date(2026, 10, 9)))
    assert first_week.submitted == 9
    assert first_week.decided == 6  # B1..B5 on 5 Oct, A1 on 9 Oct


def test_monthly_trend(october) -> None:
    [point] = monthly_trend(period=OCTOBER)
    assert (point.submitted, point.decided, point.median_days) == (9, 8, 0)
    assert point.breach_share == 1 / 8


def test_official_aggregates(october) -> None:
    o1 = OfficialDay.objects.filter(official_id=october.official.pk)
    assert sum(row.decided for row in o1) == 2
    assert sum(row.refused for row in o1) == 1
    assert sum(row.working_days_sum for row in o1) == 9  # 4 + 5
    assert sum(row.data_accesses for row in o1) == 1


@pytest.mark.parametrize(
    ("histogram", "share", "expected"),
    [({}, 0.5, None), ({3: 1}, 0.9, 3), ({1: 1, 2: 1}, 0.5, 1), ({1: 9, 10: 1}, 0.9, 1),
     ({1: 9, 10: 1}, 0.91, 10)],
)  # fmt: skip
def test_percentile_is_nearest_rank(histogram, share, expected) -> None:
    assert percentile(histogram, share) == expected


def test_an_application_a_journey_submitted_is_proactive(citizen) -> None:
    from django.utils import timezone

    from kagazsyz.journeys.models import Journey, JourneyStep
    from kagazsyz.oversight.tests.cases import application, at

    birth = application(citizen=citizen, service="BIR-01", agency="DRN", deadline=1,
                        submitted=at("2026-10-05"))  # fmt: skip
    benefit = application(citizen=citizen, service="BIR-05", agency="MTSOM", deadline=10,
                          submitted=at("2026-10-06"))  # the submission's actor says "citizen"  # fmt: skip
    journey = Journey.objects.create(citizen=citizen, life_event="BIRTH", trigger_application=birth,
                                     subject_personal_number="0", started_at=at("2026-10-06"))  # fmt: skip
    JourneyStep.objects.create(journey=journey, key="BIR-05", position=1, service_code="BIR-05",
                               kind="application", status="started", application=benefit,
                               updated_at=timezone.now())  # fmt: skip
    aggregates_refresh(since=dt.date(2026, 10, 1), until=dt.date(2026, 10, 31))
    assert indicators(period=OCTOBER, service="BIR-05").proactive == 1
    assert indicators(period=OCTOBER, service="BIR-01").proactive == 0
