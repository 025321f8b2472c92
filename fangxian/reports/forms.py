from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import TEXT_FIELDS, ZERO_FIELDS

NUMBER_MAX = 1_000_000
TEXT_MAX = 2000
REASON_MAX = 200


def _named(message: str, field, **more) -> str:
    """A message naming its field instead of Django's stock one ("确保该变量包含不超过 N 字符"):
    built when the form is made, in the request's language."""
    return message % {"field": field, **more}


class ReportForm(forms.Form):
    """The fill-in part of a report. The numbers may be left blank while drafting; the service
    refuses to submit with a blank one (0 is an answer)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        number = gettext("%(field)s: enter a whole number, 0 or more.")
        for name, label in ZERO_FIELDS:
            self.fields[name] = forms.IntegerField(
                label=label, required=False, min_value=0, max_value=NUMBER_MAX,
                error_messages={"invalid": _named(number, label), "min_value": _named(number, label),
                                "max_value": _named(gettext("%(field)s: at most %(n)s."), label, n=f"{NUMBER_MAX:,}")},
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}))
        too_long = gettext("%(field)s: at most %(n)s characters.")
        for name, label in TEXT_FIELDS:
            self.fields[name] = forms.CharField(
                label=label, required=False, max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}),
                error_messages={"max_length": _named(too_long, label, n=TEXT_MAX)})


class CorrectionForm(forms.Form):
    # The length and the blank are the service's to judge, with its own messages naming the
    # field; the browser's maxlength only stops typing past it.
    reason = forms.CharField(label=_("Reason for the correction"), required=False,
                             widget=forms.TextInput(attrs={"maxlength": REASON_MAX}))


class DeadlineForm(forms.Form):
    community = forms.ModelChoiceField(queryset=None, label=_("Community"))
    time = forms.TimeField(label=_("Deadline"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    effective_from = forms.DateField(label=_("In force from"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities
