from django.db import models


class SandboxResident(models.Model):
    """A synthetic resident as the sandbox registries know them: every dataset in one document.

    Stands in for the agencies' own databases in the demo and in tests; never used in production.
    """

    personal_number = models.CharField(max_length=14, unique=True)
    datasets = models.JSONField()

    def __str__(self) -> str:
        return self.personal_number


class Outcome(models.TextChoices):
    OK = "ok", "ok"
    NOT_FOUND = "not_found", "not found"
    REFUSED = "refused", "refused"
    UNAVAILABLE = "unavailable", "unavailable"
    MALFORMED = "malformed", "malformed response"


class DataAccess(models.Model):
    """One look at a person's data: a registry query, or an official viewing a case.

    The citizen sees these rows on "who looked at my data".
    """

    at = models.DateTimeField(db_index=True)
    requester_kind = models.CharField(max_length=16)  # "system" or "official"
    requester_ref = models.CharField(max_length=64)  # application number, or official's id
    requester_agency = models.CharField(max_length=16, blank=True)
    subject_personal_number = models.CharField(max_length=14, db_index=True)
    agency = models.CharField(max_length=16)  # agency that holds the data
    registry = models.CharField(max_length=40)
    dataset = models.CharField(max_length=40)
    purpose = models.CharField(max_length=200)
    legal_basis = models.CharField(max_length=16)  # catalogue service code
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    message_id = models.CharField(max_length=64)
    request_hash = models.CharField(max_length=64)
    response_hash = models.CharField(max_length=64, blank=True)
    # The provider's X-Road-Request-Hash: binds the registry's answer to this very request.
    exchange_request_hash = models.CharField(max_length=100, blank=True)

    class Meta:
        indexes = [models.Index(fields=["subject_personal_number", "at"])]

    def __str__(self) -> str:
        return f"{self.registry}.{self.dataset} about {self.subject_personal_number} at {self.at}"


class CaseStatus(models.TextChoices):
    OPEN = "open", "open"
    CLOSED = "closed", "closed"


class DataAccessCase(models.Model):
    """A citizen flagged a look at their data as suspicious.

    The case goes to the data-protection officer of the agency that looked, and to oversight.
    """

    data_access = models.ForeignKey(DataAccess, on_delete=models.PROTECT, related_name="cases")
    opened_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="data_access_cases"
    )
    agency = models.CharField(max_length=16, db_index=True)
    reason = models.TextField(max_length=1000)
    status = models.CharField(max_length=8, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    opened_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["data_access", "opened_by"], name="one_case_per_access_and_person"
            )
        ]

    def __str__(self) -> str:
        return f"case {self.pk} on access {self.data_access_id}"
