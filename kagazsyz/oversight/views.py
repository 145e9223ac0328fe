"""Oversight pages: thin views over the selectors. Non-public pages: oversight and auditor roles."""

from __future__ import annotations

import datetime as dt
import json

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation

from kagazsyz.catalog.loader import get_catalog
from kagazsyz.journeys.selectors import complaints_open
from kagazsyz.oversight import presenters
from kagazsyz.oversight.models import PublishedFile
from kagazsyz.oversight.opendata import COUNTS, DATASETS, THRESHOLD
from kagazsyz.oversight.plan import get_plan
from kagazsyz.oversight.selectors import (
    Period,
    agency_indicators,
    indicators,
    last_refresh,
    monthly_trend,
    plan_by_date,
    plan_progress,
    service_indicator_table,
    service_standings,
)
from kagazsyz.oversight.services import open_data_publish
from kagazsyz.oversight.signals import MIN_DECISIONS, signals
from kagazsyz.web.access import oversight_required, public

DEFAULT_DAYS = 365
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


def _lang() -> str:
    return (translation.get_language() or "ky")[:2]


def _date(raw: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _period(request: HttpRequest) -> Period:
    """The period from ?from=&to= (ISO dates); by default the last DEFAULT_DAYS days."""
    default = Period.last_days(DEFAULT_DAYS)
    since = _date(request.GET.get("from")) or default.since
    until = _date(request.GET.get("to")) or default.until
    return Period(min(since, until), max(since, until))


def _page(request: HttpRequest, template: str, period: Period, **context: object) -> HttpResponse:
    return render(
        request,
        f"oversight/{template}",
        {"period": period, "refreshed": last_refresh(), **context},
    )


@oversight_required
def overview(request: HttpRequest) -> HttpResponse:
    period, today = _period(request), timezone.localdate()
    standings = service_standings(today=today)
    return _page(
        request,
        "overview.html",
        period,
        plan=get_plan(),
        progress=plan_progress(standings, today),
        found=indicators(period=period),
        charts=[
            presenters.plan_dates_chart(plan_by_date(standings)),
            presenters.levels_chart(standings),
        ],
        late=presenters.late_services(standings, today, _lang()),
    )


@oversight_required
def agencies(request: HttpRequest) -> HttpResponse:
    period, today = _period(request), timezone.localdate()
    ranked = presenters.ranking(
        agency_indicators(period=period), service_standings(today=today), today, _lang()
    )
    rows = [(agency.code, agency.indicators) for agency in ranked]
    return _page(
        request,
        "agencies.html",
        period,
        ranked=ranked,
        charts=[presenters.agency_share_chart(rows, _lang())],
    )


@oversight_required
def agency(request: HttpRequest, code: str) -> HttpResponse:
    if code not in get_catalog().agencies:
        raise Http404
    period, today = _period(request), timezone.localdate()
    found = indicators(period=period, agency=code)
    standings = {s.code: s for s in service_standings(today=today) if s.agency == code}
    services = [
        (service, presenters.service_name(service, _lang()), figures, standings.get(service))
        for service, figures in sorted(service_indicator_table(period=period, agency=code).items())
    ]
    return _page(
        request,
        "agency.html",
        period,
        code=code,
        name=presenters.agency_name(code, _lang()),
        found=found,
        services=services,
        today=today,
        charts=[
            presenters.refusals_chart(found),
            *presenters.trend_charts(monthly_trend(period=period, agency=code)),
        ],
    )


@oversight_required
def service(request: HttpRequest, code: str) -> HttpResponse:
    found_service = get_catalog().service(code)
    if found_service is None:
        raise Http404
    period, today = _period(request), timezone.localdate()
    found = indicators(period=period, service=code)
    standing = next((s for s in service_standings(today=today) if s.code == code), None)
    return _page(
        request,
        "service.html",
        period,
        service=found_service,
        agency_name=presenters.agency_name(found_service.agency, _lang()),
        found=found,
        standing=standing,
        state=presenters.state_label(standing.state(today)) if standing else "",
        reached=presenters.level_label(standing.reached) if standing else "",
        target=presenters.level_label(standing.target) if standing else "",
        charts=[
            presenters.durations_chart(found),
            presenters.refusals_chart(found),
            *presenters.trend_charts(monthly_trend(period=period, service=code)),
        ],
    )


@oversight_required
def trends(request: HttpRequest) -> HttpResponse:
    period = _period(request)
    agency_code = request.GET.get("agency", "")[:16]
    if agency_code not in get_catalog().agencies:
        agency_code = ""
    return _page(
        request,
        "trends.html",
        period,
        agencies=[(c, presenters.agency_name(c, _lang())) for c in get_catalog().agencies],
        chosen=agency_code,
        charts=presenters.trend_charts(monthly_trend(period=period, agency=agency_code or None)),
    )


@oversight_required
def signals_view(request: HttpRequest) -> HttpResponse:
    period = _period(request)
    found = [
        (signal, presenters.agency_name(signal.agency, _lang()))
        for signal in signals(period=period)
    ]
    return _page(request, "signals.html", period, found=found, minimum=MIN_DECISIONS)


@oversight_required
def complaints(request: HttpRequest) -> HttpResponse:
    """Citizens' complaints about breached deadlines, oldest first, until oversight closes them."""
    today = timezone.localdate()
    found = [
        {
            "complaint": complaint,
            "agency": presenters.agency_name(complaint.agency_code, _lang()),
            "days_late": (today - complaint.due_on).days,
        }
        for complaint in complaints_open()[:500]
    ]
    return render(
        request, "oversight/complaints.html", {"found": found, "refreshed": last_refresh()}
    )


def _published(name: str) -> PublishedFile:
    found = PublishedFile.objects.filter(name=name).first()
    if found is None:  # never published yet (a fresh install): publish now
        open_data_publish()
        found = PublishedFile.objects.get(name=name)
    return found


@public
def open_data(request: HttpRequest) -> HttpResponse:
    """The index of open-data files, and the latest days of the agency file as a table."""
    published = _published("agencies-daily.json")
    document = json.loads(published.content)
    days = sorted({row["day"] for row in document["rows"]})[-7:]
    rows = [
        {
            "day": row["day"],
            "name": presenters.agency_name(row["agency"], _lang()),
            "counts": [row[column] for column in COUNTS],
        }
        for row in document["rows"]
        if row["day"] in days
    ]
    files = [(name, extension) for name in DATASETS for extension in CONTENT_TYPES]
    return render(
        request,
        "oversight/open_data.html",
        {
            "files": files,
            "document": document,
            "rows": sorted(rows, key=lambda row: (row["day"], row["name"]), reverse=True),
            "threshold": THRESHOLD,
            "published": published.published_at,
        },
    )


@public
def open_data_file(request: HttpRequest, name: str, extension: str) -> HttpResponse:
    if name not in DATASETS or extension not in CONTENT_TYPES:
        raise Http404
    found = _published(f"{name}.{extension}")
    response = HttpResponse(found.content, content_type=CONTENT_TYPES[extension])
    response["Last-Modified"] = found.published_at.strftime("%a, %d %b %Y %H:%M:%S GMT")
    response["Access-Control-Allow-Origin"] = "*"
    return response
