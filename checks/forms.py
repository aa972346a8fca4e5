from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries


class ScreenForm(forms.Form):
    name = forms.CharField(label=_("Organisation name"), max_length=300)
    country = forms.ChoiceField(
        label=_("Country (optional)"),
        required=False,
        choices=[("", "—"), *countries],
    )
