"""The forms of the office's task page: assign or reassign, cancel, reopen. Each carries the
hidden `event_id` the page made, so that a form sent twice is stored once (services.task_step)."""

from __future__ import annotations

import datetime as dt
import uuid

from django import forms
from django.utils.translation import gettext_lazy as _


class StepForm(forms.Form):
    event_id = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("event_id", uuid.uuid4())
        super().__init__(*args, **kwargs)


class AssignForm(StepForm):
    courier = forms.ModelChoiceField(label=_("Courier"), queryset=None, empty_label=_("Choose a courier"),
                                     error_messages={"required": _("Choose a courier."),
                                                     "invalid_choice": _("Choose a courier from the list.")})

    def __init__(self, *args, couriers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["courier"].queryset = couriers
        self.fields["courier"].label_from_instance = lambda user: user.get_full_name() or user.get_username()


class CancelForm(StepForm):
    reason = forms.CharField(label=_("Reason"), max_length=200, strip=True,
                             error_messages={"required": _("Say why the task is cancelled.")})
    confirm = forms.BooleanField(label=_("Yes, cancel this task"),
                                 error_messages={"required": _("Tick the box to confirm the cancellation.")})


class ReopenForm(StepForm):
    note = forms.CharField(label=_("Note"), max_length=200, required=False, strip=True)


class DayForm(forms.Form):
    """The ?day= of the task list and its Excel: a date, else today."""

    day = forms.DateField(required=False)

    @classmethod
    def day_of(cls, query, today: dt.date) -> tuple[dt.date, bool]:
        """(the day asked for, or today; whether a valid day was asked for)."""
        form = cls({"day": str(query.get("day", ""))[:10]})
        if form.is_valid() and form.cleaned_data["day"]:
            return form.cleaned_data["day"], True
        return today, False
