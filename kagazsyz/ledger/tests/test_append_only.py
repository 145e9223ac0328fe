import pytest
from django.db import DatabaseError, connection, transaction

from kagazsyz.ledger.models import Entry
from kagazsyz.ledger.services import canonical_json, leaf_hash, ledger_append

pytestmark = pytest.mark.django_db


def test_entries_are_canonical_and_hashed_as_rfc9162_leaves() -> None:
    with transaction.atomic():
        entry = ledger_append(kind="test.event", payload={"b": 1, "a": "Ү"})
    assert entry.canonical.startswith('{"a":"Ү","at":')
    assert entry.leaf_hash == leaf_hash(entry.canonical)
    assert canonical_json({"z": [1, {"y": None}], "a": True}) == '{"a":true,"z":[1,{"y":null}]}'


@pytest.mark.parametrize(
    "statement", ["UPDATE ledger_entry SET kind = 'x'", "DELETE FROM ledger_entry"]
)
def test_database_refuses_to_rewrite_history(statement: str) -> None:
    with transaction.atomic():
        ledger_append(kind="test.event", payload={"n": 1})
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert Entry.objects.filter(kind="test.event").exists()
