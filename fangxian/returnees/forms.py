"""Forms of the returnees pages. They only collect input: the services check it."""

from __future__ import annotations

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fangxian.core.forms import NamedLengthLimits
from fangxian.registry.models import Building

from .limits import QUARANTINE_DAYS, REASON_MAX, days_message
from .models import Measure, QuarantineChange, RiskArea
from .services import Decision

COMPANION_ROWS = 3
COMPANION_FIELDS = (("name", _("Name")), ("national_id", _("ID number")), ("phone", _("Mobile")),
                    ("relation", _("relation")))


class DateInput(forms.DateInput):
    input_type = "date"


def days_field(label, *, low: int = QUARANTINE_DAYS[0], required: bool = True) -> forms.IntegerField:
    """Days of home quarantine within the one allowed range (limits.QUARANTINE_DAYS); a number
    outside is told with the range."""
    message = lazy(days_message, str)()  # the form class is made at import, before a language is chosen
    return forms.IntegerField(label=label, min_value=low, max_value=QUARANTINE_DAYS[1], required=required,
                              error_messages={"invalid": message, "min_value": message, "max_value": message})


class ReasonNotCut(NamedLengthLimits):
    """A reason pasted too long is told with the limit, never cut: the browser's maxlength
    would cut a pasted text silently, so the server judges the length."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.pop("maxlength", None)


def reason_field(label=_("Reason"), *, required: bool = True) -> forms.CharField:
    return forms.CharField(label=label, max_length=REASON_MAX, required=required)


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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # 0 when the measure is not home quarantine; else the one allowed range.
        label = self.fields["quarantine_days"].label
        self.fields["quarantine_days"] = days_field(label, low=0)
        self.fields["quarantine_days"].initial = 0


class ReviewForm(ReasonNotCut, forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[
        (Decision.APPROVE, _("Approve: move-in slip and pass")),
        (Decision.HOME_QUARANTINE, _("Home quarantine")),
        (Decision.CENTRAL_QUARANTINE, _("Refer to central quarantine")),
        (Decision.REJECT, _("Reject")),
    ], widget=forms.RadioSelect)
    days = days_field(_("Days of home quarantine"), required=False)
    reason = reason_field()


class BulkReviewForm(ReasonNotCut, forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[
        (Decision.APPROVE, _("Approve: move-in slip and pass")),
        (Decision.REJECT, _("Reject")),
    ])
    reason = reason_field()


class CheckInForm(NamedLengthLimits, forms.Form):
    temperature = forms.CharField(label=_("Temperature (°C)"), max_length=5,
                                  widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    symptoms = forms.BooleanField(label=_("Fever, cough or other symptoms"), required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    event_id = forms.UUIDField(required=False, widget=forms.HiddenInput)


class ReleaseForm(ReasonNotCut, forms.Form):
    reason = reason_field()


class ExtendForm(ReasonNotCut, forms.Form):
    days = days_field(_("Extend by (days)"))
    reason = reason_field()


class ChangeForm(ReasonNotCut, forms.Form):
    """Ask for an early release or a shortening (an admin approves)."""

    kind = forms.ChoiceField(label=_("Change"), choices=QuarantineChange.Kind.choices, widget=forms.RadioSelect,
                             initial=QuarantineChange.Kind.EARLY_RELEASE)
    new_end = forms.DateField(label=_("Release on, or new planned end"), required=False, widget=DateInput,
                              help_text=_("Early release: empty for today. Shortening: the new planned end."))
    reason = reason_field()


class DecideForm(ReasonNotCut, forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("refuse", _("Refuse"))])
    note = reason_field(_("Note"), required=False)


MEASURE_CHOICES = Measure.choices
