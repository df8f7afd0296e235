"""Forms of the smart-pole pages: they shape the input; the services validate it and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rollout5g.organizations.models import Organization
from rollout5g.platform.tenancy import scope_district_regions

from .choices import DocumentKind

DATE = forms.DateInput(attrs={"type": "date"})


class ConsolidationForm(forms.Form):
    smart_pole = forms.CharField(label=_("Smart pole on the open list (code)"), max_length=30, required=False)
    smart_pole_name = forms.CharField(label=_("Smart pole"), max_length=150, required=False,
                                      help_text=_("Needed when the smart pole is not on the open list"))
    region = forms.ModelChoiceField(label=_("County"), queryset=None, required=False)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    poles = forms.CharField(label=_("Poles merged"), widget=forms.Textarea(attrs={"rows": 4}),
                            help_text=_("One a line: the open-list code of the pole, or a description"))
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = scope_district_regions(user)  # the user's counties (a province: cities)

    def clean_poles(self):
        return [line.strip() for line in self.cleaned_data["poles"].splitlines() if line.strip()]


class BatchForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=150)
    planned_count = forms.IntegerField(label=_("Poles planned"), min_value=1)
    organization = forms.ModelChoiceField(label=_("Responsible unit"), queryset=Organization.objects.filter(
        is_active=True))
    region = forms.ModelChoiceField(label=_("County"), queryset=None, required=False, empty_label=_("all"))
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = scope_district_regions(user)  # the user's counties (a province: cities)


class StandardForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    number = forms.CharField(label=_("Document number"), max_length=80, required=False)
    publisher = forms.CharField(label=_("Publisher"), max_length=150)
    published_on = forms.DateField(label=_("Published on"), widget=DATE)
    task = forms.ModelChoiceField(label=_("Task it fulfils"), queryset=None, required=False)
    link = forms.URLField(label=_("Link"), required=False, assume_scheme="https")
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, **kwargs):
        from .selectors import standard_tasks

        super().__init__(*args, **kwargs)
        self.fields["task"].queryset = standard_tasks()
        self.fields["task"].label_from_instance = lambda t: f"{t.document.short_title or t.document.title} {t.number} {t.title}"


class CommunityForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    region = forms.ModelChoiceField(label=_("County"), queryset=None)
    planned_smart_poles = forms.IntegerField(label=_("Smart poles planned"), min_value=0)
    planned_removed_poles = forms.IntegerField(label=_("Existing poles to merge"), min_value=0, initial=0)
    plan = forms.CharField(label=_("Pole plan"), widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = scope_district_regions(user)  # the user's counties (a province: cities)
