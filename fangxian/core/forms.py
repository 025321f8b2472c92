"""Helpers shared by the forms of every app."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class NamedLengthLimits:
    """Mixed into a form: a text too long is told by its field's name, the way the register's
    own rules say it ("姓名最多 50 个字符。"), not with Django's "确保该变量包含不超过 50 字符"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and field.max_length is not None:
                # The label is formatted now; %(limit_value)d is left for the validator to fill.
                message = gettext("%(field)s has at most %(count)s characters.") % {
                    "field": field.label, "count": "%(limit_value)d"}
                field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
                field.validators.append(MaxLengthValidator(field.max_length, message=message))


class RevealForm(NamedLengthLimits, forms.Form):
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
