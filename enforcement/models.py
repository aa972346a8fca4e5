"""What agency officers do with confirmed flags: cases, findings, restrictions of
eligibility (shared across agencies) and appeals."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _


class Case(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("case status", "Open")
        CLOSED = "closed", pgettext_lazy("case status", "Closed")

    researcher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("researcher"),
    )
    agency = models.ForeignKey(
        "funding.Agency", on_delete=models.PROTECT, related_name="cases", verbose_name=_("agency")
    )
    title = models.CharField(pgettext_lazy("case", "title"), max_length=300)
    notes = models.TextField(_("notes"), blank=True)
    flags = models.ManyToManyField(
        "checks.Flag", blank=True, related_name="cases", verbose_name=_("flags")
    )
    status = models.CharField(
        pgettext_lazy("case", "status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("opened by"),
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_at"]

    def __str__(self) -> str:
        return self.title


class Finding(models.Model):
    class Kind(models.TextChoices):
        FALSE_REPORT = "false_report", _("False report")
        MISSING_REPORT = "missing_report", _("Missing report")
        UNFOUNDED = "unfounded", _("Unfounded")

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="findings", verbose_name=_("case")
    )
    kind = models.CharField(_("finding"), max_length=20, choices=Kind.choices)
    basis = models.TextField(_("basis"), help_text=_("The facts and rules the finding rests on."))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["-recorded_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.case})"


class RestrictionQuerySet(models.QuerySet):
    def in_force(self, on=None):
        """Restrictions that bar the researcher on that day (today by default)."""
        day = on or timezone.localdate()
        return self.filter(starts_on__lte=day, ends_on__gte=day, lifted_at__isnull=True)

    def covering(self, agency):
        """Restrictions whose scope includes programmes of ``agency``."""
        return self.filter(Q(scope=Restriction.Scope.ALL_AGENCIES) | Q(agency=agency))


class Restriction(models.Model):
    """A bar on applying for or receiving funds (応募資格の制限), visible to every agency:
    funders share the names of barred researchers."""

    class Scope(models.TextChoices):
        THIS_AGENCY = "agency", _("This agency's programmes")
        ALL_AGENCIES = "all", _("All agencies' programmes")

    researcher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="restrictions",
        verbose_name=_("researcher"),
    )
    agency = models.ForeignKey(
        "funding.Agency",
        on_delete=models.PROTECT,
        related_name="restrictions",
        verbose_name=_("imposed by agency"),
    )
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    reason = models.TextField(_("reason"))
    finding = models.ForeignKey(
        Finding,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="restrictions",
        verbose_name=_("finding"),
    )
    imposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("imposed by"),
    )
    imposed_at = models.DateTimeField(_("imposed at"), auto_now_add=True)
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("lifted by"),
    )
    lift_reason = models.TextField(_("reason for lifting"), blank=True)

    objects = RestrictionQuerySet.as_manager()

    class Meta:
        verbose_name = _("restriction")
        verbose_name_plural = _("restrictions")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="restriction_period_in_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.researcher} {self.starts_on}–{self.ends_on}"


class Appeal(models.Model):
    class Outcome(models.TextChoices):
        PENDING = "pending", pgettext_lazy("appeal outcome", "Pending")
        UPHELD = "upheld", _("Restriction upheld")
        OVERTURNED = "overturned", _("Restriction overturned")

    restriction = models.ForeignKey(
        Restriction,
        on_delete=models.PROTECT,
        related_name="appeals",
        verbose_name=_("restriction"),
    )
    filed_on = models.DateField(_("filed on"))
    grounds = models.TextField(_("grounds"))
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.PENDING
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decision_notes = models.TextField(_("decision"), blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-filed_on"]

    def __str__(self) -> str:
        return gettext("Appeal against %(restriction)s") % {"restriction": self.restriction}
