"""Reads of invoices, always for the citizen who asks."""

from __future__ import annotations

from typing import Any

from kagazsyz.accounts.models import User
from kagazsyz.core.errors import NOT_FOUND, NotFound
from kagazsyz.payments.models import Invoice


def invoice_get_for_citizen(*, citizen: User, invoice_id: Any) -> Invoice:
    invoice = (
        Invoice.objects.select_related("application").filter(pk=invoice_id, citizen=citizen).first()
    )
    if invoice is None:
        raise NotFound(NOT_FOUND)
    return invoice


def invoice_for_application(*, application_id: Any) -> Invoice | None:
    return Invoice.objects.filter(application_id=application_id).first()
