"""Beneficiary accounts and the one-time codes sent to their mobiles."""

import hashlib
import hmac

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from musaned.core.models import BaseModel
from musaned.identity.phone import mask_mobile
from musaned.identity.saudi_id import IdType, mask_id, validate_saudi_id


class User(AbstractUser):
    """A person who signs in: a beneficiary (has an ID number) or a staff member.

    ``id_type`` always follows the ID number's first digit; the client never
    sets it. A beneficiary account is usable once ``activated_at`` is set,
    i.e. after the SMS activation code was entered.
    """

    national_id = models.CharField(
        _("ID number"),
        max_length=10,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_saudi_id],
    )
    id_type = models.CharField(_("ID type"), max_length=10, choices=IdType.choices, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    mobile = models.CharField(_("mobile"), max_length=16, blank=True)
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True)
    privacy_notice_version = models.CharField(
        _("privacy notice version"), max_length=20, blank=True
    )
    privacy_consent_at = models.DateTimeField(_("privacy consent given at"), null=True, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=5, choices=settings.LANGUAGES, default="ar"
    )

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                Lower("email"), condition=~models.Q(email=""), name="user_email_unique_ci"
            ),
            models.UniqueConstraint(Lower("username"), name="user_username_unique_ci"),
            models.CheckConstraint(
                condition=(
                    models.Q(national_id__isnull=True, id_type="")
                    | models.Q(id_type="citizen", national_id__startswith="1")
                    | models.Q(id_type="resident", national_id__startswith="2")
                ),
                name="user_id_type_matches_first_digit",
            ),
        ]

    @property
    def is_activated(self) -> bool:
        return self.activated_at is not None

    @property
    def masked_id(self) -> str:
        return mask_id(self.national_id or "")

    @property
    def masked_mobile(self) -> str:
        return mask_mobile(self.mobile) if self.mobile else ""


class CodePurpose(models.TextChoices):
    ACTIVATION = "activation", _("account activation")
    LOGIN = "login", _("sign-in")
    PASSWORD_RESET = "password_reset", _("password reset")
    SIGNATURE = "signature", _("signing a contract")


def hash_code(code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, code.encode(), hashlib.sha256).hexdigest()


class OneTimeCode(BaseModel):
    """A six-digit code sent by SMS. Stored only as an HMAC; single use; expires.

    ``attempt`` binds the code to the browser session that asked for it (a
    random token kept in that session), so a code cannot be used elsewhere.

    A code belongs to an account (``user``), or, for a registration, to the mobile it
    was sent to (``mobile``, no ``user``): the account is made only when that code comes
    back (docs/decisions/0010-accounts-made-when-the-mobile-is-proven.md).
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="one_time_codes", null=True, blank=True
    )
    mobile = models.CharField(max_length=16, blank=True)
    purpose = models.CharField(max_length=20, choices=CodePurpose.choices)
    attempt = models.CharField(max_length=64, db_index=True)
    code_hash = models.CharField(max_length=64)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    failed_tries = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["user", "purpose", "created_at"]),
            models.Index(fields=["mobile", "purpose", "created_at"], name="onetimecode_mobile_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False, mobile="")
                | (models.Q(user__isnull=True) & ~models.Q(mobile="")),
                name="onetimecode_user_or_mobile",
            )
        ]

    def __str__(self) -> str:
        if self.user_id is None:
            return f"{self.purpose} code for a registration"
        return f"{self.purpose} code for user {self.user_id}"

    @property
    def is_usable(self) -> bool:
        return (
            self.used_at is None
            and self.expires_at > timezone.now()
            and self.failed_tries < settings.MUSANED_CODE_MAX_ATTEMPTS
        )

    def matches(self, code: str) -> bool:
        return hmac.compare_digest(self.code_hash, hash_code(code))
