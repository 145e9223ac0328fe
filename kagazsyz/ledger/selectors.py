"""Reads of the ledger for the people its events are about."""

from __future__ import annotations

import json
from typing import Any

from kagazsyz.ledger.models import Entry, TreeHead


def events_with_proofs(*, refs: list[str]) -> list[dict[str, Any]]:
    """The events about these applications or documents, each with its leaf index and the
    signed tree head that proves it, or ``None`` while no signed head covers it yet."""
    head_size = (
        TreeHead.objects.order_by("-tree_size").values_list("tree_size", flat=True).first() or 0
    )
    rows = (
        Entry.objects.filter(ref__in=[ref for ref in refs if ref])
        .select_related("leaf")
        .order_by("id")
        .only("id", "kind", "created_at", "leaf__index")
    )
    events = []
    for entry in rows:
        index = getattr(getattr(entry, "leaf", None), "index", None)
        provable = index is not None and index < head_size
        events.append(
            {
                "kind": entry.kind,
                "at": entry.created_at,
                "index": index,
                "tree_size": head_size if provable else None,
            }
        )
    return events


def latest_event_payload(*, kind: str) -> dict[str, Any] | None:
    """The canonical content of the newest event of ``kind``, or None."""
    canonical = (
        Entry.objects.filter(kind=kind).order_by("-id").values_list("canonical", flat=True).first()
    )
    return json.loads(canonical) if canonical else None
