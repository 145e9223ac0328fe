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
    # The legal deadline, in working days from submission (kagazsyz.core.workdays).
    due_on = models.DateField(null=True, db_index=True)
    # The official who reviews it; chosen by the system (fair assignment), never by an official.
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="assigned_applications",
    )
    # A refusal's code from the service's list of reasons ("" when not refused).
    refusal_code = models.CharField(max_length=40, blank=True)
    # The citizen's rating of the service, 1..5, once the case is closed.
    rating = models.PositiveSmallIntegerField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["citizen", "idempotency_key"], name="unique_idempotency_key_per_citizen"
            )
        ]
        indexes = [
            models.Index(fields=["citizen", "-submitted_at"]),
            models.Index(fields=["assigned_to", "status", "due_on"]),
            # The oversight aggregates refresh recent days by submission and by decision date.
            models.Index(fields=["submitted_at"]),
            models.Index(fields=["decided_at"]),
        ]

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


class Assignment(models.Model):
    """Who was given a case to review, when, and by whom (NULL: the system's fair assignment)."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="assignments"
    )
    official = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    reason = models.TextField(blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.application_id} -> {self.official_id}"


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
