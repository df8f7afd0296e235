"""Forms of the interference pages: they shape the input; the services validate it and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rollout5g.platform.tenancy import scope_regions
from rollout5g.regions.models import Region

DATE = forms.DateInput(attrs={"type": "date"})


class ComplaintForm(forms.Form):
    site = forms.CharField(label=_("Site code"), max_length=60, required=False)
    cell = forms.CharField(label=_("Cell"), max_length=60, required=False)
    band = forms.CharField(label=_("Band"), max_length=10, help_text=_("e.g. n78, n41, B3"))
    freq_low_mhz = forms.DecimalField(label=_("From [MHz]"), max_digits=9, decimal_places=3)
    freq_high_mhz = forms.DecimalField(label=_("To [MHz]"), max_digits=9, decimal_places=3)
    started_on = forms.DateField(label=_("Interference since"), widget=DATE)
    symptoms = forms.CharField(label=_("Symptoms"), widget=forms.Textarea(attrs={"rows": 3}))
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none(), required=False,
                                    help_text=_("Without a site: where it happened (by default your own region)"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = scope_regions(user)
