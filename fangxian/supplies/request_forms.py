"""Forms of the requests pages. They only shape the input: the services check what matters (who
may ask, the quantity, the status, the stock)."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from fangxian.core.forms import NamedLengthLimits

NUMBER = {"inputmode": "numeric", "pattern": "[0-9]*", "autocomplete": "off"}


class AskForm(NamedLengthLimits, forms.Form):
    place = forms.ModelChoiceField(
        queryset=None, label=_("For which checkpoint"), empty_label=None,
        error_messages={"required": _("Choose the checkpoint that needs it."),
                        "invalid_choice": _("Choose one of your checkpoints.")})
    item = forms.ModelChoiceField(
        queryset=None, label=_("What is needed"), empty_label=_("Choose an item"),
        error_messages={"required": _("Choose what is needed."),
                        "invalid_choice": _("Choose one of the community's items.")})
    quantity = forms.CharField(label=_("How many"), max_length=8,
                               error_messages={"required": _("Enter how many units are needed.")},
                               widget=forms.TextInput(attrs=NUMBER))
    people = forms.CharField(label=_("People it serves"), max_length=6, required=False,
                             widget=forms.TextInput(attrs=NUMBER))
    note = forms.CharField(label=_("What for"), max_length=200, required=False,
                           widget=forms.TextInput(attrs={"autocomplete": "off"}))
    # Made when the form is shown: a second tap of the same form is the same request.
    event_id = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, places, items, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("event_id", uuid.uuid4())
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = places
        self.fields["item"].queryset = items
        several = len({p.community_id for p in places}) > 1
        self.fields["item"].label_from_instance = (
            (lambda item: f"{item.community.name} · {item.name} ({item.unit})") if several
            else (lambda item: f"{item.name} ({item.unit})"))

    def clean(self):
        data = super().clean()
        place, item = data.get("place"), data.get("item")
        if place is not None and item is not None and place.community_id != item.community_id:
            self.add_error("item", _("Choose an item of that checkpoint's community."))
        return data


class DecideForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("refuse", _("Refuse"))],
                                 error_messages={"required": _("Choose to approve or to refuse."),
                                                 "invalid_choice": _("Choose to approve or to refuse.")})
    note = forms.CharField(label=_("Reason"), max_length=200, required=False)


class IssueForm(forms.Form):
    quantity = forms.CharField(label=_("Quantity to issue"), max_length=8,
                               error_messages={"required": _("Enter how many units are issued.")},
                               widget=forms.TextInput(attrs=NUMBER))
    source = forms.ModelChoiceField(queryset=None, label=_("From"), required=False,
                                    error_messages={"invalid_choice": _("Choose a place of the community.")})
    event_id = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, sources, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("event_id", uuid.uuid4())
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = sources
