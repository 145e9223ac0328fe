from __future__ import annotations

from typing import Any

from django import template

from kagazsyz.catalog.loader import get_catalog
from kagazsyz.payments.providers import providers
from kagazsyz.payments.selectors import invoice_for_application

register = template.Library()


@register.inclusion_tag("payments/invoice_panel.html", takes_context=True)
def invoice_panel(context: Any, application: Any) -> dict[str, Any]:
    """The fee of an application on its page: amount, status, and where to pay."""
    service = get_catalog().service(application.service_code)
    if service is None or service.fee_som == 0:
        return {"invoice": None}  # a free service has no invoice: no query
    invoice = invoice_for_application(application_id=application.pk)
    provider = providers().get(invoice.provider) if invoice else None
    request = context.get("request")
    return {
        "invoice": invoice,
        "pay_url": provider.checkout_url(invoice) if invoice and provider else "",
        "just_paid": bool(request and request.GET.get("payment") == "pay"),
    }
