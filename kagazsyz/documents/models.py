import uuid

from django.conf import settings
from django.db import models


class Document(models.Model):
    """An issued document. Its claims are signed; the PDF and the QR payload carry them."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = models.CharField(max_length=32, unique=True)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="documents"
    )
    source_ref = models.CharField(max_length=64, db_index=True)  # the application's id
    doc_type = models.CharField(max_length=64)
    agency_code = models.CharField(max_length=16)
    titles = models.JSONField()  # {"ky", "ru", "en"}
    claims = models.JSONField()  # [{"name", "labels": {...}, "value"}]
    issued_at = models.DateTimeField()
    valid_until = models.DateTimeField(null=True)
    key_id = models.CharField(max_length=64)
    qr_payload = models.TextField()
    pdf = models.BinaryField()
    revoked_at = models.DateTimeField(null=True)
    revocation_reason = models.CharField(max_length=500, blank=True)
    # the document's bit in the revocation status list (status_list.py); never changes once set
    status_index = models.PositiveIntegerField(null=True, unique=True, editable=False)

    def __str__(self) -> str:
        return self.number


class Verification(models.Model):
    """One online verification of a document, so its holder can see when it was checked.

    Nothing about the verifier is kept: no user, address, device or place; only when, through
    which channel, what the answer was, and whether a selective disclosure was shown."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="verifications")
    at = models.DateTimeField()
    channel = models.CharField(max_length=16)  # "web" or "api"
    verdict = models.CharField(max_length=16)
    selective = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["document", "-at"])]

    def __str__(self) -> str:
        return f"{self.document_id} {self.at:%Y-%m-%d %H:%M} {self.channel}"
