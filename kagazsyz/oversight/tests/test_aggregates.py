"""Refreshing the aggregates is idempotent, and refreshing recent days equals a full rebuild."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kagazsyz.accounts.models import User
from kagazsyz.oversight.aggregates import aggregates_rebuild, aggregates_refresh
from kagazsyz.oversight.models import DurationCount, OfficialDay, RefusalCount, ServiceDay
from kagazsyz.oversight.tests.cases import application, person

WINDOW = 20  # days refreshed incrementally


def snapshot() -> dict[str, list[tuple[object, ...]]]:
    found = {}
    for model in (ServiceDay, DurationCount, RefusalCount, OfficialDay):
        fields = [f.attname for f in model._meta.concrete_fields if f.attname != "id"]
        found[model.__name__] = sorted(model.objects.values_list(*fields))
    return found


cases = st.lists(
    st.tuples(
        st.sampled_from([("ID-01", "DRN", 12), ("WORK-04", "GNS", 0), ("PEN-01", "SF", 10)]),
        st.integers(0, 60),  # submitted this many days ago
        st.one_of(st.none(), st.integers(0, 25)),  # decided this many days later (None: open)
        st.booleans(),  # refused
        st.booleans(),  # by an official
        st.one_of(st.none(), st.integers(1, 5)),  # rating
    ),
    max_size=12,
)


def _add(citizen: User, official: User, items, *, recent_only: bool) -> None:
    for (service, agency, deadline), ago, after, refused, by_official, rating in items:
        if recent_only:
            ago = ago % WINDOW
            after = None if after is None else min(after, ago)
        submitted = dt.datetime.now(dt.UTC) - dt.timedelta(days=ago, hours=1)
        decided = (
            None
            if after is None
            else min(submitted + dt.timedelta(days=after), dt.datetime.now(dt.UTC))
        )
        application(
            citizen=citizen, service=service, agency=agency, deadline=deadline,
            submitted=submitted, decided=decided,
            status=("rejected" if refused else "issued") if decided else "in_review",
            decider=f"official:{official.pk}" if by_official else "system",
            official=official if by_official else None,
            refusal_code="not_eligible" if refused and by_official else "",
            rating=rating if decided else None,
        )  # fmt: skip


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(old=cases, recent=cases)
def test_incremental_refresh_equals_full_rebuild(citizen, old, recent) -> None:
    with transaction.atomic():
        official = User.objects.filter(personal_number="60000000000009").first() or person(
            "60000000000009", "O", ("DRN", "official")
        )
        _add(citizen, official, old, recent_only=False)
        aggregates_rebuild()
        before = snapshot()
        aggregates_rebuild()
        assert snapshot() == before  # idempotent
        _add(citizen, official, recent, recent_only=True)
        today = timezone.localdate()
        aggregates_refresh(since=today - dt.timedelta(days=WINDOW + 1), until=today)
        incremental = snapshot()
        aggregates_rebuild()
        assert snapshot() == incremental
        transaction.set_rollback(True)
