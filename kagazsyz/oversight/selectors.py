"""Reads for the oversight pages: every number comes from the aggregates (or, for "overdue now"
and flagged data accesses, from small indexed queries), never from figures typed by agencies."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from kagazsyz.applications.models import Application, Status
from kagazsyz.catalog.loader import get_catalog
from kagazsyz.oversight.models import DurationCount, RefreshState, RefusalCount, ServiceDay
from kagazsyz.oversight.plan import LEVEL_RANK, get_plan
from kagazsyz.registries.models import DataAccessCase

OPEN = (
    Status.SUBMITTED,
    Status.GATHERING_EVIDENCE,
    Status.AWAITING_PAYMENT,
    Status.IN_REVIEW,
    Status.INFORMATION_REQUESTED,
)
# A service counts as automatic when at least this share of its recent decisions had no official,
# and as proactive when at least this share of its recent applications the platform started.
AUTOMATIC_SHARE = 0.8
PROACTIVE_SHARE = 0.5
STANDING_WINDOW_DAYS = 90
SUMS = (
    "submitted",
    "proactive",
    "decided",
    "decided_auto",
    "approved",
    "rejected",
    "breaches",
    "working_days_sum",
    "reassignments",
    "ratings",
    "ratings_sum",
)


@dataclass(frozen=True)
class Period:
    since: dt.date
    until: dt.date

    @classmethod
    def last_days(cls, days: int, today: dt.date | None = None) -> Period:
        end = today or timezone.localdate()
        return cls(end - dt.timedelta(days=days - 1), end)

    def filter(self) -> Q:
        return Q(day__gte=self.since, day__lte=self.until)


def percentile(histogram: dict[int, int], share: float) -> int | None:
    """Nearest-rank percentile of a histogram {working days: decisions}: the smallest value with
    at least ``share`` of the decisions at or below it."""
    total = sum(histogram.values())
    if total == 0:
        return None
    rank = max(1, math.ceil(share * total))
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= rank:
            return value
    return max(histogram)


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class Indicators:
    """One agency's (or service's, or the country's) indicators over a period."""

    submitted: int = 0
    proactive: int = 0
    decided: int = 0
    decided_auto: int = 0
    approved: int = 0
    rejected: int = 0
    breaches: int = 0
    working_days_sum: int = 0
    reassignments: int = 0
    ratings: int = 0
    ratings_sum: int = 0
    durations: dict[int, int] = field(default_factory=dict)
    overdue_now: int = 0
    flagged_accesses: int = 0
    refusals: list[tuple[str, int]] = field(default_factory=list)
    deadline_days: int | None = None

    @property
    def auto_share(self) -> float | None:
        return _share(self.decided_auto, self.decided)

    @property
    def breach_share(self) -> float | None:
        return _share(self.breaches, self.decided)

    @property
    def median_days(self) -> int | None:
        return percentile(self.durations, 0.5)

    @property
    def p90_days(self) -> int | None:
        return percentile(self.durations, 0.9)

    @property
    def rating_average(self) -> float | None:
        return self.ratings_sum / self.ratings if self.ratings else None


def _scope(agency: str | None, service: str | None) -> Q:
    scope = Q()
    if agency:
        scope &= Q(agency_code=agency)
    if service:
        scope &= Q(service_code=service)
    return scope


def overdue_now(*, today: dt.date | None = None) -> QuerySet[Application]:
    """Open cases past their legal deadline (the status index keeps this to the open cases)."""
    return Application.objects.filter(status__in=OPEN, due_on__lt=today or timezone.localdate())


def _flagged(period: Period) -> QuerySet[DataAccessCase]:
    return DataAccessCase.objects.filter(
        opened_at__date__gte=period.since, opened_at__date__lte=period.until
    )


def indicators(
    *, period: Period, agency: str | None = None, service: str | None = None
) -> Indicators:
    scope = period.filter() & _scope(agency, service)
    totals = ServiceDay.objects.filter(scope).aggregate(**{name: Sum(name) for name in SUMS})
    result = Indicators()
    for name, value in totals.items():
        setattr(result, name, value or 0)
    result.durations = dict(
        DurationCount.objects.filter(scope)
        .values_list("working_days")
        .annotate(total=Sum("decided"))
        .order_by()
    )
    result.refusals = list(
        RefusalCount.objects.filter(scope)
        .values_list("refusal_code")
        .annotate(total=Sum("refused"))
        .order_by("-total", "refusal_code")
    )
    result.overdue_now = overdue_now().filter(_scope(agency, service)).count()
    if service is None:
        flagged = _flagged(period)
        result.flagged_accesses = (flagged.filter(agency=agency) if agency else flagged).count()
    found = get_catalog().service(service) if service else None
    result.deadline_days = found.deadline_working_days if found else None
    return result


