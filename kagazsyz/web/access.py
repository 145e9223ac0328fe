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


# Set by the back office's log-in (password and TOTP) to the official's id; a citizen's session
# never carries it, so the sandbox log-in cannot open the back office.
OFFICE_SESSION_KEY = "office_official"


def official_required(view: View) -> View:
    """An official who passed both factors and still holds a role; a citizen gets 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        from kagazsyz.accounts.models import OfficialRole

        user = request.user
        if not user.is_authenticated:
            return HttpResponseRedirect(
                f"{reverse('office:login')}?{urlencode({'next': request.get_full_path()})}"
            )
        if request.session.get(OFFICE_SESSION_KEY) != str(user.pk) or not (
            OfficialRole.objects.filter(user=user).exists()
        ):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapper.access = "official"  # type: ignore[attr-defined]
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
