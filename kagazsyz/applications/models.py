import uuid

from django.conf import settings
from django.db import models


class Status(models.TextChoices):
    DRAFT = "draft", "draft"
    SUBMITTED = "submitted", "submitted"
    GATHERING_EVIDENCE = "gathering_evidence", "gathering evidence"
    AWAITING_PAYMENT = "awaiting_payment", "awaiting payment"
    IN_REVIEW = "in_review", "in review"
    INFORMATION_REQUESTED = "information_requested", "information requested"
    APPROVED = "approved", "approved"
    ISSUED = "issued", "issued"
    REJECTED = "rejected", "rejected"
    WITHDRAWN = "withdrawn", "withdrawn"


class Application(models.Model):
    """A citizen's request for one catalogue service. ``id`` is in URLs; ``number`` is for people."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = models.CharField(max_length=20, unique=True)
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications"
    )
    service_code = models.CharField(max_length=10, db_index=True)
    service_version = models.PositiveIntegerField()
    agency_code = models.CharField(max_length=16)
    answers = models.JSONField(default=dict)
    status = models.CharField(max_length=24, choices=Status.choices, db_index=True)
    # NULL, not "", when absent: the unique constraint must allow many applications without a key.
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)  # noqa: DJ001
    submitted_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True)
    decision_reason = models.JSONField(null=True)  # {"ky", "ru", "en"} shown to the citizen
    # The agency whose registry did not answer; the work resumes by itself when it does.
    waiting_for = models.CharField(max_length=16, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["citizen", "idempotency_key"], name="unique_idempotency_key_per_citizen"
            )
        ]
        indexes = [models.Index(fields=["citizen", "-submitted_at"])]

    def __str__(self) -> str:
        return self.number


class Transition(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24)
    actor = models.CharField(max_length=64)  # "citizen", "system", or "official:<id>"
    reason = models.TextField(blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} -> {self.to_status}"


class Evidence(models.Model):
    """A registry answer used for this application only."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="evidence")
    alias = models.CharField(max_length=40)
    dataset = models.CharField(max_length=80)
    subject_personal_number = models.CharField(max_length=14)
    payload = models.JSONField()
    data_access_id = models.BigIntegerField()
    fetched_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "alias"], name="unique_evidence_alias")
        ]

    def __str__(self) -> str:
        return f"{self.dataset} for {self.application_id}"


class NumberSequence(models.Model):
    """The last application number handed out in a year (KG-2026-000123)."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"
