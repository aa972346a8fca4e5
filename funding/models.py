from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from disclosures.currencies import CURRENCY_CHOICES


class Agency(models.Model):
    name = models.CharField(_("name"), max_length=300, unique=True)
    short_name = models.CharField(_("short name"), max_length=30, unique=True)
    country = CountryField(_("country"))

    class Meta:
        verbose_name = _("funding agency")
        verbose_name_plural = _("funding agencies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.short_name


class ProgrammeQuerySet(models.QuerySet):
    def open_on(self, day):
        return self.filter(opens_on__lte=day, closes_on__gte=day)


class Programme(models.Model):
    """A call for proposals of one agency, open between two dates."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="programmes"
    )
    code = models.CharField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("call title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("deadline"))
    declaration_required = models.BooleanField(_("declaration required"), default=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["closes_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")),
                name="programme_closes_after_opening",
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency.short_name} · {self.title}"

    def is_open(self, day=None) -> bool:
        day = day or timezone.localdate()
        return self.opens_on <= day <= self.closes_on


class Application(models.Model):
    """One researcher's proposal to one programme. Its declaration is versioned apart."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")  # certified, waiting for the research office
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        ENDORSED = "endorsed", _("Endorsed to the agency")

    researcher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("researcher"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    # The institution the researcher applied through; it decides which research office reviews.
    institution = models.ForeignKey(
        "accounts.Institution",
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    title = models.CharField(_("project title"), max_length=300)
    objectives = models.TextField(_("abstract and objectives"))
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    requested_amount = models.DecimalField(
        _("requested amount"),
        max_digits=15,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES)
    effort_percent = models.DecimalField(
        # xgettext:no-python-format
        _("effort (% of working time)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    # Set when a restriction was imposed while this application was in flight.
    held_by_restriction = models.ForeignKey(
        "enforcement.Restriction",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="held_applications",
        verbose_name=_("held by restriction"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="application_period_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(effort_percent__gte=0) & models.Q(effort_percent__lte=100),
                name="application_effort_0_100",
            ),
            models.CheckConstraint(
                condition=models.Q(requested_amount__gte=0),
                name="application_amount_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ReviewComment(models.Model):
    """What a research office says about an application: a comment, a request for changes
    (the researcher sees it and amends) or the endorsement to the agency."""

    class Kind(models.TextChoices):
        COMMENT = "comment", _("Comment")
        CHANGE_REQUEST = "change_request", _("Request for changes")
        ENDORSEMENT = "endorsement", _("Endorsement")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="review_comments"
    )
    version = models.ForeignKey(
        "disclosures.DeclarationVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="review_comments",
        verbose_name=_("declaration version"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_comments"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    body = models.TextField(_("text"), blank=True)
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        verbose_name = _("review comment")
        verbose_name_plural = _("review comments")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.application}"
