"""The holder's page of one document: its facts, when it was verified, and sharing one fact of
it as a selective disclosure (SD-JWT)."""

from __future__ import annotations

import uuid
from typing import Any

import segno
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_http_methods

from kagazsyz.accounts.models import User
from kagazsyz.core.errors import DomainError
from kagazsyz.documents.models import Document
from kagazsyz.documents.sd_jwt import DERIVED_LABELS, disclosable_claims, sd_jwt_present
from kagazsyz.documents.selectors import document_get_for_holder, verifications_for_document
from kagazsyz.documents.services import document_pdf_with_english
from kagazsyz.web.access import citizen_required

YES_NO = {
    True: {"ky": "Ооба", "ru": "Да", "en": "Yes"},
    False: {"ky": "Жок", "ru": "Нет", "en": "No"},
}
QR_LIMIT = 2_000  # characters; a longer presentation is shown as text only


def _shown(value: Any, language: str) -> str:
    return YES_NO[value][language] if isinstance(value, bool) else str(value)


def _choices(document: Document, language: str) -> list[dict[str, str]]:
    labels = {claim["name"]: claim.get("labels") or {} for claim in document.claims}
    labels.update(DERIVED_LABELS)
    return [
        {
            "name": name,
            "label": str(labels.get(name, {}).get(language) or name),
            "value": _shown(value, language),
        }
        for name, value in disclosable_claims(document).items()
    ]


def _holder_document(request: HttpRequest, document_id: uuid.UUID) -> Document:
    user = request.user
    assert isinstance(user, User)
    try:
        return document_get_for_holder(holder=user, document_id=document_id)
    except DomainError:
        raise Http404 from None


def _qr_svg(text: str) -> str | None:
    if len(text) > QR_LIMIT:
        return None
    return segno.make(text, error="l", micro=False).svg_inline(scale=3, border=4)


@citizen_required
@require_http_methods(["GET", "POST"])
def document_detail(request: HttpRequest, document_id: uuid.UUID) -> HttpResponse:
    document = _holder_document(request, document_id)
    language = (translation.get_language() or "ky")[:2]
    choices = _choices(document, language)
    presentation, chosen, error = None, "", False
    if request.method == "POST":
        chosen = request.POST.get("claim", "")
        if chosen in {choice["name"] for choice in choices} and document.revoked_at is None:
            presentation = sd_jwt_present(document, [chosen])
        else:
            error = True
    context = {
        "document": document,
        "choices": choices,
        "chosen": chosen,
        "presentation": presentation,
        "presentation_qr": _qr_svg(presentation) if presentation else None,
        "error": error,
        "verifications": verifications_for_document(document=document),
    }
    return render(request, "documents/detail.html", context, status=400 if error else 200)


@citizen_required
@require_http_methods(["GET"])
def document_pdf_english(request: HttpRequest, document_id: uuid.UUID) -> HttpResponse:
    """The document with English added, made and signed now; it verifies like the original."""
    document = _holder_document(request, document_id)
    try:
        pdf = document_pdf_with_english(document)
    except DomainError as error:
        message = error.localized((translation.get_language() or "ky")[:2])
        return HttpResponse(message, status=error.status, content_type="text/plain; charset=utf-8")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{document.number}-en.pdf"'
    return response
