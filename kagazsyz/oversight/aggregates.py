"""Keeping the oversight aggregates up to date from the platform's own records.

`aggregates_refresh(since=, until=)` rebuilds every aggregate row of the local days
``since..until`` inside one transaction: it deletes those days' rows and recomputes them with a
handful of GROUP BY queries over the raw tables, restricted to those days. So a refresh is
idempotent, and refreshing recent days gives the same rows as a full rebuild as long as the
older days' raw records did not change (a rating given later counts on the day of decision, so
the periodic job refreshes a window longer than the time citizens take to rate; see
docs/oversight.md).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from kagazsyz.applications.models import Application, Assignment, Status, Transition
from kagazsyz.core.workdays import is_working_day, working_days_between
from kagazsyz.journeys.models import JourneyStep, StepKind
from kagazsyz.oversight.models import (
    DurationCount,
    OfficialDay,
    RefreshState,
    RefusalCount,
    ServiceDay,
)
from kagazsyz.registries.models import DataAccess

DECIDED = (Status.APPROVED, Status.REJECTED)
APPROVED = (Status.APPROVED, Status.ISSUED)
# A refusal recorded without a code was made by the service's published rule.
RULE_REFUSAL = "rule"
CALENDAR_START = dt.date(2020, 1, 1)
BATCH = 5000


def _local_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _window(field: str, since: dt.date, until: dt.date) -> Q:
    return Q(
        **{f"{field}__gte": _local_start(since)},
        **{f"{field}__lt": _local_start(until + dt.timedelta(days=1))},
    )


class Ordinals:
    """Working days counted from CALENDAR_START: working days between two dates are a difference.

    Durations are computed per group of decisions (decision day, submission day), not per
    application, so the database returns a few thousand groups instead of every row.
    """

    def __init__(self) -> None:
        self._known: dict[dt.date, int] = {}
        self._last = CALENDAR_START - dt.timedelta(days=1)
        self._count = 0

    def __call__(self, day: dt.date) -> int:
        if day < CALENDAR_START:
            return -working_days_between(day, CALENDAR_START)
        while self._last < day:
            self._last += dt.timedelta(days=1)
            self._count += is_working_day(self._last)
            self._known[self._last] = self._count
        return self._known[day]

    def between(self, start: dt.date, end: dt.date) -> int:
        return self(end) - self(start)


def _decisions(since: dt.date, until: dt.date) -> Any:  # annotated QuerySet[Application]
    """Decided applications of the window with their day, submission day and automation."""
    by_official = Transition.objects.filter(
        application=OuterRef("pk"), to_status__in=DECIDED, actor__startswith="official:"
    )
    return (
        Application.objects.filter(_window("decided_at", since, until))
        .annotate(day=TruncDate("decided_at"), submitted_day=TruncDate("submitted_at"))
        .annotate(by_official=Exists(by_official))
    )


def _service_decisions(since: dt.date, until: dt.date) -> Iterable[dict[str, Any]]:
    rows: Iterable[dict[str, Any]] = (
        _decisions(since, until)
        .values("day", "submitted_day", "service_code", "agency_code")
        .annotate(
            decided=Count("pk"),
            decided_auto=Count("pk", filter=Q(by_official=False)),
            approved=Count("pk", filter=Q(status__in=APPROVED)),
            rejected=Count("pk", filter=Q(status=Status.REJECTED)),
            breaches=Count("pk", filter=Q(day__gt=F("due_on"))),
            ratings=Count("rating"),
            ratings_sum=Coalesce(Sum("rating"), 0),
        )
        .order_by()
    )
    return rows


def _submissions(since: dt.date, until: dt.date) -> Iterable[dict[str, Any]]:
    """Submissions by day; proactive ones were started by the platform: a journey step of kind
    "application" submitted them, or their submission's actor is "system"."""
    by_platform = Transition.objects.filter(
        application=OuterRef("pk"), to_status=Status.SUBMITTED, actor="system"
    )
    by_journey = JourneyStep.objects.filter(application=OuterRef("pk"), kind=StepKind.APPLICATION)
    return (
        Application.objects.filter(_window("submitted_at", since, until))
        .annotate(
            day=TruncDate("submitted_at"),
            system_start=Exists(by_platform),
            journey_start=Exists(by_journey),
        )
        .values("day", "service_code", "agency_code")
        .annotate(
            submitted=Count("pk"),
            proactive=Count("pk", filter=Q(system_start=True) | Q(journey_start=True)),
        )
        .order_by()
    )


def _reassignments(since: dt.date, until: dt.date) -> Iterable[dict[str, Any]]:
    return (
        Assignment.objects.filter(_window("at", since, until), assigned_by__isnull=False)
        .annotate(day=TruncDate("at"))
        .values("day", "application__service_code", "application__agency_code")
        .annotate(reassignments=Count("pk"))
        .order_by()
    )


def _refusals(since: dt.date, until: dt.date) -> Iterable[dict[str, Any]]:
    return (
        Application.objects.filter(_window("decided_at", since, until), status=Status.REJECTED)
        .annotate(day=TruncDate("decided_at"))
        .values("day", "service_code", "agency_code", "refusal_code")
        .annotate(refused=Count("pk"))
        .order_by()
    )


def _official_decisions(since: dt.date, until: dt.date) -> Iterable[dict[str, Any]]:
    """Decisions by officials, counted for the official the case was assigned to."""
    rows: Iterable[dict[str, Any]] = (
        _decisions(since, until)
        .filter(by_official=True, assigned_to__isnull=False)
        .values("day", "submitted_day", "assigned_to", "service_code", "agency_code")
        .annotate(decided=Count("pk"), refused=Count("pk", filter=Q(status=Status.REJECTED)))
        .order_by()
    )
    return rows


