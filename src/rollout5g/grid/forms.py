"""Forms of the power-supply pages: they shape the input; the services validate it and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rollout5g.platform.tenancy import scope_district_regions
from rollout5g.regions.services import home_districts

from .choices import OutageKind

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"})


class OutageForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=OutageKind.choices)
    starts_at = forms.DateTimeField(label=_("Start"), widget=DATETIME)
    expected_end = forms.DateTimeField(label=_("Expected end"), widget=DATETIME)
    area = forms.CharField(label=_("Area or line"), max_length=200, required=False)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    sites = forms.CharField(label=_("Affected sites"), widget=forms.Textarea(attrs={"rows": 4}),
                            help_text=_("Site codes, one a line or separated by commas"))

    def clean_sites(self):
        text = self.cleaned_data["sites"].replace("，", ",").replace("\n", ",")
        return [c.strip() for c in text.split(",") if c.strip()]


class PriceForm(forms.Form):
    site = forms.CharField(label=_("Site code"), max_length=60)
    supplier = forms.CharField(label=_("Transfer-supply unit or person"), max_length=150)
    price_per_kwh = forms.DecimalField(label=_("Price charged [CNY/kWh]"), max_digits=8, decimal_places=4)
    observed_on = forms.DateField(label=_("Billing date"), widget=DATE)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class ReferenceForm(forms.Form):
    name = forms.CharField(label=_("Tariff"), max_length=120)
    price_per_kwh = forms.DecimalField(label=_("Reference price [CNY/kWh]"), max_digits=8, decimal_places=4)
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE)
    valid_to = forms.DateField(label=_("Valid to"), widget=DATE, required=False)
    source = forms.CharField(label=_("Source"), max_length=300, required=False)


class CheckForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=150)
    period_from = forms.DateField(label=_("Bills from"), widget=DATE)
    period_to = forms.DateField(label=_("Bills to"), widget=DATE)
    region = forms.ModelChoiceField(label=_("County"), queryset=None, required=False, empty_label=_("all"))
    rectify_limit_days = forms.IntegerField(label=_("Rectification limit [working days]"), min_value=1,
                                            max_value=120, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # the user's districts: a city's counties, or the province's cities (docs/tenancy.md)
        self.fields["region"].queryset = scope_district_regions(user) if user is not None else home_districts()
