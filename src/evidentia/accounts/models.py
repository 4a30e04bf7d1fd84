"""Staff accounts: roles, units and API tokens."""

from __future__ import annotations

import hashlib
import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone


class Role(models.TextChoices):
    ADMIN = "admin", "Administrator"
    CUSTODIAN = "custodian", "Evidence custodian"
    SUPERVISOR = "supervisor", "Supervisor"
    OFFICER = "officer", "Officer"
    INVESTIGATOR = "investigator", "Investigator"
    STANDARDS_INVESTIGATOR = "standards_investigator", "Professional-standards investigator"
    PROSECUTOR = "prosecutor", "Prosecutor"
    AUDITOR = "auditor", "Auditor"


class Unit(models.Model):
    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    role = models.CharField(max_length=32, choices=Role.choices, default=Role.OFFICER)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT)
    badge_number = models.CharField(max_length=32, blank=True, db_index=True)

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def has_role(self, *roles: str) -> bool:
        return self.is_active and self.role in roles


class Scope(models.TextChoices):
    EVIDENCE_READ = "evidence:read", "Read evidence metadata"
    EVIDENCE_WRITE = "evidence:write", "Ingest evidence"
    CUSTODY_READ = "custody:read", "Read the custody ledger and proofs"


class ApiToken(models.Model):
    """An integration token. Only a SHA-256 of the secret is stored; it is shown once."""

    PREFIX = "evd_"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(max_length=100)
    lookup = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.PREFIX}{self.lookup}…)"

    @staticmethod
    def hash_secret(secret: str) -> str:
        # Tokens carry 256 bits of entropy, so a fast hash is enough; no salt needed.
        return hashlib.sha256(secret.encode()).hexdigest()

    def is_usable(self) -> bool:
        now = timezone.now()
        return (
            self.revoked_at is None
            and (self.expires_at is None or self.expires_at > now)
            and self.user.is_active
        )
