"""Forms of the EMF pages: they shape the input; the services validate it and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rollout5g.platform.tenancy import scope_regions
from rollout5g.regions.models import Region

from .choices import Unit

DATE = forms.DateInput(attrs={"type": "date"})


class PageForm(forms.Form):
    site = forms.CharField(label=_("Site code"), max_length=60)
    public_name = forms.CharField(label=_("Name shown to the public"), max_length=150, required=False,
                                  help_text=_("Empty: the site's name"))
    place = forms.CharField(label=_("Place shown to the public"), max_length=200, required=False,
                            help_text=_("A street or neighbourhood; empty: the site's address"))
    note = forms.CharField(label=_("Note to the public"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ResultForm(forms.Form):
    site = forms.CharField(label=_("Site code"), max_length=60, required=False)
    point = forms.CharField(label=_("Measuring point"), max_length=200)
    measured_on = forms.DateField(label=_("Measured on"), widget=DATE)
    value = forms.FloatField(label=_("Value measured"), min_value=0)
    unit = forms.ChoiceField(label=_("Unit"), choices=Unit.choices)
    height_m = forms.FloatField(label=_("Height above ground [m]"), initial=1.7)
    instrument = forms.CharField(label=_("Instrument (model and serial number)"), max_length=150)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none(), required=False,
                                    help_text=_("Without a site: where it happened (by default your own region)"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = scope_regions(user)


class PostForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=150)
    summary = forms.CharField(label=_("Summary"), max_length=300, required=False)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 12}))
    source = forms.CharField(label=_("Source"), max_length=300, required=False)


class RequestForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=60)
    phone = forms.CharField(label=_("Contact phone"), max_length=30,
                            help_text=_("Only the ecology department sees it, to arrange the measurement"))
    place = forms.CharField(label=_("Place to measure"), max_length=200,
                            help_text=_("The address or the building near the base station"))
    description = forms.CharField(label=_("What worries you"), widget=forms.Textarea(attrs={"rows": 4}),
                                  required=False, max_length=2000)
    page = forms.CharField(widget=forms.HiddenInput, required=False)
