from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy as _

from accounts.models import Institution

from .models import CheckRun, Flag, Snapshot
from .rules import RULES


class SnapshotUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Snapshot.Kind.choices)
    file = forms.FileField(label=_("File"))
    published_on = forms.DateField(
        label=_("Publication date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    institution = forms.ModelChoiceField(
        label=_("Institution (approved outside posts only)"),
        queryset=Institution.objects.all(),
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == Snapshot.Kind.OUTSIDE_POSTS and not cleaned.get("institution"):
            self.add_error("institution", _("Approved outside posts belong to an institution."))
        return cleaned


@admin.register(Snapshot)
class SnapshotAdmin(admin.ModelAdmin):
    """Snapshots are immutable: they are loaded through the upload page, never edited."""

    list_display = (
        "kind",
        "published_on",
        "row_count",
        "sha256",
        "source",
        "loaded_at",
        "loaded_by",
        "institution",
    )
    list_filter = ("kind",)
    change_list_template = "admin/checks/snapshot/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "upload/",
                self.admin_site.admin_view(self.upload_view),
                name="checks_snapshot_upload",
            ),
            *super().get_urls(),
        ]

    def upload_view(self, request):
        from portal.queue import enqueue_on_commit

        from .importers.load import ReferenceImportError, snapshot_load
        from .tasks import rescreen_snapshot

        if not request.user.is_superuser:
            messages.error(request, _("Only administrators load reference data."))
            return redirect("admin:checks_snapshot_changelist")
        form = SnapshotUploadForm(request.POST or None, request.FILES or None)
        errors = []
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = snapshot_load(
                    kind=form.cleaned_data["kind"],
                    file=upload,
                    source_name=upload.name,
                    published_on=form.cleaned_data["published_on"],
                    user=request.user,
                    institution=form.cleaned_data["institution"],
                )
            except ReferenceImportError as error:
                errors = error.messages
            else:
                snapshot = result.snapshot
                if result.created:
                    enqueue_on_commit(rescreen_snapshot, snapshot_id=snapshot.pk)
                    messages.success(
                        request,
                        _("Loaded %(rows)s rows; affected filings are being re-checked.")
                        % {"rows": snapshot.row_count},
                    )
                else:
                    messages.info(request, _("This file was already loaded; nothing changed."))
                return redirect("admin:checks_snapshot_changelist")
        return render(
            request,
            "admin/checks/snapshot/upload.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Load reference data"),
                "form": form,
                "errors": errors,
                "opts": self.model._meta,
            },
        )


@admin.register(CheckRun)
class CheckRunAdmin(admin.ModelAdmin):
    list_display = ("scope", "status", "progress", "started_at", "finished_at", "started_by")
    list_filter = ("status",)
    readonly_fields = [f.name for f in CheckRun._meta.fields]

    @admin.display(description=_("progress"))
    def progress(self, run):
        return f"{run.done} / {run.total}"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    list_display = (
        "rule",
        "severity",
        "status",
        "application",
        "version",
        "subject",
        "score",
        "raised_at",
    )
    list_filter = ("rule", "status", "severity")
    search_fields = ("subject", "application__title")
    readonly_fields = [f.name for f in Flag._meta.fields] + ["explanation"]

    @admin.display(description=_("explanation"))
    def explanation(self, flag):
        return RULES[flag.rule].explain(flag.params)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
