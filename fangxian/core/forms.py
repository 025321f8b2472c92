"""Helpers shared by the forms of every app."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class RevealForm(forms.Form):
    """Seeing an ID number or a mobile in full: which, and why (core.services.personal_reveal)."""

    field = forms.ChoiceField(choices=[("national_id", _("ID number")), ("phone", _("Mobile"))])
    reason = forms.CharField(label=_("Reason"), max_length=200, min_length=2)


def attach_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: each message beside its field, or at
    the top of the form when the field is not one of the form's."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)
