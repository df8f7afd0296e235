"""Forms of the security pages: they shape the input; the services validate it and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import Criticality, EventCategory, EventSource, FacilityKind, Severity

DATE = forms.DateInput(attrs={"type": "date"})


class FacilityForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    kind = forms.ChoiceField(label=_("Kind"), choices=FacilityKind.choices)
    criticality = forms.ChoiceField(label=_("Criticality"), choices=Criticality.choices)
    site = forms.CharField(label=_("Site code"), max_length=60, required=False,
                           help_text=_("for a base-station site: its code in the registry (its place is taken from it)"))
    region = forms.ChoiceField(label=_("County"), required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    lon = forms.CharField(label=_("Longitude (WGS-84)"), max_length=20, required=False)
    lat = forms.CharField(label=_("Latitude (WGS-84)"), max_length=20, required=False)
    protection = forms.CharField(label=_("Protective measures"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "—"), *[(r.adcode, r.name) for r in regions]]


class EventForm(forms.Form):
    facility = forms.ChoiceField(label=_("Facility"))
    title = forms.CharField(label=_("Title"), max_length=150)
    description = forms.CharField(label=_("What was detected"), widget=forms.Textarea(attrs={"rows": 3}))
    source = forms.ChoiceField(label=_("Detected through"), choices=EventSource.choices)
    category = forms.ChoiceField(label=_("Category"), choices=EventCategory.choices)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    detected_on = forms.DateField(label=_("Detected on"), widget=DATE)

    def __init__(self, *args, facilities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].choices = [(f.code, f"{f.code} {f.name}") for f in facilities]
