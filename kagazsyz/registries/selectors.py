"""Reads of the data-access log, on behalf of the person the data is about."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, QuerySet

from kagazsyz.registries.models import DataAccess, DataAccessCase


def data_access_for_subject(
    *,
    personal_number: str,
    agency: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[DataAccess]:
    """Every look at this person's data, newest first; ``agency`` is the agency that looked."""
    entries = DataAccess.objects.filter(subject_personal_number=personal_number)
    if agency:
        entries = entries.filter(requester_agency=agency)
    if since:
        entries = entries.filter(at__date__gte=since)
    if until:
        entries = entries.filter(at__date__lte=until)
    flagged = DataAccessCase.objects.filter(data_access=OuterRef("pk"))
    return entries.annotate(flagged=Exists(flagged)).order_by("-at", "-id")


def data_access_agencies(*, personal_number: str) -> list[str]:
    """The agencies that looked at this person's data, for the filter."""
    codes = (
        DataAccess.objects.filter(subject_personal_number=personal_number)
        .exclude(requester_agency="")
        .values_list("requester_agency", flat=True)
        .distinct()
    )
    return sorted(codes)
