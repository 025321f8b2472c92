"""Forms of the household pages and of the household's phone link. They only shape the
input: the services (services.request_make, households.household_profile_set,
ledger.repayment_record) check what matters and name the field of a bad value."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fangxian.core.forms import NamedLengthLimits

from .households import DIETARY_MAX
from .models import LedgerEntry, Task

REQUEST_CHOICES = [(kind.value, kind.label) for kind in (Task.Kind.SHOPPING, Task.Kind.MEDICINE,
                                                         Task.Kind.GARBAGE, Task.Kind.OTHER)]
ME = "me"


class RequestForm(NamedLengthLimits, forms.Form):
    """A request for a household: the kind, what to bring, a budget for shopping."""

    kind = forms.ChoiceField(label=_("Kind of request"), choices=REQUEST_CHOICES, widget=forms.RadioSelect,
                             initial=Task.Kind.SHOPPING)
    items = forms.CharField(label=_("What to bring"), max_length=1000, required=False,
                            widget=forms.Textarea(attrs={"rows": 4}),
                            help_text=_("One item a line, with the quantity. Not needed for a garbage pickup."))
    # Text, not a number field: the service reads "80", "80.5", "¥80" and names the field when it cannot.
    budget = forms.CharField(label=_("Budget (yuan)"), max_length=20, required=False,
                             widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
                             help_text=_("For shopping only: the most the volunteer may spend."))
    event_id = forms.UUIDField(required=False, widget=forms.HiddenInput)


class ProfileForm(NamedLengthLimits, forms.Form):
    dietary = forms.CharField(label=_("Dietary notes"), max_length=DIETARY_MAX, required=False,
                              help_text=_("For example halal, vegetarian, soft food, no spice."))
    phone_shared = forms.BooleanField(label=_("The volunteer who delivers may see the phone number"),
                                      required=False)


class RepaymentForm(NamedLengthLimits, forms.Form):
    """Money the household paid back, and who received it: the user or one of the couriers."""

    amount = forms.CharField(label=_("Amount (yuan)"), max_length=20,
                             widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
    method = forms.ChoiceField(label=_("Paid in"), choices=LedgerEntry.Method.choices, widget=forms.RadioSelect,
                               initial=LedgerEntry.Method.CASH)
    payee = forms.ChoiceField(label=_("Received by"))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    event_id = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, couriers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.couriers = {str(user.pk): user for user in couriers}
        self.fields["payee"].choices = [(ME, _("Me"))] + [(pk, user.get_username())
                                                          for pk, user in self.couriers.items()]
        self.fields["payee"].initial = ME

    def payee_user(self, user):
        """The user who received the money."""
        value = self.cleaned_data["payee"]
        return user if value == ME else self.couriers.get(value)


class ConfirmForm(forms.Form):
    """The household confirms it received a delivered task."""

    task = forms.IntegerField(widget=forms.HiddenInput)
    event_id = forms.UUIDField(required=False, widget=forms.HiddenInput)
