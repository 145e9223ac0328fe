"""The citizen's pages for journeys and for acting on an application. Thin: parse, call, render."""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_http_methods, require_POST

from kagazsyz.accounts.models import User
from kagazsyz.applications.selectors import application_get_for_citizen
from kagazsyz.applications.services import (
    WITHDRAWABLE,
    application_information_answer,
    application_withdraw,
    not_withdrawable,
)
from kagazsyz.catalog.loader import get_catalog
from kagazsyz.core.errors import DomainError
from kagazsyz.journeys.models import Journey
from kagazsyz.journeys.selectors import journey_get_for_citizen, journeys_for_citizen
from kagazsyz.journeys.services import (
    application_rate,
    complaint_file,
    journey_step_confirm,
    journey_step_get_for_citizen,
)
from kagazsyz.web import presenters
from kagazsyz.web.access import citizen_required


def _citizen(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _lang() -> str:
    return (translation.get_language() or "ky")[:2]


def _life_event(journey: Journey) -> str:
    event = get_catalog().life_events.get(journey.life_event)
    return event.names.get(_lang()) if event else journey.life_event


def _back_to(application_id: uuid.UUID, done: str = "") -> HttpResponseRedirect:
    url = reverse("web:application", args=[application_id])
    return HttpResponseRedirect(f"{url}?{urlencode({'done': done})}" if done else url)


def _refused(request: HttpRequest, error: DomainError, back: str) -> HttpResponse:
    if error.status == 404:
        raise Http404
    context = {"error": error.localized(_lang()), "back": back}
    return render(request, "journeys/refused.html", context, status=error.status)


@citizen_required
def journeys(request: HttpRequest) -> HttpResponse:
    items = journeys_for_citizen(citizen=_citizen(request))[:50]
    rows = [(journey, _life_event(journey)) for journey in items]
    return render(request, "journeys/journeys.html", {"journeys": rows})


@citizen_required
def journey_detail(request: HttpRequest, journey_id: uuid.UUID) -> HttpResponse:
    try:
        journey = journey_get_for_citizen(citizen=_citizen(request), journey_id=journey_id)
    except DomainError:
        raise Http404 from None
    context = {
        "journey": journey,
        "life_event": _life_event(journey),
        "steps": presenters.journey_steps(journey, _lang()),
    }
    return render(request, "journeys/journey.html", context)


@citizen_required
@require_POST
def step_confirm(request: HttpRequest, step_id: int) -> HttpResponse:
    """One click submits a prepared application; if the form needs more, it opens prefilled."""
    citizen = _citizen(request)
    try:
        application = journey_step_confirm(citizen=citizen, step_id=step_id)
    except DomainError as error:
        if error.code != "invalid_answers":
            return _refused(request, error, reverse("journeys:list"))
        step = journey_step_get_for_citizen(citizen=citizen, step_id=step_id)
        apply = reverse("web:apply", args=[step.service_code])
        return HttpResponseRedirect(f"{apply}?{urlencode(step.answers)}")
    return HttpResponseRedirect(reverse("web:application", args=[application.pk]))


@citizen_required
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    """GET asks to confirm (no script needed); POST withdraws."""
    citizen = _citizen(request)
    try:
        application = application_get_for_citizen(citizen=citizen, application_id=application_id)
        if request.method == "GET":
            if application.status not in WITHDRAWABLE:
                raise not_withdrawable(application)
            return render(request, "journeys/withdraw.html", {"application": application})
        application_withdraw(
            citizen=citizen,
            application_id=application_id,
            reason=request.POST.get("reason", "")[:2000],
        )
    except DomainError as error:
        return _refused(request, error, reverse("web:application", args=[application_id]))
    return _back_to(application_id, "withdrawn")


@citizen_required
@require_POST
def answer(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    try:
        application_information_answer(
            citizen=_citizen(request),
            application_id=application_id,
            text=request.POST.get("text", "")[:4000],
        )
    except DomainError as error:
        return _refused(request, error, reverse("web:application", args=[application_id]))
    return _back_to(application_id, "answered")


@citizen_required
@require_POST
def rate(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    raw = request.POST.get("score", "")
    try:
        application_rate(
            citizen=_citizen(request),
            application_id=application_id,
            score=int(raw) if raw.isdigit() and len(raw) == 1 else raw,
            comment=request.POST.get("comment", "")[:2000],
        )
    except DomainError as error:
        return _refused(request, error, reverse("web:application", args=[application_id]))
    return _back_to(application_id, "rated")


@citizen_required
@require_POST
def complain(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    try:
        complaint_file(
            citizen=_citizen(request),
            application_id=application_id,
            text=request.POST.get("text", "")[:4000],
        )
    except DomainError as error:
        return _refused(request, error, reverse("web:application", args=[application_id]))
    return _back_to(application_id, "complained")
