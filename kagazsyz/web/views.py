"""Server-rendered pages. Each view parses the request, calls one service or selector, renders."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth import login, logout
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from kagazsyz.accounts.models import User
from kagazsyz.accounts.services import citizen_sandbox_login
from kagazsyz.applications.selectors import application_get_for_citizen, applications_for_citizen
from kagazsyz.applications.services import application_submit, service_or_error
from kagazsyz.catalog.loader import get_catalog
from kagazsyz.core.errors import DomainError
from kagazsyz.documents.selectors import document_get_for_holder, documents_for_holder
from kagazsyz.documents.services import document_verification_record
from kagazsyz.documents.verification import verify_pdf, verify_qr
from kagazsyz.registries.descriptions import describe_access
from kagazsyz.registries.directory import dataset
from kagazsyz.registries.sandbox.selectors import sample_residents
from kagazsyz.registries.selectors import data_access_agencies, data_access_for_subject
from kagazsyz.registries.services import data_access_flag
from kagazsyz.web import presenters
from kagazsyz.web.access import citizen_required, public


def _citizen(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _lang() -> str:
    return (translation.get_language() or "ky")[:2]


@public
def home(request: HttpRequest) -> HttpResponse:
    catalog = get_catalog()
    return render(
        request,
        "web/home.html",
        {"events": catalog.services_by_life_event(), "agencies": catalog.agencies},
    )


@public
def service_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        service = service_or_error(code)
    except DomainError:
        raise Http404 from None
    fetched = [dataset(item.dataset) for item in service.evidence]
    context = {
        "service": service,
        "agency": get_catalog().agencies[service.agency],
        "fetched": [d for d in fetched if d is not None],
    }
    return render(request, "web/service.html", context)


def _render_apply(
    request: HttpRequest, service: Any, values: dict[str, Any], error: DomainError | None
) -> HttpResponse:
    errors = error.details.get("errors", {}) if error else {}
    fields = presenters.form_fields(service, values, errors, _lang())
    context = {
        "service": service,
        "fields": fields,
        "error": error.localized(_lang()) if error else None,
        "idempotency_key": values.get("_key") or uuid.uuid4().hex,
    }
    return render(request, "web/apply.html", context, status=422 if error else 200)


@citizen_required
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, code: str) -> HttpResponse:
    try:
        service = service_or_error(code)
    except DomainError:
        raise Http404 from None
    if request.method == "GET":  # a journey's invitation opens the form prefilled
        return _render_apply(
            request, service, presenters.answers_from_post(service, request.GET), None
        )
    answers = presenters.answers_from_post(service, request.POST)
    key = request.POST.get("idempotency_key", "")[:100]
    try:
        application = application_submit(
            citizen=_citizen(request),
            service_code=service.code,
            answers=answers,
            idempotency_key=key,
        )
    except DomainError as error:
        return _render_apply(request, service, {**answers, "_key": key}, error)
    return HttpResponseRedirect(reverse("web:application", args=[application.pk]))


@public
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    if not settings.SANDBOX_LOGIN:
        raise Http404
    next_url = request.POST.get("next") or request.GET.get("next") or reverse("web:applications")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("web:applications")
    error = None
    if request.method == "POST":
        try:
            user = citizen_sandbox_login(
                personal_number=request.POST.get("personal_number", "")[:64]
            )
        except DomainError as exc:
            error = exc.localized(_lang())
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return HttpResponseRedirect(next_url)
    context = {"error": error, "next": next_url, "samples": sample_residents()[:8]}
    return render(request, "web/login.html", context, status=422 if error else 200)


@public
@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    language = request.session.get("language")
    logout(request)
    if language:
        request.session["language"] = language
    return HttpResponseRedirect(reverse("web:home"))


@citizen_required
def applications(request: HttpRequest) -> HttpResponse:
    items = applications_for_citizen(citizen=_citizen(request))[:100]
    return render(
        request, "web/applications.html", {"applications": presenters.applications(items, _lang())}
    )


@citizen_required
def application_detail(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    try:
        application = application_get_for_citizen(
            citizen=_citizen(request), application_id=application_id
        )
    except DomainError:
        raise Http404 from None
    return render(
        request, "web/application.html", presenters.application_page(application, _lang())
    )


@citizen_required
def documents(request: HttpRequest) -> HttpResponse:
    items = documents_for_holder(holder=_citizen(request))[:100]
    return render(request, "web/documents.html", {"documents": items})


@citizen_required
def document_pdf(request: HttpRequest, document_id: uuid.UUID) -> HttpResponse:
    try:
        document = document_get_for_holder(holder=_citizen(request), document_id=document_id)
    except DomainError:
        raise Http404 from None
    response = HttpResponse(bytes(document.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{document.number}.pdf"'
    return response


def _date_param(raw: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


@citizen_required
def data_access(request: HttpRequest) -> HttpResponse:
    """Who looked at my data: every registry query and officer's view, in plain words."""
    citizen = _citizen(request)
    agency = request.GET.get("agency", "")[:16]
    since, until = _date_param(request.GET.get("from", "")), _date_param(request.GET.get("to", ""))
    entries = data_access_for_subject(
        personal_number=citizen.personal_number, agency=agency or None, since=since, until=until
    )[:300]
    context = {
        "entries": [(entry, describe_access(entry, _lang())) for entry in entries],
        "agencies": presenters.agency_choices(
            data_access_agencies(personal_number=citizen.personal_number), _lang()
        ),
        "chosen_agency": agency,
        "since": since,
        "until": until,
        "flagged": request.GET.get("flagged") == "1",
    }
    return render(request, "web/data_access.html", context)


@citizen_required
@require_POST
def data_access_flag_view(request: HttpRequest, access_id: int) -> HttpResponse:
    try:
        data_access_flag(
            citizen=_citizen(request),
            data_access_id=access_id,
            reason=request.POST.get("reason", ""),
        )
    except DomainError as error:
        if error.status == 404:
            raise Http404 from None
        return render(
            request,
            "web/data_access_error.html",
            {"error": error.localized(_lang())},
            status=error.status,
        )
    return HttpResponseRedirect(reverse("web:data_access") + "?flagged=1")


@public
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    verdict = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        qr_text = request.POST.get("qr", "").strip()
        if upload is not None:
            verdict = verify_pdf(upload.read(settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1))
            document_verification_record(verdict=verdict, channel="web")
        elif qr_text:
            verdict = verify_qr(qr_text[:8000])
            document_verification_record(verdict=verdict, channel="web")
    context = {
        "verdict": presenters.verdict(verdict, _lang()) if verdict else None,
        "posted": request.method == "POST",
    }
    return render(request, "web/verify.html", context)
