"""Forms of the care pages. They only shape the input: care_services checks what matters
(who, which day, which rule)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fangxian.core.forms import NamedLengthLimits

from .models import CareCategory, CareVisit


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class VisitForm(NamedLengthLimits, forms.Form):
    visited_on = forms.DateField(label=_("Day of the visit"), widget=DateInput())
    situation = forms.CharField(label=_("Situation"), max_length=500,
                                widget=forms.Textarea(attrs={"rows": 3}),
                                help_text=_("Health, mood, home, anything to watch."))
    needs = forms.CharField(label=_("Needs"), max_length=300, required=False,
                            widget=forms.TextInput(attrs={"autocomplete": "off"}))
    help_given = forms.CharField(label=_("Help given"), max_length=300, required=False,
                                 widget=forms.TextInput(attrs={"autocomplete": "off"}))
    next_step = forms.ChoiceField(label=_("Next step"), choices=CareVisit.NextStep.choices,
                                  initial=CareVisit.NextStep.NONE, widget=forms.RadioSelect)
    next_visit_on = forms.DateField(label=_("Next visit on"), required=False, widget=DateInput(),
                                    help_text=_("Only for \"visit sooner\"."))


class RuleForm(NamedLengthLimits, forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=CareCategory.choices)
    every_days = forms.IntegerField(label=_("Visit every (days)"), min_value=1, max_value=90)
    effective_from = forms.DateField(label=_("In force from"), widget=DateInput())
    effective_to = forms.DateField(label=_("In force until"), required=False, widget=DateInput(),
                                   help_text=_("Leave empty for a rule with no end."))
    confirm = forms.BooleanField(label=_("End the rule in force the day before"), required=False)


class AssignForm(forms.Form):
    visitor = forms.ModelChoiceField(queryset=None, label=_("Care visitor"), required=False,
                                     empty_label=_("Nobody (take the visitor away)"))
    people = forms.ModelMultipleChoiceField(queryset=None, label=_("People"), widget=forms.CheckboxSelectMultiple,
                                            error_messages={"required": _("Tick the people to assign.")})

    def __init__(self, *args, visitors, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visitor"].queryset = visitors
        self.fields["people"].queryset = people
