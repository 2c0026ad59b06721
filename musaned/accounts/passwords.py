"""Password rules beyond Django's own (QUALITY.md: long passphrases allowed, not the ID)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class MaximumLengthValidator:
    max_length = 128

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                ngettext(
                    "Use at most %(max)d character.",
                    "Use at most %(max)d characters.",
                    self.max_length,
                )
                % {"max": self.max_length},
                code="password_too_long",
            )

    def get_help_text(self) -> str:
        return ngettext(
            "Up to %(max)d character; a long passphrase is welcome.",
            "Up to %(max)d characters; a long passphrase is welcome.",
            self.max_length,
        ) % {"max": self.max_length}


class NotTheNationalIdValidator:
    def validate(self, password: str, user: Any = None) -> None:
        national_id = getattr(user, "national_id", None)
        if national_id and national_id in password:
            raise ValidationError(
                _("Your password must not contain your ID number."), code="password_has_id"
            )

    def get_help_text(self) -> str:
        return _("It must not contain your ID number.")


class NotOnlySpacesValidator:
    """Ten spaces pass the length rule and no list of common passwords has them."""

    def validate(self, password: str, user: Any = None) -> None:
        if not password.strip():
            raise ValidationError(
                _("Your password cannot be only spaces."), code="password_only_spaces"
            )

    def get_help_text(self) -> str:
        return _("It cannot be only spaces.")