def agency_indicators(*, period: Period) -> dict[str, Indicators]:
    """Every agency's indicators with a fixed number of queries, for the ranking."""
    found: dict[str, Indicators] = {code: Indicators() for code in get_catalog().agencies}
    sums = (
        ServiceDay.objects.filter(period.filter())
        .values("agency_code")
        .annotate(**{name: Sum(name) for name in SUMS})
        .order_by()
    )
    for row in sums:
        target = found.setdefault(row["agency_code"], Indicators())
        for name in SUMS:
            setattr(target, name, row[name] or 0)
    durations = (
        DurationCount.objects.filter(period.filter())
        .values_list("agency_code", "working_days")
        .annotate(total=Sum("decided"))
        .order_by()
    )
    for agency, days, total in durations:
        found.setdefault(agency, Indicators()).durations[days] = total
    overdue = overdue_now().values_list("agency_code").annotate(total=Count("pk")).order_by()
    for agency, total in overdue:
        found.setdefault(agency, Indicators()).overdue_now = total
    flagged = _flagged(period).values_list("agency").annotate(total=Count("pk")).order_by()
    for agency, total in flagged:
        found.setdefault(agency, Indicators()).flagged_accesses = total
    return found


@dataclass(frozen=True)
class Standing:
    """Where a service stands against its plan target, computed from recent records."""

    code: str
    agency: str
    live: bool
    target: str
    by: dt.date
    assumed: bool
    reached: str
    auto_share: float | None
    proactive_share: float | None
    submitted: int

    @property
    def met(self) -> bool:
        return LEVEL_RANK[self.reached] >= LEVEL_RANK[self.target]

    def state(self, today: dt.date) -> str:
        """ "met", "late" (target date passed, level not reached) or "due" (date still ahead)."""
        if self.met:
            return "met"
        return "late" if today > self.by else "due"


def _reached(live: bool, auto_share: float | None, proactive_share: float | None) -> str:
    if not live:
        return "none"
    if proactive_share is not None and proactive_share >= PROACTIVE_SHARE:
        return "proactive"
    if auto_share is not None and auto_share >= AUTOMATIC_SHARE:
        return "automatic"
    return "online"


def service_standings(*, today: dt.date | None = None) -> list[Standing]:
    """Each planned service's computed level over the last STANDING_WINDOW_DAYS days.

    Live: the catalogue defines the service, so the platform serves its form and takes
    applications. Automatic: AUTOMATIC_SHARE of its decisions had no official. Proactive:
    PROACTIVE_SHARE of its applications were started by the platform (the submission's actor is
    "system", as a life-event journey records it).
    """
    period = Period.last_days(STANDING_WINDOW_DAYS, today)
    rows = {
        row["service_code"]: row
        for row in ServiceDay.objects.filter(period.filter())
        .values("service_code")
        .annotate(
            submitted=Sum("submitted"),
            proactive=Sum("proactive"),
            decided=Sum("decided"),
            decided_auto=Sum("decided_auto"),
        )
        .order_by()
    }
    catalog = get_catalog()
    standings = []
    for target in get_plan().services:
        row = rows.get(target.code, {})
        live = catalog.service(target.code) is not None
        auto = _share(row.get("decided_auto") or 0, row.get("decided") or 0)
        proactive = _share(row.get("proactive") or 0, row.get("submitted") or 0)
        standings.append(
            Standing(
                code=target.code,
                agency=target.agency,
                live=live,
                target=target.target,
                by=target.by,
                assumed=target.assumed,
                reached=_reached(live, auto, proactive),
                auto_share=auto,
                proactive_share=proactive,
                submitted=row.get("submitted") or 0,
            )
        )
    return standings


@dataclass(frozen=True)
class PlanProgress:
    """How a set of services stands against the plan."""

    services: int
    online: int
    automatic: int
    proactive: int
    due: int  # target date passed
    met: int
    late: int


