"""A citizen's side of the state: life-event journeys, complaints and ratings.

A journey is one life event (a birth, a death) seen as one case: the trigger application whose
document started it and the follow-up steps the platform takes, offers or schedules.
"""

import uuid

from django.conf import settings
from django.db import models


class StepStatus(models.TextChoices):
    PENDING = "pending", "pending"  # waits for the citizen (a one-click offer, an invitation)
    STARTED = "started", "started"  # an application was submitted; its own status tells the rest
    DONE = "done", "done"
    SKIPPED = "skipped", "skipped"
    SCHEDULED = "scheduled", "scheduled"  # becomes pending at due_at


class StepKind(models.TextChoices):
    APPLICATION = "application", "submitted by the platform"
    OFFER = "offer", "offered for one-click confirmation"
    INVITATION = "invitation", "invitation at the right time"
    NOTICE = "notice", "done by the agencies among themselves"


class Journey(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="journeys"
    )
    life_event = models.CharField(max_length=10)  # the catalogue's life event code
    trigger_application = models.OneToOneField(
        "applications.Application", on_delete=models.PROTECT, related_name="journey"
    )
    # The person the event is about: the newborn child or the deceased.
    subject_personal_number = models.CharField(max_length=14)
    started_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["citizen", "-started_at"])]

    def __str__(self) -> str:
        return f"{self.life_event} {self.pk}"


class JourneyStep(models.Model):
    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="steps")
    key = models.CharField(max_length=20)  # a service code, or the name of a notice
    position = models.PositiveSmallIntegerField()
    service_code = models.CharField(max_length=10, blank=True)
    kind = models.CharField(max_length=12, choices=StepKind.choices)
    status = models.CharField(max_length=10, choices=StepStatus.choices)
    due_at = models.DateTimeField(null=True, db_index=True)
    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, null=True, related_name="+"
    )
    answers = models.JSONField(default=dict)  # the prefilled answers of a follow-up application
    note = models.JSONField(null=True)  # {"ky", "ru", "en"}: what the step did or offers
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["journey", "key"], name="one_step_per_key")]

    def __str__(self) -> str:
        return f"{self.key}: {self.status}"


class ComplaintStatus(models.TextChoices):
    OPEN = "open", "open"
    CLOSED = "closed", "closed"


class Complaint(models.Model):
    """A citizen's complaint that the legal deadline of an application was breached."""

    application = models.OneToOneField(
        "applications.Application", on_delete=models.PROTECT, related_name="complaint"
    )
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="complaints"
    )
    agency_code = models.CharField(max_length=16, db_index=True)
    service_code = models.CharField(max_length=10)
    text = models.TextField(max_length=2000, blank=True)
    status = models.CharField(
        max_length=8, choices=ComplaintStatus.choices, default=ComplaintStatus.OPEN, db_index=True
    )
    filed_at = models.DateTimeField()
    due_on = models.DateField()  # the breached deadline, as it was when the complaint was filed

    def __str__(self) -> str:
        return f"complaint {self.pk} on {self.application_id}"


class Rating(models.Model):
    """The citizen's rating of a closed case (1..5) with an optional comment."""

    application = models.OneToOneField(
        "applications.Application", on_delete=models.PROTECT, related_name="rating_record"
    )
    score = models.PositiveSmallIntegerField()
    comment = models.TextField(max_length=1000, blank=True)
    rated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.score} for {self.application_id}"
