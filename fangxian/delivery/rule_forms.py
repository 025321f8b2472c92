"""The form of a meal rule. It only shapes the input: meals.rule_add checks what matters (the
day, the hours), with a message naming the field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class RuleForm(forms.Form):
    effective_from = forms.DateField(label=_("In force from"), required=False, widget=DateInput())
    breakfast_by = forms.TimeField(label=_("Breakfast delivered by"), required=False, widget=TimeInput(),
                                   help_text=_("Leave empty when breakfast is not served."))
    lunch_by = forms.TimeField(label=_("Lunch delivered by"), required=False, widget=TimeInput(),
                               help_text=_("Leave empty when lunch is not served."))
    dinner_by = forms.TimeField(label=_("Dinner delivered by"), required=False, widget=TimeInput(),
                                help_text=_("Leave empty when dinner is not served."))
    request_hours = forms.IntegerField(label=_("Requests delivered within (hours)"), required=False,
                                       widget=forms.NumberInput(attrs={"min": 1, "max": 72, "inputmode": "numeric"}),
                                       help_text=_("Shopping, medicine and garbage pickups: from 1 to 72 hours."))
