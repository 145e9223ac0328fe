"""Appending events to the ledger, always inside the caller's transaction."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import transaction
from django.utils import timezone

from kagazsyz.ledger.models import Entry, Pending


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no insignificant whitespace (RFC 8785 for our value types).

    Entries hold strings, integers, booleans, null, lists and objects; never floats, whose
    RFC 8785 form needs ECMAScript number printing.
    """
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def leaf_hash(canonical: str) -> str:
    return hashlib.sha256(b"\x00" + canonical.encode("utf-8")).hexdigest()


def salted_reference(value: str, *, purpose: str) -> str:
    """A reference to personal data that can be published: a keyed hash, not the value."""
    from django.conf import settings

    key = hashlib.sha256(f"ledger-salt:{settings.SECRET_KEY}".encode()).digest()
    return hashlib.blake2b(f"{purpose}:{value}".encode(), key=key, digest_size=16).hexdigest()


def ledger_append(*, kind: str, payload: dict[str, Any], ref: str = "") -> Entry:
    """Record an event. Must run inside the transaction of the change it describes."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("ledger_append must run inside the transaction of the change")
    now = timezone.now()
    canonical = canonical_json({"kind": kind, "at": now.isoformat(), **payload})
    entry = Entry.objects.create(
        kind=kind, ref=ref, canonical=canonical, leaf_hash=leaf_hash(canonical), created_at=now
    )
    Pending.objects.create(entry=entry)  # the sequencer's queue (see kagazsyz.ledger.tree)
    return entry
