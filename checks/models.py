"""Reference data (restricted-entity lists, the ROR registry, public evidence), the flags
the cross-checks raise, and the runs that raise them.

Every load of reference data is an immutable snapshot; its rows are never edited.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Snapshot(models.Model):
    class Kind(models.TextChoices):
        CSL = "csl", _("US Consolidated Screening List")
        METI_EUL = "meti_eul", _("METI End User List")
        OPENSANCTIONS = "opensanctions", _("OpenSanctions entities")
        ROR = "ror", _("ROR registry")
        ORCID = "orcid", _("ORCID records")
        CROSSREF = "crossref", _("Crossref works")
        OPENALEX = "openalex", _("OpenAlex works")
        OUTSIDE_POSTS = "outside_posts", _("Approved outside posts")

    RESTRICTED_LISTS = (Kind.CSL, Kind.METI_EUL, Kind.OPENSANCTIONS)
    EVIDENCE = (Kind.ORCID, Kind.CROSSREF, Kind.OPENALEX, Kind.OUTSIDE_POSTS)

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    source = models.CharField(_("source file"), max_length=300)
    published_on = models.DateField(_("publication date"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    row_count = models.PositiveIntegerField(_("rows"))
    institution = models.ForeignKey(
        "accounts.Institution",
        verbose_name=_("institution"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="snapshots",
        help_text=_("For an institution's own records (approved outside posts)."),
    )
    loaded_at = models.DateTimeField(_("loaded at"), auto_now_add=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("loaded by"),
    )

    class Meta:
        verbose_name = _("reference snapshot")
        verbose_name_plural = _("reference snapshots")
        ordering = ["-loaded_at"]
        constraints = [
            # Loading the same file twice is a no-op, not a second snapshot.
            models.UniqueConstraint(fields=["kind", "sha256"], name="snapshot_unique_file"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.published_on} · {self.sha256[:12]}"


class ListedEntity(models.Model):
    """One entry of a restricted-entity list (an organisation, never a person's traits)."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="entities")
    source_id = models.CharField(_("entry id in the list"), max_length=200, blank=True)
    name = models.CharField(_("name"), max_length=500)
    aliases = models.JSONField(_("also known as"), default=list, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    entity_type = models.CharField(_("type"), max_length=100, blank=True)
    programs = models.CharField(_("programmes or concerns"), max_length=500, blank=True)
    line = models.PositiveIntegerField(_("line in the source file"))
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("listed entity")
        verbose_name_plural = _("listed entities")
        indexes = [models.Index(fields=["snapshot", "source_id"])]

    def __str__(self) -> str:
        return self.name


class RegistryOrganisation(models.Model):
    """An organisation from the ROR registry, used to recognise the many names of one
    organisation (languages, aliases, acronyms) and its parents and children."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="organisations")
    ror_id = models.CharField(_("ROR id"), max_length=9)
    name = models.CharField(_("display name"), max_length=500)
    names = models.JSONField(
        _("names"),
        default=list,
        help_text=_("Every name of the organisation, as a list of {value, lang, types}."),
    )
    country = models.CharField(_("country"), max_length=2, blank=True)
    related = models.JSONField(
        _("relationships"),
        default=list,
        help_text=_(
            "Parents, children and related organisations, as a list of {type, ror_id, label}."
        ),
    )

    class Meta:
        verbose_name = _("registry organisation")
        verbose_name_plural = _("registry organisations")
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "ror_id"], name="registry_ror_unique"),
        ]
        indexes = [models.Index(fields=["ror_id"])]

    def __str__(self) -> str:
        return self.name


class Evidence(models.Model):
    """A fact from a public or institutional source that names support or a position of a
    researcher, identified by ORCID iD or researcher number (never by name alone)."""

    class Kind(models.TextChoices):
        EMPLOYMENT = "employment", _("Employment (ORCID)")
        INVITED_POSITION = "invited_position", _("Invited position (ORCID)")
        FUNDING = "funding", _("Funding (ORCID)")
        ACKNOWLEDGED_FUNDING = "acknowledged_funding", _("Funding acknowledged in a publication")
        OUTSIDE_POST = "outside_post", _("Approved outside post (institution's record)")

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    orcid = models.CharField(_("ORCID iD"), max_length=19, blank=True, db_index=True)
    researcher_number = models.CharField(
        _("researcher number"), max_length=8, blank=True, db_index=True
    )
    organisation_name = models.CharField(_("organisation"), max_length=500)
    organisation_country = models.CharField(_("country"), max_length=2, blank=True)
    title = models.CharField(_("title or role"), max_length=500, blank=True)
    award_id = models.CharField(_("award id"), max_length=200, blank=True)
    doi = models.CharField(_("DOI"), max_length=200, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    line = models.PositiveIntegerField(_("line or record in the source file"))
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.organisation_name}"


class Flag(models.Model):
    """A reason to look, raised by a rule: never a verdict. Unique per (rule, declaration
    version, subject), or per (rule, application, subject) for application-level rules."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DISMISSED = "dismissed", _("Dismissed")
        CONFIRMED = "confirmed", _("Confirmed")
        RESOLVED = "resolved", _("Resolved")

    class Severity(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    rule = models.CharField(_("rule"), max_length=40)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    application = models.ForeignKey(
        "funding.Application",
        on_delete=models.PROTECT,
        related_name="flags",
        verbose_name=_("application"),
    )
    version = models.ForeignKey(
        "disclosures.DeclarationVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="flags",
        verbose_name=_("declaration version"),
    )
    subject = models.CharField(_("subject"), max_length=300)
    score = models.FloatField(_("score"), null=True, blank=True)
    params = models.JSONField(_("explanation parameters"), default=dict)
    evidence = models.JSONField(_("evidence"), default=list)
    status = models.CharField(
        pgettext_lazy("flag", "status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    status_reason = models.TextField(_("reason"), blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("status changed by"),
    )
    raised_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    last_seen_at = models.DateTimeField(_("last seen at"))
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        ordering = ["-raised_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "version", "subject"],
                condition=models.Q(version__isnull=False),
                name="flag_unique_per_version",
            ),
            models.UniqueConstraint(
                fields=["rule", "application", "subject"],
                condition=models.Q(version__isnull=True),
                name="flag_unique_per_application",
            ),
        ]
        indexes = [models.Index(fields=["status", "rule"])]

    def __str__(self) -> str:
        return f"{self.rule} · {self.subject}"


class FilingCheck(models.Model):
    """That a certified version has been checked, and when: the sweep re-enqueues every
    certified version that has none (its check was lost, e.g. Redis was down)."""

    version = models.OneToOneField(
        "disclosures.DeclarationVersion",
        on_delete=models.CASCADE,
        related_name="check_record",
        verbose_name=_("declaration version"),
    )
    checked_at = models.DateTimeField(_("checked at"))

    class Meta:
        verbose_name = _("filing check")
        verbose_name_plural = _("filing checks")

    def __str__(self) -> str:
        return f"{self.version} checked {self.checked_at:%Y-%m-%d %H:%M}"


class CheckRun(models.Model):
    """A run of the checks over many filings, split into chunks across workers."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        FINISHED = "finished", _("Finished")

    scope = models.CharField(_("scope"), max_length=300)
    rules = models.JSONField(_("rules"), default=list)
    total = models.PositiveIntegerField(_("filings to check"), default=0)
    done = models.PositiveIntegerField(_("filings checked"), default=0)
    chunks_total = models.PositiveIntegerField(_("chunks"), default=0)
    chunks_done = models.PositiveIntegerField(_("chunks finished"), default=0)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RUNNING
    )
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("started by"),
    )

    class Meta:
        verbose_name = _("check run")
        verbose_name_plural = _("check runs")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.scope}: {self.done}/{self.total}"


class ContractText(models.Model):
    """Text extracted once from an uploaded contract, for the clause check."""

    document = models.OneToOneField(
        "disclosures.Document",
        on_delete=models.CASCADE,
        related_name="extracted_text",
        verbose_name=_("document"),
    )
    pages = models.JSONField(
        _("pages"), default=list, help_text=_("The text of each page, in order.")
    )
    extracted_at = models.DateTimeField(_("extracted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("contract text")
        verbose_name_plural = _("contract texts")

    def __str__(self) -> str:
        return f"Text of {self.document}"


class CheckRunChunk(models.Model):
    """A chunk of a run that has finished: counted once, however often its task ran."""

    run = models.ForeignKey(
        CheckRun, on_delete=models.CASCADE, related_name="chunks", verbose_name=_("check run")
    )
    index = models.PositiveIntegerField(_("chunk number"))
    filings = models.PositiveIntegerField(_("filings"))
    finished_at = models.DateTimeField(_("finished at"), auto_now_add=True)

    class Meta:
        verbose_name = _("check run chunk")
        verbose_name_plural = _("check run chunks")
        constraints = [
            models.UniqueConstraint(fields=["run", "index"], name="run_chunk_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.run} chunk {self.index}"
