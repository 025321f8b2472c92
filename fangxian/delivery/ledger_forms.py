"""Forms of the ledger pages. They only shape the input: `ledger` checks what matters (who may,
the amount, the method, an entry reversed once)."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from fangxian.core.forms import NamedLengthLimits

from .models import LedgerEntry


class ReverseForm(NamedLengthLimits, forms.Form):
    reason = forms.CharField(label=_("Reason for the correction"), max_length=200,
                             error_messages={"required": _("Give a reason for the correction.")},
                             widget=forms.TextInput(attrs={"autocomplete": "off"}))
    # Made when the form is shown: a second click of the same form is the same correction.
    event_id = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("event_id", uuid.uuid4())
        super().__init__(*args, **kwargs)


class ReimburseForm(NamedLengthLimits, forms.Form):
    courier = forms.ModelChoiceField(
        queryset=None, label=_("Courier"),
        error_messages={"required": _("Choose the courier you paid back."),
                        "invalid_choice": _("Choose one of the community's couriers.")})
    amount = forms.CharField(label=_("Amount (yuan)"), max_length=20,
                             error_messages={"required": _("Enter an amount in yuan.")},
                             widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
    method = forms.ChoiceField(label=_("Paid in"), choices=LedgerEntry.Method.choices, widget=forms.RadioSelect,
                               error_messages={"required": _("Choose cash or transfer."),
                                               "invalid_choice": _("Choose cash or transfer.")})
    note = forms.CharField(label=_("Note"), max_length=200, required=False,
                           widget=forms.TextInput(attrs={"autocomplete": "off"}))
    event_id = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, couriers, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("event_id", uuid.uuid4())
        super().__init__(*args, **kwargs)
        self.fields["courier"].queryset = couriers
        self.fields["courier"].label_from_instance = lambda user: user.get_username()
