"""Researcher profiles and versioned declarations.

A declaration belongs to one application and has numbered versions. A draft
version is editable; certifying it freezes its content for good: the model
layer refuses any change to a certified version or its rows.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField

from accounts.validators import validate_ror_id

from .currencies import CURRENCY_CHOICES
from .validators import validate_orcid, validate_researcher_number


class CertifiedVersionImmutable(Exception):
    """Raised on any attempt to change or delete a certified declaration version or its rows."""


class ResearcherProfile(models.Model):
    """One per researcher, reused by every application."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="researcher_profile"
    )
    researcher_number = models.CharField(
        _("researcher number"),
        max_length=8,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_researcher_number],
        help_text=_("The 8-digit e-Rad researcher number, if you have one."),
    )
    orcid = models.CharField(
        _("ORCID iD"),
        max_length=19,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_orcid],
    )
    family_name_latin = models.CharField(_("family name (Latin script)"), max_length=100)
    given_name_latin = models.CharField(_("given name (Latin script)"), max_length=100)
    family_name_kanji = models.CharField(_("family name (kanji)"), max_length=100, blank=True)
    given_name_kanji = models.CharField(_("given name (kanji)"), max_length=100, blank=True)
    family_name_kana = models.CharField(_("family name (kana)"), max_length=100, blank=True)
    given_name_kana = models.CharField(_("given name (kana)"), max_length=100, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("researcher profile")
        verbose_name_plural = _("researcher profiles")

    def __str__(self) -> str:
        return self.name_latin

    @property
    def name_latin(self) -> str:
        return f"{self.given_name_latin} {self.family_name_latin}".strip()

    @property
    def name_kanji(self) -> str:
        return f"{self.family_name_kanji} {self.given_name_kanji}".strip()

    @property
    def name_kana(self) -> str:
        return f"{self.family_name_kana} {self.given_name_kana}".strip()

    @property
    def primary_affiliation(self):
        return self.affiliations.filter(is_primary=True).select_related("institution").first()


class Affiliation(models.Model):
    profile = models.ForeignKey(
        ResearcherProfile, on_delete=models.CASCADE, related_name="affiliations"
    )
    institution = models.ForeignKey(
        "accounts.Institution", verbose_name=_("institution"), on_delete=models.PROTECT
    )
    department = models.CharField(_("department"), max_length=200, blank=True)
    job_title = models.CharField(_("job title"), max_length=200)
    is_primary = models.BooleanField(_("primary affiliation"), default=False)

    class Meta:
        verbose_name = _("affiliation")
        verbose_name_plural = _("affiliations")
        ordering = ["-is_primary", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile"],
                condition=models.Q(is_primary=True),
                name="one_primary_affiliation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.job_title}, {self.institution}"


def _document_path(instance, filename):
    # Never keep the uploader's file name on disk; it is stored as metadata only.
    return f"documents/{instance.id.hex[:2]}/{instance.id.hex}.pdf"


class Document(models.Model):
    """An uploaded PDF (a contract). Stored outside any public root, served through a
    view that checks access. Its SHA-256 is part of the certified content."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    file = models.FileField(upload_to=_document_path)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="documents"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.original_name


class Declaration(models.Model):
    application = models.OneToOneField(
        "funding.Application", on_delete=models.PROTECT, related_name="declaration"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("declaration")
        verbose_name_plural = _("declarations")

    def __str__(self) -> str:
        return str(self.application)


class DeclarationVersionQuerySet(models.QuerySet):
    def certified(self):
        return self.filter(status=DeclarationVersion.Status.CERTIFIED)

    def _refuse_if_certified(self):
        if self.certified().exists():
            raise CertifiedVersionImmutable(_("A certified declaration version cannot change."))

    def update(self, **kwargs):
        self._refuse_if_certified()
        return super().update(**kwargs)

    def delete(self):
        self._refuse_if_certified()
        return super().delete()


class DeclarationVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        CERTIFIED = "certified", _("Certified")

    declaration = models.ForeignKey(Declaration, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    based_on = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The version this draft was prefilled from."),
    )
    # Optimistic lock: every save of a draft bumps it; a stale form is refused.
    revision = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now_add=True)

    certified_at = models.DateTimeField(_("certified at"), null=True, blank=True)
    certified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("certified by"),
    )
    certified_ip = models.GenericIPAddressField(_("certified from IP"), null=True, blank=True)
    certification_statement = models.TextField(_("certification statement"), blank=True)
    signature = models.CharField(_("signature (typed name)"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    # The canonical content exactly as certified, and its SHA-256.
    content = models.JSONField(_("certified content"), null=True, blank=True)
    fingerprint = models.CharField(_("SHA-256 fingerprint"), max_length=64, blank=True)

    objects = DeclarationVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("declaration version")
        verbose_name_plural = _("declaration versions")
        ordering = ["declaration", "number"]
        constraints = [
            models.UniqueConstraint(fields=["declaration", "number"], name="version_number_unique"),
            models.UniqueConstraint(
                fields=["declaration"],
                condition=models.Q(status="draft"),
                name="one_draft_per_declaration",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft")
                | (
                    models.Q(certified_at__isnull=False)
                    & models.Q(content__isnull=False)
                    & models.Q(fingerprint__regex=r"^[0-9a-f]{64}$")
                ),
                name="certified_version_is_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.declaration} · v{self.number}"

    def save(self, *args, **kwargs):
        if self._stored_as_certified():
            raise CertifiedVersionImmutable(_("A certified declaration version cannot change."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._stored_as_certified():
            raise CertifiedVersionImmutable(_("A certified declaration version cannot be deleted."))
        return super().delete(*args, **kwargs)

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_certified(self) -> bool:
        return self.status == self.Status.CERTIFIED

    def _stored_as_certified(self) -> bool:
        return (
            bool(self.pk)
            and type(self).objects.filter(pk=self.pk, status=self.Status.CERTIFIED).exists()
        )


class DeclarationItemQuerySet(models.QuerySet):
    def _refuse_if_certified(self):
        if self.filter(version__status=DeclarationVersion.Status.CERTIFIED).exists():
            raise CertifiedVersionImmutable(_("Rows of a certified declaration cannot change."))

    def update(self, **kwargs):
        self._refuse_if_certified()
        return super().update(**kwargs)

    def delete(self):
        self._refuse_if_certified()
        return super().delete()


class Period(models.TextChoices):
    CURRENT = "current", _("Current")
    PENDING = "pending", pgettext_lazy("support status", "Pending")
    PLANNED = "planned", _("Planned")


def organisation_fields(label):
    """Name, country and optional ROR id of the organisation a row is about, so that
    the cross-checks can match it against registries and restricted-entity lists."""
    return (
        models.CharField(label, max_length=300),
        CountryField(_("country")),
        models.CharField(
            _("ROR id"),
            max_length=40,
            blank=True,
            validators=[validate_ror_id],
            help_text=_("Optional, for example 05dxps055."),
        ),
    )


class DeclarationItem(models.Model):
    """A row in one section of one version. ``key`` follows the row from version to
    version (and into the next application's prefilled declaration), so that versions
    can be compared row by row."""

    key = models.UUIDField(default=uuid.uuid4, editable=False)
    position = models.PositiveIntegerField(default=0)

    objects = DeclarationItemQuerySet.as_manager()

    # Field names that make up the certified content, in display order.
    content_fields: tuple[str, ...] = ()

    class Meta:
        abstract = True
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name}: {self.organisation_name}"

    def save(self, *args, **kwargs):
        if self._version_certified():
            raise CertifiedVersionImmutable(_("Rows of a certified declaration cannot change."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._version_certified():
            raise CertifiedVersionImmutable(_("Rows of a certified declaration cannot change."))
        return super().delete(*args, **kwargs)

    def _version_certified(self) -> bool:
        return DeclarationVersion.objects.filter(
            pk=self.version_id, status=DeclarationVersion.Status.CERTIFIED
        ).exists()


def _period_constraint(name):
    return models.CheckConstraint(
        condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
        name=name,
    )


class SupportItem(DeclarationItem):
    """Research support, current and pending: grants, contracts, awards."""

    version = models.ForeignKey(
        DeclarationVersion, on_delete=models.CASCADE, related_name="support_items"
    )
    title = models.CharField(_("title"), max_length=300)
    status = models.CharField(
        pgettext_lazy("current or pending", "status"), max_length=10, choices=Period.choices
    )
    award_number = models.CharField(_("award or proposal number"), max_length=100, blank=True)
    organisation_name, organisation_country, organisation_ror_id = organisation_fields(
        _("source of support")
    )
    place_of_performance = models.CharField(_("primary place of performance"), max_length=300)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    total_amount = models.DecimalField(
        _("total amount"), max_digits=15, decimal_places=2, validators=[MinValueValidator(0)]
    )
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES)
    effort_percent = models.DecimalField(
        # xgettext:no-python-format
        _("effort (% of working time)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    person_months = models.DecimalField(
        _("person-months per year"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(12)],
    )
    objectives = models.TextField(_("overall objectives"))
    overlap_statement = models.TextField(
        _("overlap with this application"),
        help_text=_("Describe any scientific, budgetary or effort overlap, or write “none”."),
    )
    under_nda = models.BooleanField(
        _("covered by a confidentiality (NDA) agreement"), default=False
    )

    content_fields = (
        "title",
        "status",
        "award_number",
        "organisation_name",
        "organisation_country",
        "organisation_ror_id",
        "place_of_performance",
        "start_date",
        "end_date",
        "total_amount",
        "currency",
        "effort_percent",
        "person_months",
        "objectives",
        "overlap_statement",
        "under_nda",
    )

    class Meta(DeclarationItem.Meta):
        verbose_name = _("research support")
        verbose_name_plural = _("research support, current and pending")
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="support_key_unique"),
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="support_period_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(effort_percent__gte=0) & models.Q(effort_percent__lte=100),
                name="support_effort_0_100",
            ),
        ]


class InKindSupport(DeclarationItem):
    version = models.ForeignKey(
        DeclarationVersion, on_delete=models.CASCADE, related_name="in_kind_items"
    )
    description = models.TextField(_("description"))
    organisation_name, organisation_country, organisation_ror_id = organisation_fields(_("source"))
    status = models.CharField(
        pgettext_lazy("current or pending", "status"), max_length=10, choices=Period.choices
    )
    estimated_value = models.DecimalField(
        _("estimated value"), max_digits=15, decimal_places=2, validators=[MinValueValidator(0)]
    )
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES)
    requires_time = models.BooleanField(_("requires your time"), default=False)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)

    content_fields = (
        "description",
        "organisation_name",
        "organisation_country",
        "organisation_ror_id",
        "status",
        "estimated_value",
        "currency",
        "requires_time",
        "start_date",
        "end_date",
    )

    class Meta(DeclarationItem.Meta):
        verbose_name = _("in-kind support")
        verbose_name_plural = _("in-kind support")
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="in_kind_key_unique"),
            _period_constraint("in_kind_period_in_order"),
        ]


class Appointment(DeclarationItem):
    class Kind(models.TextChoices):
        EMPLOYMENT = "employment", _("Employment")
        HONORARY = "honorary", _("Honorary")
        VISITING = "visiting", _("Visiting")
        ADJUNCT = "adjunct", _("Adjunct")
        OTHER = "other", _("Other")

    version = models.ForeignKey(
        DeclarationVersion, on_delete=models.CASCADE, related_name="appointments"
    )
    position_title = models.CharField(_("position or title"), max_length=200)
    organisation_name, organisation_country, organisation_ror_id = organisation_fields(
        _("appointing institution")
    )
    kind = models.CharField(_("kind of appointment"), max_length=20, choices=Kind.choices)
    is_paid = models.BooleanField(_("paid"), default=False)
    has_employment_contract = models.BooleanField(_("employment contract"), default=False)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    reported_to_institution = models.BooleanField(
        _("reported to your home institution"), default=False
    )
    approved_by_institution = models.BooleanField(
        _("approved by your home institution"), default=False
    )

    content_fields = (
        "position_title",
        "organisation_name",
        "organisation_country",
        "organisation_ror_id",
        "kind",
        "is_paid",
        "has_employment_contract",
        "start_date",
        "end_date",
        "reported_to_institution",
        "approved_by_institution",
    )

    class Meta(DeclarationItem.Meta):
        verbose_name = _("appointment or position")
        verbose_name_plural = _("appointments and positions")
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="appointment_key_unique"),
            _period_constraint("appointment_period_in_order"),
        ]


class TalentProgramme(DeclarationItem):
    version = models.ForeignKey(
        DeclarationVersion, on_delete=models.CASCADE, related_name="talent_programmes"
    )
    programme_name = models.CharField(_("programme"), max_length=300)
    organisation_name, organisation_country, organisation_ror_id = organisation_fields(_("sponsor"))
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    obligations = models.TextField(
        _("obligations"),
        help_text=_("What the programme asks of you: time abroad, recruiting, reporting, IP."),
    )

    content_fields = (
        "programme_name",
        "organisation_name",
        "organisation_country",
        "organisation_ror_id",
        "start_date",
        "end_date",
        "obligations",
    )

    class Meta(DeclarationItem.Meta):
        verbose_name = _("talent-recruitment programme")
        verbose_name_plural = _("talent-recruitment programmes")
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="talent_key_unique"),
            _period_constraint("talent_period_in_order"),
        ]


class OutsideActivity(DeclarationItem):
    class Kind(models.TextChoices):
        CONSULTING = "consulting", _("Consulting")
        CONCURRENT_JOB = "concurrent_job", _("Concurrent job (兼業)")
        EQUITY = "equity", _("Equity in a company or start-up")
        GIFT = "gift", _("Gift")
        TRAVEL = "travel", _("Sponsored travel")
        OTHER = "other", _("Other")

    version = models.ForeignKey(
        DeclarationVersion, on_delete=models.CASCADE, related_name="outside_activities"
    )
    kind = models.CharField(_("kind of activity"), max_length=20, choices=Kind.choices)
    organisation_name, organisation_country, organisation_ror_id = organisation_fields(
        _("counterparty")
    )
    description = models.TextField(_("description"))
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    amount = models.DecimalField(
        _("amount or value"),
        max_digits=15,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES, blank=True)
    reported_to_institution = models.BooleanField(
        _("reported to your home institution"), default=False
    )

    content_fields = (
        "kind",
        "organisation_name",
        "organisation_country",
        "organisation_ror_id",
        "description",
        "start_date",
        "end_date",
        "amount",
        "currency",
        "reported_to_institution",
    )

    class Meta(DeclarationItem.Meta):
        verbose_name = _("outside activity")
        verbose_name_plural = _("outside activities")
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="outside_key_unique"),
            _period_constraint("outside_period_in_order"),
        ]


class Contract(DeclarationItem):
    version = models.ForeignKey(
        DeclarationVersion, on_delete=models.CASCADE, related_name="contracts"
    )
    title = models.CharField(_("contract title"), max_length=300)
    organisation_name, organisation_country, organisation_ror_id = organisation_fields(
        _("counterparty")
    )
    signed_on = models.DateField(_("signed on"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    secrecy_clause = models.BooleanField(_("requires secrecy"), default=False)
    ip_assignment_clause = models.BooleanField(_("assigns intellectual property"), default=False)
    foreign_law_clause = models.BooleanField(_("binds you to a foreign law"), default=False)
    recruitment_clause = models.BooleanField(_("requires recruiting others"), default=False)
    document = models.ForeignKey(
        Document,
        verbose_name=_("contract document (PDF)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    content_fields = (
        "title",
        "organisation_name",
        "organisation_country",
        "organisation_ror_id",
        "signed_on",
        "end_date",
        "secrecy_clause",
        "ip_assignment_clause",
        "foreign_law_clause",
        "recruitment_clause",
        "document",
    )

    class Meta(DeclarationItem.Meta):
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="contract_key_unique"),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("signed_on")),
                name="contract_period_in_order",
            ),
        ]


class CertifiedPdf(models.Model):
    """The PDF of a certified version, rendered once from its certified content and kept."""

    version = models.OneToOneField(DeclarationVersion, on_delete=models.PROTECT, related_name="pdf")
    file = models.FileField(upload_to="certified/")
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("certified PDF")
        verbose_name_plural = _("certified PDFs")

    def __str__(self) -> str:
        return f"PDF of {self.version}"


# The declaration's sections, in the order the form, the summary and the PDF show them.
# key -> (model, related name on DeclarationVersion)
SECTIONS: dict[str, tuple[type[DeclarationItem], str]] = {
    "support": (SupportItem, "support_items"),
    "in_kind": (InKindSupport, "in_kind_items"),
    "appointments": (Appointment, "appointments"),
    "talent_programmes": (TalentProgramme, "talent_programmes"),
    "outside_activities": (OutsideActivity, "outside_activities"),
    "contracts": (Contract, "contracts"),
}
