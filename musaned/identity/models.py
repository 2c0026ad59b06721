"""The local identity registry: the stand-in for the national registry (Absher/Yakeen)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from musaned.core.models import BaseModel
from musaned.identity.saudi_id import IdType, validate_saudi_id


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class RegistryPerson(BaseModel):
    """A person as the national registry knows them. Loaded by ``import_registry``.

    Nothing from here is ever shown to someone who only typed an ID number:
    registration compares what the person typed with this row and answers
    "matches" or "does not match".
    """

    national_id = models.CharField(
        _("ID number"), max_length=10, unique=True, validators=[validate_saudi_id]
    )
    id_type = models.CharField(_("ID type"), max_length=10, choices=IdType.choices)
    first_name_ar = models.CharField(_("first name (Arabic)"), max_length=60)
    family_name_ar = models.CharField(_("family name (Arabic)"), max_length=60)
    first_name_en = models.CharField(_("first name (English)"), max_length=60)
    family_name_en = models.CharField(_("family name (English)"), max_length=60)
    birth_date = models.DateField(_("date of birth (Gregorian)"))
    nationality = models.CharField(
        _("nationality"), max_length=3, help_text=_("ISO 3166 alpha-3 code, e.g. SAU, EGY.")
    )
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    mobile = models.CharField(
        _("registered mobile"), max_length=16, blank=True, help_text=_("E.164, e.g. +966512345678.")
    )
    disability_exemption = models.BooleanField(_("disability fee exemption"), default=False)
    unpaid_traffic_violations = models.BooleanField(
        _("has unpaid traffic violations"), default=False
    )

    class Meta:
        ordering = ["national_id"]
        verbose_name = _("registry person")
        verbose_name_plural = _("registry people")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(id_type="citizen", national_id__startswith="1")
                    | models.Q(id_type="resident", national_id__startswith="2")
                ),
                name="registry_id_type_matches_first_digit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name_en} {self.family_name_en}"
