from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models


class UserManager(BaseUserManager["User"]):
    def create_user(self, personal_number: str, password: str | None = None, **extra: Any) -> User:
        user = self.model(personal_number=personal_number, **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(
        self, personal_number: str, password: str | None = None, **extra: Any
    ) -> User:
        return self.create_user(
            personal_number, password, is_staff=True, is_superuser=True, **extra
        )


class User(AbstractBaseUser, PermissionsMixin):
    """A person: a citizen by personal number, and possibly an official of an agency.

    The personal number can change (a decree allows re-assignment), so it is a unique attribute,
    never the primary key.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    personal_number = models.CharField(max_length=14, unique=True)
    full_name = models.CharField(max_length=200)
    language = models.CharField(max_length=2, default="ky")
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "personal_number"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.personal_number


class Role(models.TextChoices):
    OFFICIAL = "official", "official"
    SUPERVISOR = "supervisor", "supervisor"
    AGENCY_ADMIN = "agency_admin", "agency admin"
    AUDITOR = "auditor", "auditor"
    OVERSIGHT = "oversight", "oversight"


class OfficialRole(models.Model):
    """A role a person holds in an agency (agency codes are catalogue data)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="official_roles")
    agency_code = models.CharField(max_length=16)
    role = models.CharField(max_length=16, choices=Role.choices)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency_code", "role"], name="unique_official_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.role}@{self.agency_code}"


class ApiToken(models.Model):
    """A bearer token for the JSON API; only its SHA-256 is stored."""

    token_hash = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"token for {self.user_id}"


class TotpDevice(models.Model):
    """An official's second factor (RFC 6238). ``last_step`` refuses a code used once already."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp_device")
    secret = models.CharField(max_length=64)
    last_step = models.BigIntegerField(default=0)
    # Failed log-ins in a row; at the limit the account is locked for a while (a six-digit code
    # must not be guessable by trying).
    failures = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"TOTP of {self.user_id}"
