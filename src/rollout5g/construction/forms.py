"""Forms of the construction pages: they shape the input; the services validate it and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rollout5g.organizations.models import Organization
from rollout5g.platform.tenancy import scope_district_regions, scope_root

from .choices import ProjectKind


def _departments():
    return Organization.objects.filter(kind="government_department").order_by("code")


class ProjectForm(forms.Form):
    name = forms.CharField(label=_("Project name"), max_length=150)
    kind = forms.ChoiceField(label=_("Project kind"), choices=ProjectKind.choices)
    region = forms.ModelChoiceField(label=_("County"), queryset=None)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    lon = forms.FloatField(label=_("Longitude (WGS-84)"))
    lat = forms.FloatField(label=_("Latitude (WGS-84)"))
    size = forms.DecimalField(label=_("Size (m² GFA, or km of road)"), max_digits=12, decimal_places=3)
    planning_department = forms.ModelChoiceField(label=_("Planning department"), queryset=None)
    construction_department = forms.ModelChoiceField(label=_("Construction department"), queryset=None)
    operator = forms.ModelChoiceField(label=_("Sites reserved for"), queryset=None)
    developer = forms.ModelChoiceField(label=_("Developer"), queryset=None, required=False,
                                       help_text=_("The programme office registers a project for its developer"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # the counties and departments of the user's city (the home region's for the province and a single city)
        self.fields["region"].queryset = scope_district_regions(user)
        local = _departments().filter(region_id=scope_root(user))
        self.fields["planning_department"].queryset = local
        self.fields["construction_department"].queryset = local
        self.fields["operator"].queryset = Organization.objects.filter(
            kind__in=("operator", "tower_company")).order_by("code")
        self.fields["developer"].queryset = Organization.objects.exclude(
            kind__in=("operator", "tower_company")).order_by("code")
        if user is not None and not getattr(user, "is_program_office", False):
            del self.fields["developer"]


class DesignForm(forms.Form):
    machine_room_m2 = forms.DecimalField(label=_("Machine room [m²]"), min_value=0, decimal_places=1)
    power_kw = forms.DecimalField(label=_("Power [kW]"), min_value=0, decimal_places=1)
    duct_holes = forms.IntegerField(label=_("Duct holes"), min_value=0)
    roof_m2 = forms.DecimalField(label=_("Roof space [m²]"), min_value=0, decimal_places=1)
    sites = forms.CharField(label=_("Reserved sites"), widget=forms.Textarea(attrs={"rows": 5}), required=False,
                            help_text=_("One site a line: name, longitude, latitude (WGS-84)"))
    note = forms.CharField(label=_("Note"), required=False)

    def clean_sites(self):
        rows = []
        for number, line in enumerate(self.cleaned_data["sites"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.replace("，", ",").split(",")]
            if len(parts) != 3:
                raise forms.ValidationError(_("line %(n)s: write name, longitude, latitude") % {"n": number})
            rows.append({"name": parts[0], "lon": parts[1], "lat": parts[2]})
        return rows
