"""Deny by default: every view declares who may use it; a test walks the URLs to check."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

View = TypeVar("View", bound=Callable[..., HttpResponse])


def public(view: View) -> View:
    view.access = "public"  # type: ignore[attr-defined]
    return view


def citizen_required(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return HttpResponseRedirect(
                f"{reverse('web:login')}?{urlencode({'next': request.get_full_path()})}"
            )
        return view(request, *args, **kwargs)

    wrapper.access = "citizen"  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]


OVERSIGHT_ROLES = ("oversight", "auditor")


def oversight_required(view: View) -> View:
    """The oversight body and auditors: the non-public oversight pages and signals."""
    from kagazsyz.accounts.models import OfficialRole

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return HttpResponseRedirect(
                f"{reverse('web:login')}?{urlencode({'next': request.get_full_path()})}"
            )
        if not OfficialRole.objects.filter(user=request.user, role__in=OVERSIGHT_ROLES).exists():
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapper.access = "oversight"  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]