def _official_accesses(since: dt.date, until: dt.date) -> Iterable[dict[str, Any]]:
    return (
        DataAccess.objects.filter(_window("at", since, until), requester_kind="official")
        .annotate(day=TruncDate("at"))
        .values("day", "requester_ref", "requester_agency", "legal_basis")
        .annotate(accesses=Count("pk"))
        .order_by()
    )


def _service_days(
    since: dt.date, until: dt.date, ordinals: Ordinals
) -> tuple[list[ServiceDay], list[DurationCount]]:
    days: dict[tuple[dt.date, str], ServiceDay] = {}
    durations: dict[tuple[dt.date, str, int], DurationCount] = {}

    def row(day: dt.date, service: str, agency: str) -> ServiceDay:
        key = (day, service)
        if key not in days:
            days[key] = ServiceDay(day=day, service_code=service, agency_code=agency)
        return days[key]

    for item in _submissions(since, until):
        found = row(item["day"], item["service_code"], item["agency_code"])
        found.submitted, found.proactive = item["submitted"], item["proactive"]
    for item in _service_decisions(since, until):
        found = row(item["day"], item["service_code"], item["agency_code"])
        for name in ("decided", "decided_auto", "approved", "rejected", "breaches", "ratings"):
            setattr(found, name, getattr(found, name) + item[name])
        found.ratings_sum += item["ratings_sum"]
        working_days = ordinals.between(item["submitted_day"], item["day"])
        found.working_days_sum += item["decided"] * working_days
        bucket = durations.setdefault(
            (item["day"], item["service_code"], working_days),
            DurationCount(
                day=item["day"],
                service_code=item["service_code"],
                agency_code=item["agency_code"],
                working_days=working_days,
                decided=0,
            ),
        )
        bucket.decided += item["decided"]
    for item in _reassignments(since, until):
        found = row(
            item["day"], item["application__service_code"], item["application__agency_code"]
        )
        found.reassignments = item["reassignments"]
    return list(days.values()), list(durations.values())


def _official_days(since: dt.date, until: dt.date, ordinals: Ordinals) -> list[OfficialDay]:
    days: dict[tuple[dt.date, uuid.UUID, str], OfficialDay] = {}
    for item in _official_decisions(since, until):
        key = (item["day"], item["assigned_to"], item["service_code"])
        found = days.setdefault(
            key,
            OfficialDay(
                day=item["day"],
                official_id=item["assigned_to"],
                agency_code=item["agency_code"],
                service_code=item["service_code"],
            ),
        )
        found.decided += item["decided"]
        found.refused += item["refused"]
        working_days = ordinals.between(item["submitted_day"], item["day"])
        found.working_days_sum += item["decided"] * working_days
    for item in _official_accesses(since, until):
        try:
            official = uuid.UUID(item["requester_ref"])
        except ValueError:
            continue
        key = (item["day"], official, item["legal_basis"])
        found = days.setdefault(
            key,
            OfficialDay(
                day=item["day"],
                official_id=official,
                agency_code=item["requester_agency"],
                service_code=item["legal_basis"],
            ),
        )
        found.data_accesses += item["accesses"]
    return list(days.values())


def _refusal_counts(since: dt.date, until: dt.date) -> list[RefusalCount]:
    merged: dict[tuple[dt.date, str, str], RefusalCount] = {}
    for item in _refusals(since, until):
        code = item["refusal_code"] or RULE_REFUSAL
        key = (item["day"], item["service_code"], code)
        found = merged.setdefault(
            key,
            RefusalCount(
                day=item["day"],
                service_code=item["service_code"],
                agency_code=item["agency_code"],
                refusal_code=code,
                refused=0,
            ),
        )
        found.refused += item["refused"]
    return list(merged.values())


# A full rebuild over millions of rows takes minutes; pages keep the connection's short timeout.
REFRESH_STATEMENT_TIMEOUT = "30min"


def _allow_long_statements() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('statement_timeout', %s, true)", [REFRESH_STATEMENT_TIMEOUT]
            )


def aggregates_refresh(*, since: dt.date, until: dt.date) -> int:
    """Rebuild the aggregates of local days since..until; returns the number of rows written."""
    if until < since:
        raise ValueError("until must not be before since")
    ordinals = Ordinals()
    with transaction.atomic():
        _allow_long_statements()
        service_days, durations = _service_days(since, until, ordinals)
        officials = _official_days(since, until, ordinals)
        refusals = _refusal_counts(since, until)
        for model in (ServiceDay, DurationCount, RefusalCount, OfficialDay):
            model.objects.filter(day__gte=since, day__lte=until).delete()
        ServiceDay.objects.bulk_create(service_days, batch_size=BATCH)
        DurationCount.objects.bulk_create(durations, batch_size=BATCH)
        RefusalCount.objects.bulk_create(refusals, batch_size=BATCH)
        OfficialDay.objects.bulk_create(officials, batch_size=BATCH)
        RefreshState.objects.update_or_create(
            id=1, defaults={"refreshed_at": timezone.now(), "since": since, "until": until}
        )
    return len(service_days) + len(durations) + len(refusals) + len(officials)


def raw_date_range() -> tuple[dt.date, dt.date] | None:
    """The local days the raw records span, for a full rebuild."""
    first = Application.objects.order_by("submitted_at").values_list("submitted_at", flat=True)[:1]
    if not first:
        return None
    today = timezone.localdate()
    return timezone.localdate(first[0]), today


def aggregates_rebuild() -> int:
    """A full rebuild over everything the raw tables hold."""
    span = raw_date_range()
    if span is None:
        return aggregates_refresh(since=timezone.localdate(), until=timezone.localdate())
    return aggregates_refresh(since=span[0], until=span[1])
