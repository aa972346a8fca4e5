from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from .validators import validate_ror_id


class Institution(models.Model):
    """A university or research institute; its research office reviews its members' filings."""

    name = models.CharField(_("name"), max_length=300, unique=True)
    name_local = models.CharField(_("name in local script"), max_length=300, blank=True)
    ror_id = models.CharField(_("ROR id"), max_length=9, blank=True, validators=[validate_ror_id])
    country = CountryField(_("country"))

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    class Role(models.TextChoices):
        RESEARCHER = "researcher", _("Researcher")
        RESEARCH_OFFICE = "research_office", _("Research office")
        AGENCY_OFFICER = "agency_officer", _("Agency officer")
        ADMINISTRATOR = "administrator", _("Administrator")

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.RESEARCHER)
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution (research office staff)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="office_staff",
    )
    agency = models.ForeignKey(
        "funding.Agency",
        verbose_name=_("agency (officers)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="officers",
    )
    language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=[("en", "English"), ("ja", "日本語")],
        default="en",
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # A research office works for exactly one institution, an officer for one agency.
            models.CheckConstraint(
                condition=~models.Q(role="research_office") | models.Q(institution__isnull=False),
                name="research_office_has_institution",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="agency_officer") | models.Q(agency__isnull=False),
                name="agency_officer_has_agency",
            ),
        ]

    @property
    def is_researcher(self) -> bool:
        return self.role == self.Role.RESEARCHER

    @property
    def is_research_office(self) -> bool:
        return self.role == self.Role.RESEARCH_OFFICE

    @property
    def is_agency_officer(self) -> bool:
        return self.role == self.Role.AGENCY_OFFICER

    @property
    def is_administrator(self) -> bool:
        return self.is_superuser or self.role == self.Role.ADMINISTRATOR
