from django.db import models


class Entry(models.Model):
    """One event of the platform, in the canonical JSON form that was hashed.

    Rows are only ever inserted: the leaf hash (RFC 9162: SHA-256 of 0x00 || entry) binds each
    entry, and the database refuses UPDATE and DELETE (see the migration's triggers).
    """

    kind = models.CharField(max_length=64)
    canonical = models.TextField()
    leaf_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "entries"
        indexes = [models.Index(fields=["kind"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind}"
