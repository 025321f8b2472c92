from django import forms
from django.utils.translation import gettext_lazy as _

from .models import TEXT_FIELDS, ZERO_FIELDS


class ReportForm(forms.Form):
    """The fill-in part of a report. The numbers may be left blank while drafting; the service
    refuses to submit with a blank one (0 is an answer)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in ZERO_FIELDS:
            self.fields[name] = forms.IntegerField(
                label=label, required=False, min_value=0, max_value=1_000_000,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}))
        for name, label in TEXT_FIELDS:
            self.fields[name] = forms.CharField(label=label, required=False, max_length=2000,
                                                widget=forms.Textarea(attrs={"rows": 3}))


class CorrectionForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the correction"), max_length=200)


class DeadlineForm(forms.Form):
    community = forms.ModelChoiceField(queryset=None, label=_("Community"))
    time = forms.TimeField(label=_("Deadline"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    effective_from = forms.DateField(label=_("In force from"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities
