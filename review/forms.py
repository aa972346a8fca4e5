from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from funding.models import Application

from .selectors import DEFAULT_SORT, QueueFilters, office_programmes

SORT_CHOICES = [
    ("deadline", _("Deadline, soonest first")),
    ("-deadline", _("Deadline, latest first")),
    ("-updated", _("Updated, newest first")),
    ("updated", _("Updated, oldest first")),
    ("researcher", _("Researcher, A to Z")),
    ("-researcher", _("Researcher, Z to A")),
    ("-flags", _("Open flags, most first")),
    ("flags", _("Open flags, fewest first")),
]
YES_NO = [("", _("Any")), ("yes", _("Yes")), ("no", _("No"))]
MAX_TEXT = 10_000


class ProgrammeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.agency.short_name} · {obj.title} ({obj.code})"


class QueueFilterForm(forms.Form):
    """The queue's filters, read from the query string. Invalid values are reported at
    their field and left out; the valid ones still apply."""

    q = forms.CharField(
        label=_("Researcher name or number"),
        required=False,
        max_length=100,
        help_text=_("Latin script, kanji or kana, or the 8-digit researcher number."),
    )
    programme = ProgrammeChoiceField(
        label=_("Programme"), queryset=None, required=False, empty_label=_("All programmes")
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *Application.Status.choices],
    )
    deadline_after = forms.DateField(
        label=_("Deadline on or after"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    deadline_before = forms.DateField(
        label=_("Deadline on or before"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    open_flags = forms.ChoiceField(label=_("Has open flags"), required=False, choices=YES_NO)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORT_CHOICES)

    def __init__(self, data=None, *, user, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["programme"].queryset = office_programmes(user)

    def clean(self):
        data = super().clean()
        after, before = data.get("deadline_after"), data.get("deadline_before")
        if after and before and after > before:
            self.add_error("deadline_before", _("This date is before the “on or after” date."))
            data.pop("deadline_before", None)
        return data

    def filters(self) -> QueueFilters:
        """The filters to apply: every valid field (call after is_valid())."""
        data = dict(getattr(self, "cleaned_data", {}))
        data.setdefault("sort", DEFAULT_SORT)
        return QueueFilters.from_cleaned_data(data)


class VersionBoundForm(forms.Form):
    """A decision about the version the office read: refused if a newer one was certified
    in the meantime."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Internal comment"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Seen by the research office only, not by the researcher."),
        error_messages={"required": _("Write the comment.")},
    )


class RequestChangesForm(VersionBoundForm):
    body = forms.CharField(
        label=_("What should the researcher change?"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The researcher receives this text by e-mail and sees it on their filing."),
        error_messages={"required": _("Say what should change.")},
    )


class EndorseForm(VersionBoundForm):
    body = forms.CharField(
        label=_("Note with the endorsement (optional)"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The researcher sees this note."),
    )
    flags_reviewed = forms.BooleanField(
        required=True,
        error_messages={"required": _("Confirm that you have reviewed the open flags.")},
    )

    def __init__(self, *args, open_flags: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        if open_flags:
            self.fields["flags_reviewed"].label = ngettext(
                "I have reviewed the %(count)s open flag and endorse nevertheless.",
                "I have reviewed the %(count)s open flags and endorse nevertheless.",
                open_flags,
            ) % {"count": open_flags}
        else:
            del self.fields["flags_reviewed"]


class OutsidePostsUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Register of approved outside posts (CSV)"),
        help_text=_(
            "UTF-8 or Shift_JIS (as Excel saves it), with the header of the template below."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    published_on = forms.DateField(
        label=_("Date of the register"),
        help_text=_("The day the register was exported from your records."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError(_("Choose a .csv file."))
        if upload.size > settings.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s.")
                % {"size": filesizeformat(settings.MAX_UPLOAD_BYTES)}
            )
        if not upload.size:
            raise forms.ValidationError(_("The file is empty."))
        return upload

    def clean_published_on(self):
        day = self.cleaned_data["published_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return day
