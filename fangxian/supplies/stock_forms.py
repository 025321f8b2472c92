"""Forms of the stock pages. They only shape the input: `stock` and `services` check what
matters (who may, the quantity, a stock below zero, a reason, a name used twice)."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from fangxian.core.forms import NamedLengthLimits

from .models import Movement

K = Movement.Kind
R = Movement.Recipient

ACTS = ("in", "out", "transfer")
OUT_KINDS = [(K.ISSUE, K.ISSUE.label), (K.USE, K.USE.label), (K.LOSS, K.LOSS.label), (K.EXPIRY, K.EXPIRY.label)]
RECIPIENTS = [(R.HOUSEHOLD, R.HOUSEHOLD.label), (R.DELIVERY, R.DELIVERY.label), (R.FRONT_LINE, R.FRONT_LINE.label),
              (R.OTHER, R.OTHER.label)]


class _EventForm(NamedLengthLimits, forms.Form):
    # Made when the page is shown: a second click of the same form is the same act.
    event_id = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("event_id", uuid.uuid4())
        super().__init__(*args, **kwargs)


class ItemForm(NamedLengthLimits, forms.Form):
    name = forms.CharField(label=_("Item"), max_length=40, required=False,
                           widget=forms.TextInput(attrs={"autocomplete": "off"}))
    unit = forms.CharField(label=_("Unit"), max_length=10, required=False,
                           widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "个"}))
    low_stock = forms.CharField(label=_("Low-stock threshold"), max_length=9, required=False,
                                widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    key = forms.BooleanField(label=_("Key item (in the daily report)"), required=False)


class MovementForm(_EventForm):
    """One of the three record forms of the ledger page, told apart by `act`."""

    act = forms.ChoiceField(choices=[(a, a) for a in ACTS], widget=forms.HiddenInput)
    item = forms.ModelChoiceField(queryset=None, label=_("Item"), empty_label="—",
                                  error_messages={"required": _("Choose the item."),
                                                  "invalid_choice": _("Choose one of the community's items.")})
    place = forms.ModelChoiceField(queryset=None, label=_("Place"), empty_label="—",
                                   error_messages={"required": _("Choose the place."),
                                                   "invalid_choice": _("Choose one of the community's places.")})
    target = forms.ModelChoiceField(queryset=None, label=_("To"), required=False, empty_label="—",
                                    error_messages={"invalid_choice": _("Choose one of the community's places.")})
    kind = forms.ChoiceField(label=_("Kind of stock out"), choices=[("", "—"), *OUT_KINDS], required=False)
    recipient = forms.ChoiceField(label=_("Issued to"), choices=[("", "—"), *RECIPIENTS], required=False)
    quantity = forms.CharField(label=_("Quantity"), max_length=9,
                               error_messages={"required": _("Enter a whole number of units from 1 to 1,000,000.")},
                               widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    note = forms.CharField(label=_("Note"), max_length=200, required=False,
                           widget=forms.TextInput(attrs={"autocomplete": "off"}))

    def __init__(self, *args, act: str, items, places, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("act", act)
        kwargs.setdefault("auto_id", f"id_{act}_%s")
        super().__init__(*args, **kwargs)
        self.act = act
        self.fields["item"].queryset = items
        self.fields["place"].queryset = places
        self.fields["target"].queryset = places
        if act == "transfer":
            self.fields["place"].label = _("From")
            self.fields["target"].required = True
            self.fields["target"].error_messages["required"] = _("Choose the place the stock goes to.")

    def clean(self):
        data = super().clean()
        if self.act == "out":
            kind = data.get("kind")
            if not kind:
                self.add_error("kind", _("Choose what happened to the stock."))
            elif kind == K.ISSUE and not data.get("recipient"):
                self.add_error("recipient", _("Choose whom it was issued to."))
        return data


class ReverseForm(_EventForm):
    reason = forms.CharField(label=_("Reason for the reversal"), max_length=200,
                             error_messages={"required": _("Say why this movement is reversed.")},
                             widget=forms.TextInput(attrs={"autocomplete": "off"}))
