"""Aggregates the oversight pages read instead of the raw applications table.

Every row is derived: `aggregates.aggregates_refresh` deletes and rebuilds the rows of a range of
days from the platform's own records, so a refresh is idempotent and an incremental refresh of
recent days gives the same rows as a full rebuild. Days are local dates (Asia/Bishkek).
"""

from __future__ import annotations

from django.db import models


class ServiceDay(models.Model):
    """What happened to one service's applications on one day.

    Submissions count on the day of submission; decisions, breaches and ratings on the day of
    decision; reassignments on the day of the reassignment.
    """

    day = models.DateField()
    service_code = models.CharField(max_length=10)
    agency_code = models.CharField(max_length=16)
    submitted = models.IntegerField(default=0)
    proactive = models.IntegerField(default=0)  # started by the platform, not by the citizen
    decided = models.IntegerField(default=0)
    decided_auto = models.IntegerField(default=0)  # no official took part in the decision
    approved = models.IntegerField(default=0)
    rejected = models.IntegerField(default=0)
    breaches = models.IntegerField(default=0)  # decided after the legal deadline
    working_days_sum = models.BigIntegerField(default=0)
    reassignments = models.IntegerField(default=0)
    ratings = models.IntegerField(default=0)
    ratings_sum = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "service_code"], name="one_service_day")
        ]
        indexes = [models.Index(fields=["agency_code", "day"])]

    def __str__(self) -> str:
        return f"{self.service_code} {self.day}"


class DurationCount(models.Model):
    """A histogram of decision times: decisions of a service on a day that took N working days."""

    day = models.DateField()
    service_code = models.CharField(max_length=10)
    agency_code = models.CharField(max_length=16)
    working_days = models.IntegerField()
    decided = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "service_code", "working_days"], name="one_duration_bucket"
            )
        ]
        indexes = [models.Index(fields=["day"])]

    def __str__(self) -> str:
        return f"{self.service_code} {self.day} {self.working_days}wd: {self.decided}"


class RefusalCount(models.Model):
    """Refusals of a service on a day by reason code ("auto_rule" for a rule's refusal)."""

    day = models.DateField()
    service_code = models.CharField(max_length=10)
    agency_code = models.CharField(max_length=16)
    refusal_code = models.CharField(max_length=40)
    refused = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "service_code", "refusal_code"], name="one_refusal_bucket"
            )
        ]
        indexes = [models.Index(fields=["day"])]

    def __str__(self) -> str:
        return f"{self.service_code} {self.day} {self.refusal_code}: {self.refused}"


class OfficialDay(models.Model):
    """One official's decisions and looks at personal data for one service on one day."""

    day = models.DateField()
    official_id = models.UUIDField()
    agency_code = models.CharField(max_length=16)
    service_code = models.CharField(max_length=10)
    decided = models.IntegerField(default=0)
    refused = models.IntegerField(default=0)
    working_days_sum = models.BigIntegerField(default=0)
    data_accesses = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "official_id", "service_code"], name="one_official_day"
            )
        ]
        indexes = [models.Index(fields=["day"])]

    def __str__(self) -> str:
        return f"{self.official_id} {self.service_code} {self.day}"


class RefreshState(models.Model):
    """The last refresh, so pages can say how fresh their numbers are."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    refreshed_at = models.DateTimeField()
    since = models.DateField()
    until = models.DateField()

    def __str__(self) -> str:
        return f"refreshed {self.refreshed_at}"


class PublishedFile(models.Model):
    """An open-data file as last published: the same bytes until the next refresh publishes anew."""

    name = models.CharField(max_length=40, primary_key=True)  # "services-daily.csv"
    content = models.TextField()
    published_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name