def plan_progress(standings: list[Standing], today: dt.date) -> PlanProgress:
    def at_least(level: str) -> int:
        return sum(LEVEL_RANK[s.reached] >= LEVEL_RANK[level] for s in standings)

    states = [s.state(today) for s in standings]
    return PlanProgress(
        services=len(standings),
        online=at_least("online"),
        automatic=at_least("automatic"),
        proactive=at_least("proactive"),
        due=sum(s.by < today for s in standings),
        met=states.count("met"),
        late=states.count("late"),
    )


def plan_by_date(standings: list[Standing]) -> list[tuple[dt.date, int, int]]:
    """For each target date: services due by then (cumulative) and how many of those are met."""
    dates = sorted({s.by for s in standings})
    return [
        (
            date,
            sum(s.by <= date for s in standings),
            sum(s.by <= date and s.met for s in standings),
        )
        for date in dates
    ]


def plan_problems() -> list[str]:
    """Differences between the plan and the catalogue; the plan must cover exactly its services."""
    catalog = get_catalog()
    planned = [t.code for t in get_plan().services]
    problems = [
        f"{code}: planned twice" for code in sorted({c for c in planned if planned.count(c) > 1})
    ]
    problems += [
        f"{code}: not in the catalogue" for code in sorted(set(planned) - set(catalog.services))
    ]
    problems += [
        f"{code}: missing from the plan" for code in sorted(set(catalog.services) - set(planned))
    ]
    for target in get_plan().services:
        service = catalog.service(target.code)
        if service and service.agency != target.agency:
            problems.append(f"{target.code}: plan says {target.agency}, catalogue {service.agency}")
    return problems


@dataclass(frozen=True)
class MonthPoint:
    month: dt.date
    submitted: int
    decided: int
    auto_share: float | None
    breach_share: float | None
    median_days: int | None


def monthly_trend(
    *, period: Period, agency: str | None = None, service: str | None = None
) -> list[MonthPoint]:
    scope = period.filter() & _scope(agency, service)
    months = (
        ServiceDay.objects.filter(scope)
        .annotate(month=TruncMonth("day"))
        .values("month")
        .annotate(
            submitted=Sum("submitted"),
            decided=Sum("decided"),
            decided_auto=Sum("decided_auto"),
            breaches=Sum("breaches"),
        )
        .order_by("month")
    )
    histograms: dict[dt.date, dict[int, int]] = defaultdict(dict)
    buckets = (
        DurationCount.objects.filter(scope)
        .annotate(month=TruncMonth("day"))
        .values_list("month", "working_days")
        .annotate(total=Sum("decided"))
        .order_by()
    )
    for month, days, total in buckets:
        histograms[month][days] = total
    return [
        MonthPoint(
            month=row["month"],
            submitted=row["submitted"] or 0,
            decided=row["decided"] or 0,
            auto_share=_share(row["decided_auto"] or 0, row["decided"] or 0),
            breach_share=_share(row["breaches"] or 0, row["decided"] or 0),
            median_days=percentile(histograms[row["month"]], 0.5),
        )
        for row in months
    ]


def service_indicator_table(*, period: Period, agency: str) -> dict[str, Indicators]:
    """The indicators of each of an agency's services (for the agency drill-down)."""
    scope = period.filter() & Q(agency_code=agency)
    found: dict[str, Indicators] = {
        code: Indicators(deadline_days=s.deadline_working_days)
        for code, s in get_catalog().services.items()
        if s.agency == agency
    }
    sums = (
        ServiceDay.objects.filter(scope)
        .values("service_code")
        .annotate(**{name: Sum(name) for name in SUMS})
        .order_by()
    )
    for row in sums:
        target = found.setdefault(row["service_code"], Indicators())
        for name in SUMS:
            setattr(target, name, row[name] or 0)
    durations = (
        DurationCount.objects.filter(scope)
        .values_list("service_code", "working_days")
        .annotate(total=Sum("decided"))
        .order_by()
    )
    for service, days, total in durations:
        found.setdefault(service, Indicators()).durations[days] = total
    overdue = (
        overdue_now()
        .filter(agency_code=agency)
        .values_list("service_code")
        .annotate(total=Count("pk"))
        .order_by()
    )
    for service, total in overdue:
        found.setdefault(service, Indicators()).overdue_now = total
    return found


def last_refresh() -> RefreshState | None:
    return RefreshState.objects.filter(id=1).first()
