"""The sandbox provider's checkout page (demo only): the invoice and two buttons."""

from __future__ import annotations

import uuid
from typing import Literal

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_http_methods

from kagazsyz.accounts.models import User
from kagazsyz.catalog.loader import get_catalog
from kagazsyz.core.errors import DomainError
from kagazsyz.payments.selectors import invoice_get_for_citizen
from kagazsyz.payments.services import sandbox_checkout
from kagazsyz.web.access import citizen_required

OUTCOMES: dict[str, Literal["succeeded", "failed"]] = {"pay": "succeeded", "decline": "failed"}


@citizen_required
@require_http_methods(["GET", "POST"])
def sandbox_checkout_page(request: HttpRequest, invoice_id: uuid.UUID) -> HttpResponse:
    if not settings.PAYMENTS_SANDBOX:
        raise Http404
    user = request.user
    assert isinstance(user, User)
    try:
        invoice = invoice_get_for_citizen(citizen=user, invoice_id=invoice_id)
    except DomainError:
        raise Http404 from None
    error = None
    if request.method == "POST":
        outcome = OUTCOMES.get(request.POST.get("action", ""))
        if outcome is not None:
            try:
                sandbox_checkout(invoice=invoice, outcome=outcome)
            except DomainError as exc:
                error = exc.localized((translation.get_language() or "ky")[:2])
            else:
                back = reverse("web:application", args=[invoice.application_id])
                return HttpResponseRedirect(f"{back}?payment={request.POST['action']}")
    context = {
        "invoice": invoice,
        "service": get_catalog().service(invoice.service_code),
        "error": error,
    }
    return render(request, "payments/sandbox.html", context, status=409 if error else 200)
