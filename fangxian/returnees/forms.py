"""Forms of the returnees pages. They only collect input: the services check it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fangxian.core.forms import NamedLengthLimits
from fangxian.registry.models import Building

from .models import Measure, RiskArea
from .services import Decision

COMPANION_ROWS = 3
COMPANION_FIELDS = (("name", _("Name")), ("national_id", _("ID number")), ("phone", _("Mobile")),
                    ("relation", _("relation")))


class DateInput(forms.DateInput):
    input_type = "date"


class RegistrationForm(NamedLengthLimits, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60, required=False)
    national_id = forms.CharField(label=_("ID number"), max_length=30, required=False)
    phone = forms.CharField(label=_("Mobile"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel"}))
    building = forms.ModelChoiceField(label=_("Building"), queryset=Building.objects.none(), required=False,
                                      empty_label=_("Choose your building"))
    room = forms.CharField(label=_("Room"), max_length=20, required=False)
    from_province = forms.CharField(label=_("Coming from: province"), max_length=30, required=False)
    from_city = forms.CharField(label=_("City"), max_length=30, required=False)
    from_district = forms.CharField(label=_("District"), max_length=30, required=False)
    route = forms.CharField(label=_("Route"), max_length=200, required=False,
                            help_text=_("For example: Wuhan → Guangzhou → Shenzhen"))
    transport = forms.CharField(label=_("Transport"), max_length=60, required=False,
                                help_text=_("Train number, flight, car plate or bus"))
    arrival_date = forms.DateField(label=_("Arrival date"), required=False, widget=DateInput)
    symptoms = forms.BooleanField(label=_("I have a fever, a cough or other symptoms today"), required=False)
    symptoms_note = forms.CharField(label=_("Which symptoms"), max_length=200, required=False)
    temperature = forms.CharField(label=_("Temperature today (°C)"), max_length=5, required=False,
                                  widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    consent = forms.BooleanField(label=_("I have read the privacy notice and agree to it"), required=False)

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.community = community
        self.fields["building"].queryset = Building.objects.filter(community=community).select_related(
            "estate").order_by("estate__name", "name")
        for index in range(COMPANION_ROWS):
            for field, label in COMPANION_FIELDS:
                self.fields[f"companion_{index}_{field}"] = forms.CharField(
                    label=f"{gettext('Companion %(n)s') % {'n': index + 1}} · {label}", max_length=30,
                    required=False)

    def companion_rows(self):
        return [[self[f"companion_{index}_{field}"] for field, _label in COMPANION_FIELDS]
                for index in range(COMPANION_ROWS)]

    def clean(self):
        data = super().clean()
        building, room = data.get("building"), " ".join(str(data.get("room") or "").split())
        data["dwelling"] = None
        if building is None:
            self.add_error("building", _("Choose your building."))
        elif not room:
            self.add_error("room", _("Enter your room number."))
        else:
            dwelling = building.dwellings.filter(room=room).first()
            if dwelling is None:
                self.add_error("room", _("There is no room %(room)s in %(building)s: check the number.")
                               % {"room": room, "building": building})
            data["dwelling"] = dwelling
        return data

    def service_data(self) -> tuple[dict, list[dict]]:
        data = dict(self.cleaned_data)
        companions = [{field: data.pop(f"companion_{index}_{field}", "") for field, _label in COMPANION_FIELDS}
                      for index in range(COMPANION_ROWS)]
        return data, companions


class RiskAreaForm(NamedLengthLimits, forms.ModelForm):
    class Meta:
        model = RiskArea
        fields = ["province", "city", "district", "level", "measure", "quarantine_days", "effective_from",
                  "effective_to"]
        widgets = {"effective_from": DateInput, "effective_to": DateInput}


class ReviewForm(NamedLengthLimits, forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[
        (Decision.APPROVE, _("Approve: move-in slip and pass")),
        (Decision.HOME_QUARANTINE, _("Home quarantine")),
        (Decision.CENTRAL_QUARANTINE, _("Refer to central quarantine")),
        (Decision.REJECT, _("Reject")),
    ], widget=forms.RadioSelect)
    days = forms.IntegerField(label=_("Days of home quarantine"), min_value=1, max_value=60, required=False)
    reason = forms.CharField(label=_("Reason"), max_length=200)


class BulkReviewForm(NamedLengthLimits, forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[
        (Decision.APPROVE, _("Approve: move-in slip and pass")),
        (Decision.REJECT, _("Reject")),
    ])
    reason = forms.CharField(label=_("Reason"), max_length=200)


class CheckInForm(NamedLengthLimits, forms.Form):
    temperature = forms.CharField(label=_("Temperature (°C)"), max_length=5,
                                  widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    symptoms = forms.BooleanField(label=_("Fever, cough or other symptoms"), required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    event_id = forms.UUIDField(required=False, widget=forms.HiddenInput)


class ReleaseForm(NamedLengthLimits, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class ExtendForm(NamedLengthLimits, forms.Form):
    days = forms.IntegerField(label=_("Extend by (days)"), min_value=1, max_value=60)
    reason = forms.CharField(label=_("Reason"), max_length=200)


MEASURE_CHOICES = Measure.choices
