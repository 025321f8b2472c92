"""Forms of the registry pages. They only collect and shape input; the services validate
and write (registry.services), so the page and the API give the same answers."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangxian.core.forms import NamedLengthLimits
from fangxian.core.validators import fold_width

from . import person_rules
from .models import PERSON_TAGS, Building, Dwelling, Estate, Grid, Person


class PersonForm(NamedLengthLimits, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    national_id = forms.CharField(
        label=_("ID number"), max_length=30, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", _("From the ID number"))] + Person.Sex.choices,
                            required=False)
    birth_date = forms.DateField(label=_("Birth date"), required=False,
                                 help_text=_("Left blank, it is read from the ID number."),
                                 widget=forms.DateInput(attrs={"type": "date"}))
    phone = forms.CharField(label=_("Mobile"), max_length=30, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))
    no_smartphone = forms.BooleanField(label=_("No smartphone"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=Person.Kind.choices, initial=Person.Kind.PERMANENT)
    building = forms.ModelChoiceField(label=_("Building"), queryset=Building.objects.none())
    room = forms.CharField(label=_("Room"), widget=forms.TextInput(attrs={"maxlength": person_rules.ROOM_MAX_LENGTH}))

    def __init__(self, *args, buildings, person: Person | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for field, label in PERSON_TAGS:
            self.fields[field] = forms.BooleanField(label=label, required=False)
        self.fields["building"].queryset = buildings.select_related("estate")
        self.person = person
        if person is not None:
            # The full ID number and phone are never put into a page: blank keeps them.
            keep = _("Leave blank to keep %(masked)s.")
            self.fields["national_id"].help_text = keep % {"masked": person.national_id_masked}
            self.fields["phone"].help_text = keep % {"masked": person.phone_masked or "—"}
        else:
            self.fields["national_id"].required = True

    def clean_room(self):
        return clean_room(self.cleaned_data["room"])

    def clean(self):
        cleaned = super().clean()
        building, room = cleaned.get("building"), (cleaned.get("room") or "").strip()
        if building and room:
            dwelling = Dwelling.objects.filter(building=building, room=room).first()
            if dwelling is None:
                self.add_error("room", _("There is no room %(room)s in %(building)s.") % {
                    "room": room, "building": building})
            cleaned["dwelling"] = dwelling
        return cleaned

    def service_data(self) -> dict:
        """The cleaned input in the shape registry.services expects; blank ID/phone on an
        edit means 'keep', so they are left out."""
        data = {key: self.cleaned_data[key] for key in ("name", "kind", "no_smartphone", "dwelling")}
        data.update({field: self.cleaned_data[field] for field, _label in PERSON_TAGS})
        for key in ("national_id", "phone", "sex", "birth_date"):
            value = self.cleaned_data.get(key)
            if value or (self.person is None and key == "phone"):
                data[key] = value
        return data


class BuildingForm(NamedLengthLimits, forms.Form):
    estate = forms.ModelChoiceField(label=_("Estate"), queryset=Estate.objects.none())
    name = forms.CharField(label=pgettext_lazy("place", "Name"), max_length=40, help_text=_("For example 3栋 or A座."))
    floors = forms.IntegerField(label=_("Floors"), min_value=1, max_value=200, initial=6)
    grid = forms.ModelChoiceField(label=_("Grid"), queryset=Grid.objects.none(), required=False)
    rooms_per_floor = forms.IntegerField(
        label=_("Rooms per floor"), min_value=0, max_value=50, initial=0, required=False,
        help_text=_("Rooms 101, 102 … are registered with the building; 0 registers none."),
    )

    def __init__(self, *args, estates, grids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["estate"].queryset = estates
        self.fields["grid"].queryset = grids


def clean_room(room: str) -> str:
    """A room number as the register keeps it, or the reason it cannot be one (person_rules)."""
    room = fold_width(room or "").strip()
    fault = person_rules.room_fault(room)
    if fault:
        raise forms.ValidationError(fault)
    return room


class DwellingForm(NamedLengthLimits, forms.Form):
    # No max_length here: person_rules.room_fault names the limit, as the import and the person form do.
    room = forms.CharField(label=_("Room"), widget=forms.TextInput(attrs={"maxlength": person_rules.ROOM_MAX_LENGTH}))

    def clean_room(self):
        return clean_room(self.cleaned_data["room"])


class FullExportForm(NamedLengthLimits, forms.Form):
    """The unmasked register export: why it is needed (written to the audit log like a reveal)."""

    reason = forms.CharField(label=_("Reason"), max_length=200, min_length=2,
                             help_text=_("For example: updating the register in Excel and importing it again."))
