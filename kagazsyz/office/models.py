"""What the back office adds to an application: questions to the citizen, four-eyes refusal
proposals, and escalations of breached deadlines."""

from django.conf import settings
from django.db import models

from kagazsyz.applications.models import Application


class InformationRequest(models.Model):
    """An official's question the citizen reads; the answer puts the case back in review."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="information_requests"
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    question = models.TextField(max_length=2000)
    asked_at = models.DateTimeField()
    answer = models.TextField(max_length=4000, blank=True)
    answered_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["asked_at", "id"]

    def __str__(self) -> str:
        return f"question on {self.application_id}"


class ProposalStatus(models.TextChoices):
    OPEN = "open", "open"
    CONFIRMED = "confirmed", "confirmed"
    REJECTED = "rejected", "rejected"


class RefusalProposal(models.Model):
    """The first official's refusal of a four-eyes service; a second official decides on it."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="refusal_proposals"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason_code = models.CharField(max_length=40)
    text = models.TextField(max_length=2000)
    proposed_at = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.OPEN
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True)
    note = models.TextField(max_length=2000, blank=True)

    class Meta:
        ordering = ["proposed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=models.Q(status="open"),
                name="one_open_refusal_proposal",
            )
        ]

    def __str__(self) -> str:
        return f"refusal proposal {self.pk} on {self.application_id}"


class Escalation(models.Model):
    """A case past its legal deadline, brought to the agency's supervisors (once per case)."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="escalation"
    )
    agency_code = models.CharField(max_length=16, db_index=True)
    due_on = models.DateField()
    escalated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"escalation of {self.application_id}"
