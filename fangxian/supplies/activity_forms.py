"""The form of the supplies given out at a team activity: one line (item, place, quantity) per
send, written as one act by `stock.stock_out`, which checks the quantity and the stock."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from fangxian.core.forms import NamedLengthLimits


class ActivityIssueForm(NamedLengthLimits, forms.Form):
    # Made when the page is shown: a second click of the same form is the same act.
    event_id = forms.UUIDField(required=False, widget=forms.HiddenInput)
    item = forms.ModelChoiceField(queryset=None, label=_("Item"),
                                  error_messages={"required": _("Choose the item."),
                                                  "invalid_choice": _("Choose one of the community's items.")})
    place = forms.ModelChoiceField(queryset=None, label=_("Taken from"),
                                   error_messages={"required": _("Choose the place."),
                                                   "invalid_choice": _("Choose one of the community's places.")})
    quantity = forms.CharField(label=_("Quantity"), max_length=9,
                               error_messages={"required": _("Enter a whole number of units from 1 to 1,000,000.")},
                               widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    note = forms.CharField(label=_("Note"), max_length=200, required=False,
                           widget=forms.TextInput(attrs={"autocomplete": "off"}))

    def __init__(self, *args, items, places, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("event_id", uuid.uuid4())
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items
        self.fields["place"].queryset = places
        self.fields["place"].empty_label = None
