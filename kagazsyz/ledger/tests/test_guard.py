import pytest

from kagazsyz.ledger.services import ledger_append


def test_append_outside_the_changes_transaction_is_refused() -> None:
    """Checked before any query: an event without its change (or a change without its event) is a bug."""
    with pytest.raises(RuntimeError, match="inside the transaction"):
        ledger_append(kind="test.event", payload={})
