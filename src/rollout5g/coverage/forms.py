from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rollout5g.regions.boundaries import without_geometry
from rollout5g.regions.models import Region
from rollout5g.sites.choices import Band
from rollout5g.sites.models import KeyArea

from .choices import LOCATION_PROBABILITY_CHOICES, LosMode, PathLossModel, RunScope
from .services import CITY_ADCODE, DEFAULT_LOCATION_PROBABILITY, MAX_RESOLUTION_M, MIN_RESOLUTION_M


class RunForm(forms.Form):
    """Start a coverage run. The web form defaults to 20 m, the resolution of the issue's city benchmark."""

    scope = forms.ChoiceField(label=_("Area"), choices=RunScope.choices, initial=RunScope.CITY)
    region = forms.ModelChoiceField(label=_("County or district"), required=False,
                                    # a city's counties; in a province deployment its cities (a whole-city run of
                                    # the one chosen) and their counties
                                    queryset=Region.objects.filter(Q(parent_id=CITY_ADCODE)
                                                                   | Q(parent__parent_id=CITY_ADCODE))
                                    .defer(*without_geometry("")).order_by("adcode"))
    key_areas = forms.ModelMultipleChoiceField(label=_("Key areas"), required=False,
                                               queryset=KeyArea.objects.defer("geometry").order_by("region_id", "name"),
                                               widget=forms.SelectMultiple(attrs={"size": 6}))
    resolution_m = forms.FloatField(label=_("Resolution [m]"), initial=20.0, min_value=MIN_RESOLUTION_M,
                                    max_value=MAX_RESOLUTION_M)
    model = forms.ChoiceField(label=_("Path-loss model"), choices=PathLossModel.choices, initial=PathLossModel.UMA)
    los_mode = forms.ChoiceField(label=_("LOS mode"), choices=LosMode.choices, initial=LosMode.WEIGHTED)
    band = forms.ChoiceField(label=_("Band"), required=False, choices=[("", _("All bands")), *Band.choices])
    own_cells_only = forms.BooleanField(label=_("Only my organization's cells"), required=False)
    rsrp_min = forms.FloatField(label=_("RSRP threshold [dBm]"), initial=-105.0, min_value=-140, max_value=-44)
    sinr_min = forms.FloatField(label=_("SINR threshold [dB]"), initial=-3.0, min_value=-20, max_value=30)
    location_probability = forms.TypedChoiceField(
        label=_("Location probability"), choices=LOCATION_PROBABILITY_CHOICES, coerce=float, required=False,
        empty_value=DEFAULT_LOCATION_PROBABILITY, initial=DEFAULT_LOCATION_PROBABILITY,
        help_text=_("Covered means meeting both thresholds at this share of locations, with the shadow-fading margin "
                    "of TR 38.901 (σ 6 dB for UMa: 7.7 dB at 90 %, 9.9 dB at 95 %)."))
    as_of = forms.DateField(label=_("Network as of"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, operator_user: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["as_of"].initial = timezone.localdate()
        if not operator_user:
            del self.fields["own_cells_only"]
