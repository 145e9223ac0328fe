"""The back office's pages. Each view parses the request, calls one service or selector, renders."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

from django.contrib.auth import login, logout
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from kagazsyz.accounts.models import Role, User
from kagazsyz.accounts.services import official_login
from kagazsyz.applications.models import Application
from kagazsyz.catalog.loader import get_catalog
from kagazsyz.catalog.schema import Service
from kagazsyz.core.errors import DomainError
from kagazsyz.office import selectors, services
from kagazsyz.registries.directory import dataset
from kagazsyz.web.access import OFFICE_SESSION_KEY, official_required, public
from kagazsyz.web.presenters import status_label

PAGE_SIZE = 50


def _official(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _lang() -> str:
    return (translation.get_language() or "ky")[:2]


def _error(request: HttpRequest, error: DomainError) -> HttpResponse:
    if error.status == 404:
        raise Http404
    context = {"error": error.localized(_lang()), "back": request.META.get("HTTP_REFERER", "")}
    return render(request, "office/error.html", context, status=error.status)


@public
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or reverse("office:queue")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("office:queue")
    error = None
    if request.method == "POST":
        try:
            user = official_login(
                personal_number=request.POST.get("personal_number", "")[:64],
                password=request.POST.get("password", "")[:200],
                code=request.POST.get("code", "")[:16],
            )
        except DomainError as exc:
            error = exc.localized(_lang())
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            request.session[OFFICE_SESSION_KEY] = str(user.pk)
            return HttpResponseRedirect(next_url)
    context = {"error": error, "next": next_url}
    return render(request, "office/login.html", context, status=401 if error else 200)


@public
@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return HttpResponseRedirect(reverse("office:login"))


def _service_name(code: str) -> str:
    service = get_catalog().service(code)
    return service.names.get(_lang()) if service else code


@official_required
def queue(request: HttpRequest) -> HttpResponse:
    """My cases, nearest deadline first: the official works down the list, never picks."""
    official = _official(request)
    raw_page = request.GET.get("page", "1")
    page = selectors.queue_page(
        official=official, number=int(raw_page) if raw_page.isdigit() else 1, size=PAGE_SIZE
    )
    today = timezone.localdate()
    rows = [
        {
            "case": case,
            "service": _service_name(case.service_code),
            "status": status_label(case.status, _lang()),
            "overdue": case.due_on is not None and case.due_on < today,
        }
        for case in page.cases
    ]
    context = {
        "page": page,
        "rows": rows,
        "proposals": list(selectors.proposals_awaiting(official=official)[:50]),
        "is_supervisor": bool(selectors.office_agencies(official, Role.SUPERVISOR)),
    }
    return render(request, "office/queue.html", context)


def _answers(service: Service, answers: dict[str, Any]) -> list[tuple[str, str]]:
    """The form's answers under their labels, a choice by its label, in the reader's language."""
    rows = []
    for item in service.inputs:
        if item.name not in answers:
            continue
        value = answers[item.name]
        choice = next((c for c in item.choices if c.value == value), None)
        rows.append(
            (item.labels.get(_lang()), choice.labels.get(_lang()) if choice else str(value))
        )
    return rows


def _case_page(
    request: HttpRequest, application: Application, error: str = "", status: int = 200
) -> HttpResponse:
    official = _official(request)
    service = get_catalog().service(application.service_code)
    roles = selectors.roles_in(official, application.agency_code)
    may_decide = Role.SUPERVISOR in roles or application.assigned_to_id == official.pk
    context = {
        "application": application,
        "service": service,
        "status": status_label(application.status, _lang()),
        "overdue": selectors.application_breached(application),
        "evidence": [
            (
                dataset(item.dataset),
                item,
                json.dumps(item.payload, ensure_ascii=False, indent=2, sort_keys=True),
            )
            for item in application.evidence.order_by("alias")
        ],
        "answers": _answers(service, application.answers) if service else [],
        "history": [
            (step, " → ".join(status_label(s, _lang()) for s in step.statuses if s))
            for step in selectors.case_history(application)
        ],
        "proposal": selectors.open_refusal_proposal(application),
        "question": selectors.open_information_request(application),
        "may_decide": may_decide and application.status == "in_review",
        "is_supervisor": Role.SUPERVISOR in roles,
        "officials": list(selectors.eligible_officials(application.agency_code)),
        "reasons": [(r.code, r.labels.get(_lang())) for r in service.refusal_reasons]
        if service
        else [],
        "error": error,
    }
    return render(request, "office/case.html", context, status=status)


@official_required
def case(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    """The case with its answers, evidence and history; opening it is recorded for the citizen."""
    official = _official(request)
    try:
        application = selectors.case_for_official(official=official, application_id=application_id)
    except DomainError:
        raise Http404 from None
    services.case_view_record(official=official, application=application)
    return _case_page(request, application)


def _act(
    request: HttpRequest, application_id: uuid.UUID, action: Callable[[User], Any]
) -> HttpResponse:
    try:
        action(_official(request))
    except DomainError as error:
        if error.status == 422:
            application = selectors.case_for_official(
                official=_official(request), application_id=application_id
            )
            return _case_page(request, application, error.localized(_lang()), status=422)
        return _error(request, error)
    return HttpResponseRedirect(reverse("office:case", args=[application_id]))


@official_required
@require_POST
def approve(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    note = request.POST.get("note", "")
    return _act(
        request,
        application_id,
        lambda official: services.case_approve(
            official=official, application_id=application_id, note=note
        ),
    )


@official_required
@require_POST
def refuse(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    """Refuse with a coded reason; on a four-eyes service the same form proposes the refusal."""
    code, text = request.POST.get("reason_code", "")[:40], request.POST.get("text", "")

    def decide(official: User) -> Any:
        service = get_catalog().service(
            Application.objects.filter(pk=application_id)
            .values_list("service_code", flat=True)
            .first()
            or ""
        )
        act = services.refusal_propose if service and service.four_eyes else services.case_refuse
        return act(official=official, application_id=application_id, reason_code=code, text=text)

    return _act(request, application_id, decide)


@official_required
@require_POST
def ask(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    question = request.POST.get("question", "")
    return _act(
        request,
        application_id,
        lambda official: services.information_request(
            official=official, application_id=application_id, question=question
        ),
    )


@official_required
@require_POST
def reassign(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    target, reason = request.POST.get("official", "")[:40], request.POST.get("reason", "")
    try:
        target_id = uuid.UUID(target)
    except ValueError:
        target_id = None
    return _act(
        request,
        application_id,
        lambda official: services.case_reassign(
            supervisor=official, application_id=application_id, official_id=target_id, reason=reason
        ),
    )


def _proposal_act(request: HttpRequest, action: Callable[[User], Any]) -> HttpResponse:
    try:
        action(_official(request))
    except DomainError as error:
        return _error(request, error)
    return HttpResponseRedirect(reverse("office:queue"))


@official_required
@require_POST
def proposal_confirm(request: HttpRequest, proposal_id: int) -> HttpResponse:
    return _proposal_act(
        request,
        lambda official: services.refusal_confirm(official=official, proposal_id=proposal_id),
    )


@official_required
@require_POST
def proposal_reject(request: HttpRequest, proposal_id: int) -> HttpResponse:
    note = request.POST.get("note", "")
    return _proposal_act(
        request,
        lambda official: services.refusal_reject(
            official=official, proposal_id=proposal_id, note=note
        ),
    )


@official_required
def supervisor(request: HttpRequest) -> HttpResponse:
    """Per supervised agency: the team's load, breached deadlines and unassigned cases."""
    agencies = selectors.office_agencies(_official(request), Role.SUPERVISOR)
    if not agencies:
        return _error(request, DomainError("not_supervisor", services.NOT_SUPERVISOR, status=403))
    catalog = get_catalog()
    teams = [
        {
            "agency": catalog.agencies[code].names.get(_lang())
            if code in catalog.agencies
            else code,
            "load": selectors.team_load(agency_code=code),
            "breaches": [
                (case, _service_name(case.service_code))
                for case in selectors.breaches(agency_code=code)[:100]
            ],
            "unassigned": [
                (case, _service_name(case.service_code))
                for case in selectors.unassigned_cases(agency_code=code)[:100]
            ],
        }
        for code in agencies
    ]
    return render(request, "office/supervisor.html", {"teams": teams})
