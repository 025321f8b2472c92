"""The form of a donation received. It only shapes the input and names the row of a bad item
line; `services.donation_record` checks what matters (the donor's name unless anonymous, the
display name, the day, the value, at least one line)."""

from __future__ import annotations

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fangxian.core.forms import NamedLengthLimits

from . import stock
from .models import Donation

LINE_ROWS = 6


class DonationForm(NamedLengthLimits, forms.Form):
    donor_kind = forms.ChoiceField(
        label=_("Who gave it"), choices=Donation.DonorKind.choices, widget=forms.RadioSelect,
        error_messages={"required": _("Choose who gave it."), "invalid_choice": _("Choose who gave it.")})
    donor_name = forms.CharField(label=_("Donor's name"), max_length=80, required=False,
                                 widget=forms.TextInput(attrs={"autocomplete": "off"}))
    donor_phone = forms.CharField(label=_("Donor's phone (optional)"), max_length=20, required=False,
                                  widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))
    naming = forms.ChoiceField(
        label=_("Named publicly?"), choices=Donation.Naming.choices, widget=forms.RadioSelect,
        initial=Donation.Naming.NOT_NAMED,
        error_messages={"required": _("Choose whether the donor may be named publicly."),
                        "invalid_choice": _("Choose whether the donor may be named publicly.")})
    display_name = forms.CharField(label=_("Display name"), max_length=60, required=False,
                                   widget=forms.TextInput(attrs={"autocomplete": "off"}))
    received_on = forms.DateField(label=_("Received on"),
                                  widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                  error_messages={"required": _("Give the day the donation was received."),
                                                  "invalid": _("Give the day as YYYY-MM-DD.")})
    value = forms.CharField(label=_("Estimated value (yuan, optional)"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
    note = forms.CharField(label=_("Note"), max_length=200, required=False,
                           widget=forms.TextInput(attrs={"autocomplete": "off"}))
    # Made when the form is shown: a second click of the same form records the donation once.
    event_id = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, items, **kwargs):
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("event_id", uuid.uuid4())
        initial.setdefault("received_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.items = {str(item.pk): item for item in items}
        choices = [("", gettext("— item —"))] + [(pk, str(item)) for pk, item in self.items.items()]
        for n in range(1, LINE_ROWS + 1):
            self.fields[f"item_{n}"] = forms.ChoiceField(label=_("Item"), choices=choices, required=False)
            self.fields[f"quantity_{n}"] = forms.CharField(
                label=_("Quantity"), max_length=9, required=False,
                widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
        self.line_rows: list[int] = []  # the row number of each clean line, in order

    def clean(self):
        data = super().clean()
        lines = []
        self.line_rows = []
        for n in range(1, LINE_ROWS + 1):
            item_key = self.data.get(self.add_prefix(f"item_{n}"), "")
            quantity = str(self.data.get(self.add_prefix(f"quantity_{n}"), "") or "").strip()
            if not item_key and not quantity:
                continue  # an empty row
            item = self.items.get(str(item_key))
            if item is None:
                self.add_error(f"item_{n}", gettext("Line %(n)d: choose one of the community's items.") % {"n": n})
                continue
            try:
                lines.append((item, stock.clean_quantity(quantity)))
            except ValidationError:
                self.add_error(f"quantity_{n}", gettext(
                    "Line %(n)d: enter a whole number of units from 1 to 1,000,000.") % {"n": n})
                continue
            self.line_rows.append(n)
        if not lines and not any(key.startswith(("item_", "quantity_")) for key in self.errors):
            self.add_error(None, gettext("Add at least one item with its quantity."))
        data["lines"] = lines
        return data

    def rows(self):
        """The item rows, for the template: (number, item field, quantity field)."""
        return [(n, self[f"item_{n}"], self[f"quantity_{n}"]) for n in range(1, LINE_ROWS + 1)]

    def attach(self, error: ValidationError) -> None:
        """The service's messages beside their fields; `line_k` beside the k-th filled row."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error.messages)
            return
        for key, messages in error.message_dict.items():
            if key.startswith("line_") and key[5:].isdigit() and 0 < int(key[5:]) <= len(self.line_rows):
                self.add_error(f"quantity_{self.line_rows[int(key[5:]) - 1]}", messages)
            else:
                self.add_error(key if key in self.fields else None, messages)
