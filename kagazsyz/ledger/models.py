from django.db import models


class Entry(models.Model):
    """One event of the platform, in the canonical JSON form that was hashed.

    Rows are only ever inserted: the leaf hash (RFC 9162: SHA-256 of 0x00 || entry) binds each
    entry, and the database refuses UPDATE and DELETE (see the migration's triggers).
    """

    kind = models.CharField(max_length=64)
    # What the event is about (an application or document number), so a person can find the
    # proofs of their own events without scanning the log. Never personal data.
    ref = models.CharField(max_length=64, blank=True, db_index=True)
    canonical = models.TextField()
    leaf_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "entries"
        indexes = [models.Index(fields=["kind"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind}"


class Pending(models.Model):
    """An entry not yet in the tree: inserted with the entry, deleted when it is sequenced.

    The sequencer's queue. It is the only ledger table whose rows are deleted; an entry that
    has neither a pending row nor a leaf is a fault that ``ledger verify`` reports.
    """

    entry = models.OneToOneField(Entry, on_delete=models.PROTECT, primary_key=True)

    def __str__(self) -> str:
        return f"pending #{self.pk}"


class Leaf(models.Model):
    """Entry ``entry`` is leaf ``index`` of the Merkle tree (indexes are contiguous from 0)."""

    index = models.BigIntegerField(primary_key=True)
    entry = models.OneToOneField(Entry, on_delete=models.PROTECT, related_name="leaf")
    leaf_hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"leaf {self.index}"


class Node(models.Model):
    """The hash of the perfect subtree of 2**level leaves starting at leaf index * 2**level."""

    level = models.PositiveSmallIntegerField()
    index = models.BigIntegerField()
    hash = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["level", "index"], name="ledger_node_level_index")
        ]

    def __str__(self) -> str:
        return f"node {self.level}/{self.index}"


class TreeHead(models.Model):
    """A signed tree head: the root of the first ``tree_size`` leaves at ``timestamp`` (ms)."""

    tree_size = models.BigIntegerField(primary_key=True)
    root_hash = models.CharField(max_length=64)
    timestamp = models.BigIntegerField()
    signature = models.CharField(max_length=256)
    key_id = models.CharField(max_length=16)

    def __str__(self) -> str:
        return f"tree head {self.tree_size}"
