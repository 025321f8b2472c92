"""Forms of the roster pages. Choices are limited to what the user may write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fangxian.access.models import Checkpoint
from fangxian.core.forms import NamedLengthLimits
from fangxian.core.personal import mask_name

from ..models import Pair, RosterRules, ShiftRequest, ShiftTemplate, Volunteer

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class ShiftTemplateForm(NamedLengthLimits, forms.ModelForm):
    class Meta:
        model = ShiftTemplate
        fields = ["checkpoint", "name", "start", "end", "minimum", "preferred", "leader_required", "active"]
        widgets = {"start": TIME, "end": TIME}

    def __init__(self, *args, checkpoints, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["checkpoint"].queryset = checkpoints
        self.fields["checkpoint"].empty_label = _("Leader on duty (staff only)")

    def clean(self):
        # A checkpoint's shift belongs to the checkpoint's community: set it before the model's
        # own checks run (a new template has no community yet, and would fail "not in the community").
        cleaned = super().clean()
        checkpoint = cleaned.get("checkpoint")
        if checkpoint is not None:
            self.instance.community_id = checkpoint.community_id
        return cleaned


class RosterRulesForm(NamedLengthLimits, forms.ModelForm):
    class Meta:
        model = RosterRules
        exclude = ["community", "set_by"]
        widgets = {"effective_from": DATE}


class PlanForm(NamedLengthLimits, forms.Form):
    first_day = forms.DateField(label=_("first day"), widget=DATE)
    days = forms.IntegerField(label=_("number of days"), min_value=1, max_value=62, initial=14)
    seconds = forms.IntegerField(label=_("solving time (seconds)"), min_value=1, max_value=600, initial=30)


class ReplanForm(NamedLengthLimits, forms.Form):
    volunteer = forms.ModelChoiceField(label=_("who drops out"), queryset=Volunteer.objects.none())
    from_date = forms.DateField(label=_("from"), widget=DATE)
    to_date = forms.DateField(label=_("until"), widget=DATE, required=False,
                              help_text=_("Empty: to the end of the roster. The same day: gives back one shift."))

    def __init__(self, *args, volunteers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = volunteers


class ShiftRequestForm(NamedLengthLimits, forms.ModelForm):
    class Meta:
        model = ShiftRequest
        fields = ["volunteer", "date", "template", "want", "weight"]
        widgets = {"date": DATE}

    def __init__(self, *args, volunteers, templates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = volunteers
        self.fields["template"].queryset = templates


class PairForm(NamedLengthLimits, forms.ModelForm):
    class Meta:
        model = Pair
        fields = ["first", "second", "note"]

    def __init__(self, *args, volunteers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first"].queryset = volunteers
        self.fields["second"].queryset = volunteers


class SwapForm(NamedLengthLimits, forms.Form):
    to_volunteer = forms.ModelChoiceField(label=_("who takes it over"), queryset=Volunteer.objects.none())
    reason = forms.CharField(label=_("reason"), max_length=200, required=False)

    def __init__(self, *args, volunteers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_volunteer"].queryset = volunteers
        # The page is public: first names only, masked like a pass card.
        self.fields["to_volunteer"].label_from_instance = lambda v: mask_name(v.name)


def checkpoint_choices(scope):
    return scope.filter(Checkpoint.objects.filter(active=True), for_write=True).order_by("name", "pk")
