"""Deny by default: every view declares who may use it; a test walks the URLs to check."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlencode

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
