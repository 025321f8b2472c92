"""Forms of the incident pages. They only shape the input: the services check everything
that matters (who, where, the photo)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from fangxian.core.forms import NamedLengthLimits
from fangxian.registry.models import Building, Estate

from . import services
from .models import Incident


class ReportForm(NamedLengthLimits, forms.Form):
    community = forms.ModelChoiceField(queryset=None, label=_("Community"))
    title = forms.CharField(label=_("What happened"), max_length=120,
                            widget=forms.TextInput(attrs={"autocomplete": "off"}))
    location = forms.CharField(label=_("Where"), max_length=200, required=False,
                               help_text=_("A street, a gate, a room: anything that helps find it."))
    estate = forms.ModelChoiceField(queryset=None, label=_("Estate"), required=False)
    building = forms.ModelChoiceField(queryset=None, label=_("Building"), required=False)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Incident.Urgency.choices, initial=Incident.Urgency.HIGH,
                                widget=forms.RadioSelect)
    description = forms.CharField(label=_("Details"), max_length=2000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    photo = forms.FileField(label=_("Photo"), required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}))

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities
        estates = Estate.objects.filter(community__in=communities).order_by("community_id", "name")
        self.fields["estate"].queryset = estates
        self.fields["building"].queryset = Building.objects.filter(community__in=communities).select_related(
            "estate").order_by("estate__name", "name")
        self.fields["building"].label_from_instance = lambda b: f"{b.estate.name} {b.name}"
        first_two = list(communities[:2])
        if len(first_two) == 1:
            self.fields["community"].initial = first_two[0]
            self.fields["community"].widget = forms.HiddenInput()

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo:
            try:
                services.photo_kind(photo)
            except ValidationError as error:
                raise ValidationError(error.message_dict["photo"]) from None
        return photo

    def clean(self):
        data = super().clean()
        if not data.get("location") and not data.get("estate") and not data.get("building"):
            self.add_error("location", _("Say where it happened, or choose an estate or a building."))
        return data


class AssignForm(NamedLengthLimits, forms.Form):
    assignee = forms.ModelChoiceField(queryset=None, label=_("Person"), required=False,
                                      empty_label=_("Nobody in particular"))
    department = forms.CharField(label=_("Department"), max_length=60, required=False,
                                 widget=forms.TextInput(attrs={"list": "departments", "autocomplete": "off"}))
    note = forms.CharField(label=_("Instructions"), max_length=300, required=False)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = people


class ReportInForm(NamedLengthLimits, forms.Form):
    note = forms.CharField(label=_("What was done"), max_length=500,
                           widget=forms.Textarea(attrs={"rows": 2}))


class CloseForm(NamedLengthLimits, forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Incident.Outcome.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
