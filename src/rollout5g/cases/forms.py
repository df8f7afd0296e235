"""Forms of the pages that open a case. They only collect input; the services validate and decide."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from rollout5g.platform.tenancy import scope_regions
from rollout5g.regions.models import Region
from rollout5g.sites.models import Site

from .choices import IncidentKind, PowerKind, RelocationCause


class _SiteForm(forms.Form):
    """A form whose site code is resolved among the sites the user may see."""

    site = forms.CharField(label=_("Site code"), max_length=60)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_site(self):
        code = self.cleaned_data["site"].strip()
        site = Site.objects.restrict(self.user).filter(code=code).first()
        if site is None:
            raise forms.ValidationError(_("No site %(code)s that you may see.") % {"code": code})
        return site


class PowerApplyForm(_SiteForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=PowerKind.choices)
    capacity_kw = forms.DecimalField(label=_("Requested capacity [kW]"), required=False, min_value=0.1,
                                     decimal_places=1)
    meter_number = forms.CharField(label=_("Electricity account (户号)"), required=False, max_length=40)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RelocationOpenForm(_SiteForm):
    cause = forms.ChoiceField(label=_("Cause"), choices=RelocationCause.choices)
    project = forms.CharField(label=_("Project"), required=False, max_length=200)
    demanding_party = forms.CharField(label=_("Party demanding it"), max_length=200)
    notice_date = forms.DateField(label=_("Notice date"), initial=dt.date.today,
                                  widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    demolition_date = forms.DateField(label=_("Demolition date"), required=False,
                                      widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DemolishedForm(_SiteForm):
    cause = forms.ChoiceField(label=_("Cause"), choices=RelocationCause.choices)
    demanding_party = forms.CharField(label=_("Party demanding it"), max_length=200)
    demolished_on = forms.DateField(label=_("Demolished on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    rebuild_due = forms.DateField(label=_("Rebuild due (agreed date)"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class IncidentReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=IncidentKind.choices)
    site = forms.CharField(label=_("Site code"), max_length=60, required=False)
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none(), required=False,
                                    help_text=_("Without a site: where it happened (by default your own region)"))
    occurred_on = forms.DateField(label=_("Occurred on"), initial=dt.date.today,
                                  widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    fee_amount = forms.CharField(label=_("Fee demanded [CNY]"), required=False, max_length=20)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["region"].queryset = scope_regions(user)

    def clean_site(self):
        code = self.cleaned_data["site"].strip()
        if not code:
            return None
        site = Site.objects.restrict(self.user).filter(code=code).first()
        if site is None:
            raise forms.ValidationError(_("No site %(code)s that you may see.") % {"code": code})
        return site
