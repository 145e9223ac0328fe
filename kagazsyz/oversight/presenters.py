"""What the oversight pages show: charts and table rows built from the selectors' numbers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from kagazsyz.catalog.loader import get_catalog
from kagazsyz.oversight.charts import Chart, chart
from kagazsyz.oversight.plan import LEVEL_RANK
from kagazsyz.oversight.selectors import Indicators, MonthPoint, Standing


def agency_name(code: str, language: str) -> str:
    agency = get_catalog().agencies.get(code)
    return agency.short_names.get(language) if agency else code


def service_name(code: str, language: str) -> str:
    service = get_catalog().service(code)
    return service.names.get(language) if service else code


def level_label(level: str) -> str:
    return {
        "none": _("not online"),
        "online": _("online application"),
        "automatic": _("fully automatic"),
        "proactive": _("proactive"),
    }[level]


def state_label(state: str) -> str:
    return {"met": _("target met"), "late": _("late"), "due": _("not yet due")}[state]


def late_services(
    standings: list[Standing], today: dt.date, language: str
) -> list[tuple[Standing, str, str, str]]:
    """Services past their target date below their target level, with names and level labels."""
    return [
        (s, service_name(s.code, language), level_label(s.reached), level_label(s.target))
        for s in standings
        if s.state(today) == "late"
    ]


def plan_dates_chart(points: list[tuple[dt.date, int, int]]) -> Chart:
    return chart(
        _("Plan targets by date: due and met"),
        _("Target date"),
        [point[0].isoformat() for point in points],
        {
            _("services due by this date"): [p[1] for p in points],
            _("of them met now"): [p[2] for p in points],
        },
    )


def levels_chart(standings: list[Standing]) -> Chart:
    levels = list(LEVEL_RANK)
    return chart(
        _("Services by level: planned and reached"),
        _("Level"),
        [level_label(level) for level in levels],
        {
            _("planned"): [sum(s.target == level for s in standings) for level in levels],
            _("reached"): [sum(s.reached == level for s in standings) for level in levels],
        },
    )


def agency_share_chart(rows: list[tuple[str, Indicators]], language: str) -> Chart:
    return chart(
        _("Decided automatically and decided late, by agency"),
        _("Agency"),
        [agency_name(code, language) for code, _found in rows],
        {
            _("decided automatically"): [found.auto_share for _code, found in rows],
            _("decided after the legal deadline"): [found.breach_share for _code, found in rows],
        },
        percent=True,
    )


def durations_chart(found: Indicators) -> Chart:
    days = sorted(found.durations)
    return chart(
        _("Time to decision in working days"),
        _("Working days"),
        [str(day) for day in days],
        {_("decisions"): [found.durations[day] for day in days]},
    )


def refusals_chart(found: Indicators) -> Chart:
    return chart(
        _("Refusals by reason"),
        _("Reason"),
        [code for code, _total in found.refusals],
        {_("refusals"): [total for _code, total in found.refusals]},
        kind="hbar",
    )


def trend_charts(points: list[MonthPoint]) -> list[Chart]:
    months = [point.month.strftime("%Y-%m") for point in points]
    return [
        chart(
            _("Applications and decisions per month"),
            _("Month"),
            months,
            {
                _("applications"): [p.submitted for p in points],
                _("decisions"): [p.decided for p in points],
            },
            kind="line",
        ),
        chart(
            _("Decided automatically and decided late, per month"),
            _("Month"),
            months,
            {
                _("decided automatically"): [p.auto_share for p in points],
                _("decided after the legal deadline"): [p.breach_share for p in points],
            },
            kind="line",
            percent=True,
        ),
        chart(
            _("Median time to decision per month (working days)"),
            _("Month"),
            months,
            {_("median working days"): [p.median_days for p in points]},
            kind="line",
        ),
    ]


@dataclass(frozen=True)
class RankedAgency:
    code: str
    name: str
    indicators: Indicators
    services: int
    met: int
    late: int


def ranking(
    found: dict[str, Indicators], standings: list[Standing], today: dt.date, language: str
) -> list[RankedAgency]:
    """Agencies ordered by the share of their plan targets met, then by fewer late decisions."""
    ranked = []
    for code, indicators in found.items():
        own = [s for s in standings if s.agency == code]
        if not own and not indicators.submitted:
            continue
        states = [s.state(today) for s in own]
        ranked.append(
            RankedAgency(
                code, agency_name(code, language), indicators, len(own),
                states.count("met"), states.count("late"),
            )
        )  # fmt: skip
    return sorted(
        ranked,
        key=lambda a: (
            -(a.met / a.services if a.services else 0),
            a.indicators.breach_share if a.indicators.breach_share is not None else 1,
            a.code,
        ),
    )
