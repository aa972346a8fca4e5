"""Forms: validation only. Writing is done by services.py."""

import re

from crispy_forms.helper import FormHelper
from django import forms
from django.core.validators import MaxLengthValidator
from django.forms.utils import ErrorDict
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from funding.models import Application

from .content import APPLICATION_FIELDS
from .models import (
    SECTIONS,
    Affiliation,
    Appointment,
    Contract,
    Document,
    InKindSupport,
    OutsideActivity,
    ResearcherProfile,
    SupportItem,
    TalentProgramme,
)
from .uploads import validate_pdf_upload
from .validators import normalise_orcid

# Control characters other than tab and newline have no place in a declaration.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _no_helper_tag() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


class CleanTextMixin:
    """Strip control characters from every text input before field validation."""

    def clean(self):
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            if isinstance(value, str):
                cleaned[name] = _CONTROL_CHARS.sub("", value)
        return cleaned


class PeriodMixin:
    """An end date, when given, is on or after the start."""

    start_field = "start_date"

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get(self.start_field), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date must be on or after the start date."))
        return cleaned


class ProfileForm(CleanTextMixin, forms.ModelForm):
    # Wider than the stored form so that the https://orcid.org/ URL can be pasted.
    orcid = forms.CharField(label=_("ORCID iD"), max_length=60, required=False)

    class Meta:
        model = ResearcherProfile
        fields = [
            "family_name_latin",
            "given_name_latin",
            "family_name_kanji",
            "given_name_kanji",
            "family_name_kana",
            "given_name_kana",
            "researcher_number",
            "orcid",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _no_helper_tag()
        self.fields["orcid"].help_text = _("For example 0000-0002-1825-0097.")

    def clean_orcid(self):
        value = self.cleaned_data.get("orcid")
        return normalise_orcid(value) or None

    def clean_researcher_number(self):
        return (self.cleaned_data.get("researcher_number") or "").strip() or None


class AffiliationForm(forms.ModelForm):
    class Meta:
        model = Affiliation
        fields = ["institution", "department", "job_title", "is_primary"]


class BaseAffiliationFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        rows = [
            f.cleaned_data
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        if not rows:
            raise forms.ValidationError(_("Add at least one affiliation."))
        if sum(1 for r in rows if r.get("is_primary")) != 1:
            raise forms.ValidationError(_("Mark exactly one affiliation as primary."))


AffiliationFormSet = forms.formset_factory(
    AffiliationForm,
    formset=BaseAffiliationFormSet,
    extra=0,
    can_delete=True,
    max_num=20,
    validate_max=True,
)


class ApplicationForm(CleanTextMixin, PeriodMixin, forms.ModelForm):
    class Meta:
        model = Application
        fields = list(APPLICATION_FIELDS)
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "objectives": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _no_helper_tag()


class SectionRowForm(CleanTextMixin, PeriodMixin, forms.ModelForm):
    """One row of a declaration section. ``key`` ties the row to the stored row it edits."""

    key = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for field in self.fields.values():
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs["rows"] = 2
                # Text columns are unbounded in the database; a declaration's are not.
                field.max_length = field.max_length or 10_000
                field.validators.append(MaxLengthValidator(field.max_length))

    def row_data(self) -> dict:
        """The cleaned row as the declaration service takes it."""
        model = self._meta.model
        row = {name: self.cleaned_data.get(name) for name in model.content_fields}
        row["key"] = self.cleaned_data.get("key")
        return row


def _date_widgets(*names):
    return {name: DateInput() for name in names}


class SupportItemForm(SectionRowForm):
    class Meta:
        model = SupportItem
        fields = list(SupportItem.content_fields)
        widgets = _date_widgets("start_date", "end_date")


class InKindSupportForm(SectionRowForm):
    class Meta:
        model = InKindSupport
        fields = list(InKindSupport.content_fields)
        widgets = _date_widgets("start_date", "end_date")


class AppointmentForm(SectionRowForm):
    class Meta:
        model = Appointment
        fields = list(Appointment.content_fields)
        widgets = _date_widgets("start_date", "end_date")


class TalentProgrammeForm(SectionRowForm):
    class Meta:
        model = TalentProgramme
        fields = list(TalentProgramme.content_fields)
        widgets = _date_widgets("start_date", "end_date")


class OutsideActivityForm(SectionRowForm):
    class Meta:
        model = OutsideActivity
        fields = list(OutsideActivity.content_fields)
        widgets = _date_widgets("start_date", "end_date")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("amount") is not None and not cleaned.get("currency"):
            self.add_error("currency", _("Choose the currency of the amount."))
        return cleaned


class ContractForm(SectionRowForm):
    start_field = "signed_on"
    upload = forms.FileField(
        label=_("Upload the contract (PDF, at most 10 MB)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )
    document = forms.ModelChoiceField(
        queryset=Document.objects.none(), required=False, widget=forms.HiddenInput
    )

    class Meta:
        model = Contract
        fields = [f for f in Contract.content_fields if f != "document"]
        widgets = _date_widgets("signed_on", "end_date")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        # A row may only point at a document its researcher uploaded.
        if user is not None:
            self.fields["document"].queryset = Document.objects.filter(uploaded_by=user)

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload:
            validate_pdf_upload(upload)
        return upload

    def current_document(self) -> Document | None:
        value = self["document"].value()
        if not value:
            return None
        return (
            self.fields["document"].queryset.filter(pk=value).first() if _is_uuid(value) else None
        )


def _is_uuid(value) -> bool:
    return bool(re.fullmatch(r"[0-9a-fA-F-]{32,36}", str(value)))


SECTION_FORMS = {
    "support": SupportItemForm,
    "in_kind": InKindSupportForm,
    "appointments": AppointmentForm,
    "talent_programmes": TalentProgrammeForm,
    "outside_activities": OutsideActivityForm,
    "contracts": ContractForm,
}
assert SECTION_FORMS.keys() == SECTIONS.keys()

SectionFormSets = {
    key: forms.formset_factory(form, extra=0, can_delete=True, max_num=200, validate_max=True)
    for key, form in SECTION_FORMS.items()
}


class CertifyForm(forms.Form):
    """Certification: the researcher agrees, types their name and re-enters their password."""

    agree = forms.BooleanField(
        label=_("I have read the statement above and certify this declaration."), required=True
    )
    signature = forms.CharField(
        label=_("Type your full name as your signature"),
        max_length=200,
    )
    password = forms.CharField(
        label=_("Your password (to confirm it is you)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.helper = _no_helper_tag()

    def accepted_signatures(self) -> set[str]:
        profile = self.user.researcher_profile
        names = {
            f"{profile.given_name_latin} {profile.family_name_latin}",
            f"{profile.family_name_latin} {profile.given_name_latin}",
            f"{profile.family_name_kanji} {profile.given_name_kanji}",
            f"{profile.family_name_kanji}{profile.given_name_kanji}",
        }
        return {_normal_name(n) for n in names if n.strip()}

    def clean_signature(self):
        signature = self.cleaned_data["signature"]
        if _normal_name(signature) not in self.accepted_signatures():
            raise forms.ValidationError(
                _("Type your name exactly as in your profile (for example “%(name)s”).")
                % {"name": self.user.researcher_profile.name_latin}
            )
        return signature.strip()

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("This password is not correct."))
        return password


def _normal_name(value: str) -> str:
    return " ".join(value.split()).casefold()


SECTION_GUIDANCE = {
    "support": _(
        "All research support, current, pending and planned, domestic and foreign, in your "
        "name or for your benefit: grants, contracts, cooperative agreements, awards, fellowships."
    ),
    "in_kind": _(
        "Resources you receive without payment: office or laboratory space, equipment, "
        "supplies, staff or students paid by others, data or materials with a value."
    ),
    "appointments": _(
        "Every current affiliation and title, paid or unpaid, including honorary, visiting and "
        "adjunct posts abroad, even without an employment contract."
    ),
    "talent_programmes": _(
        "Participation in any talent-recruitment programme, foreign or domestic, current or "
        "offered, with what it asks of you."
    ),
    "outside_activities": _(
        "Consulting, concurrent jobs (兼業), equity in companies and start-ups, gifts and "
        "sponsored travel."
    ),
    "contracts": _(
        "Agreements you are party to; tick every clause the contract contains and upload it."
    ),
}


class DeclarationForms:
    """The application's details and the six section formsets of one draft, validated
    together so that an error anywhere keeps everything entered everywhere."""

    def __init__(self, *, application, version, user, data=None, files=None, initial_rows=None):
        self.version = version
        self.application_form = ApplicationForm(
            data=data, instance=application, prefix="application"
        )
        self.formsets = {
            key: SectionFormSets[key](
                data=data,
                files=files,
                prefix=key,
                initial=None if data is not None else (initial_rows or {}).get(key, []),
                form_kwargs={"user": user},
            )
            for key in SECTIONS
        }

    def section_list(self):
        """(key, title, row title, guidance, formset) for each section, for the template."""
        return [
            (
                key,
                capfirst(str(SECTIONS[key][0]._meta.verbose_name_plural)),
                capfirst(str(SECTIONS[key][0]._meta.verbose_name)),
                SECTION_GUIDANCE[key],
                formset,
            )
            for key, formset in self.formsets.items()
        ]

    def is_valid(self) -> bool:
        results = [self.application_form.is_valid()]
        results += [formset.is_valid() for formset in self.formsets.values()]
        # A row the user removed is not saved, so its errors are nobody's concern.
        for formset in self.formsets.values():
            for form in formset.forms:
                if getattr(form, "cleaned_data", {}).get("DELETE"):
                    form._errors = ErrorDict()
        return all(results)

    def error_count(self) -> int:
        """Fields in error, not counting rows the user removed."""
        count = len(self.application_form.errors)
        return count + sum(formset.total_error_count() for formset in self.formsets.values())

    def kept_rows(self, key):
        """The forms of a section that hold a row to save (not deleted, not left empty)."""
        for form in self.formsets[key].forms:
            if form.cleaned_data and not form.cleaned_data.get("DELETE"):
                yield form

    def application_data(self) -> dict:
        return {name: self.application_form.cleaned_data[name] for name in APPLICATION_FIELDS}

    def sections(self) -> dict[str, list[dict]]:
        return {key: [form.row_data() for form in self.kept_rows(key)] for key in SECTIONS}

    def contract_forms_with_upload(self):
        for form in self.formsets["contracts"].forms:
            cleaned = getattr(form, "cleaned_data", None) or {}
            if cleaned.get("upload") and "upload" not in form.errors:
                yield form
