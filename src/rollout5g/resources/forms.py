"""Forms of the open-list pages. They only parse and type-check input; the services validate and write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from rollout5g.organizations.models import Organization
from rollout5g.platform.formats import CRS_LABELS
from rollout5g.platform.home import home_adcode

from .choices import FeeKind, ResourceKind
from .models import PublicResource

CHARGE_ROWS = 3


class ResourceForm(forms.ModelForm):
    crs = forms.ChoiceField(label=_("Coordinate system of lon/lat"), choices=list(CRS_LABELS.items()),
                            initial="wgs84", required=False)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=Organization.objects.none(),
                                   required=False)

    class Meta:
        model = PublicResource
        fields = ["name", "kind", "owner", "lon", "lat", "address", "height_m", "load_kg", "power_kw_available",
                  "cabinet_space_m2", "conditions", "smart_pole", "smart_pole_capacity"]
        widgets = {"conditions": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["smart_pole_capacity"].required = False
        self.fields["owner"].queryset = Organization.objects.filter(region_id=home_adcode())

    def clean_smart_pole_capacity(self):
        return self.cleaned_data.get("smart_pole_capacity") or 0


class SiteRequestForm(forms.Form):
    resource = forms.CharField(label=_("Resource code"), required=False,
                               help_text=_("Leave empty to ask for the nearest open resource around a point"))
    lon = forms.FloatField(label=_("Longitude (WGS-84)"), required=False)
    lat = forms.FloatField(label=_("Latitude (WGS-84)"), required=False)
    radius_m = forms.FloatField(label=_("Search radius [m]"), required=False, min_value=1, max_value=5000)
    band = forms.ChoiceField(label=_("Band"), choices=[("n78", "n78"), ("n41", "n41"), ("n28", "n28"), ("n79", "n79")])
    planned_year = forms.IntegerField(label=_("Planned year"), min_value=2019, max_value=2035, required=False)
    purpose = forms.CharField(label=_("Purpose"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ComplaintForm(forms.Form):
    request = forms.CharField(label=_("Site request code"), required=False)
    resource = forms.CharField(label=_("Resource code"), required=False)
    fee_kind = forms.ChoiceField(label=_("Fee asked"), choices=[c for c in FeeKind.choices if c[0] != FeeKind.POWER]
                                 + [(FeeKind.POWER, FeeKind.POWER.label)])
    amount_cny = forms.DecimalField(label=_("Amount asked [CNY]"), required=False, min_value=0)
    description = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 3}))


def charges_from_post(data) -> list[dict]:
    """The charge rows of an answer form (charge_kind_N, charge_amount_N, charge_basis_N)."""
    rows = []
    for i in range(1, CHARGE_ROWS + 1):
        kind = (data.get(f"charge_kind_{i}") or "").strip()
        amount = (data.get(f"charge_amount_{i}") or "").strip()
        basis = (data.get(f"charge_basis_{i}") or "").strip()
        if kind or amount:
            rows.append({"kind": kind, "amount_cny": amount, "basis": basis})
    return rows


KIND_CHOICES = ResourceKind.choices
