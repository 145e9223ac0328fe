"""Background work of the ledger: integrate pending entries into the Merkle tree."""

from __future__ import annotations

from kagazsyz.ledger.tree import ledger_sequence
from kagazsyz.tasks.registry import task


@task("ledger.sequence", max_attempts=50, lease_seconds=300)
def sequence(*, max_batches: int = 100) -> None:
    """Run the sequencer until nothing is pending (or ``max_batches`` batches of 1000)."""
    for _ in range(max_batches):
        if ledger_sequence(max_batch=1000) < 1000:
            break
