"""Forms of the run sheet and the standing assignments. They only shape the input (and make
sure an upload is a photo); the services check what matters (who, which step, how much)."""

from __future__ import annotations

import io
import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps, UnidentifiedImageError

from fangxian.core.forms import NamedLengthLimits

from .models import LedgerEntry

PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MAX_SIDE = 2000  # pixels: enough to read a receipt, small enough for a phone's upload
# A decompression bomb (a tiny file that opens as a huge image) is refused, never decoded.
PHOTO_MAX_PIXELS = 40_000_000
STEPS = (("picked_up", gettext_lazy("Picked up")), ("delivered", gettext_lazy("Delivered")),
         ("failed", gettext_lazy("Failed")))


def clean_photo(file, *, field: str = "photo") -> ContentFile:
    """An uploaded photo as a fresh JPEG (no EXIF, so no place or phone model), or a
    ValidationError naming the field: it must say it is an image, be at most 5 MB and open as
    one with Pillow."""
    if file.size > PHOTO_MAX_BYTES:
        raise ValidationError({field: _("The photo is too large: at most %(mb)d MB.")
                               % {"mb": PHOTO_MAX_BYTES // (1024 * 1024)}})
    content_type = str(getattr(file, "content_type", "") or "")
    if content_type and not content_type.startswith("image/"):
        raise ValidationError({field: _("The photo must be an image (JPEG, PNG or similar).")})
    try:
        file.seek(0)
        with Image.open(file) as probe:
            if probe.width * probe.height > PHOTO_MAX_PIXELS:
                raise ValidationError({field: _("The photo has too many pixels.")})
            probe.verify()
        file.seek(0)
        with Image.open(file) as image:
            image.load()
            image = ImageOps.exif_transpose(image).convert("RGB")
            image.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
            out = io.BytesIO()
            image.save(out, format="JPEG", quality=85)
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise ValidationError({field: _("The photo must be an image (JPEG, PNG or similar).")}) from None
    finally:
        file.seek(0)
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg")


class _Photo(forms.FileField):
    def __init__(self, **kwargs):
        super().__init__(required=False, widget=forms.ClearableFileInput(attrs={"accept": "image/*",
                                                                                "capture": "environment"}),
                         **kwargs)


class StepForm(NamedLengthLimits, forms.Form):
    event_id = forms.UUIDField(widget=forms.HiddenInput)
    step = forms.ChoiceField(label=gettext_lazy("Step"), choices=STEPS)
    note = forms.CharField(label=gettext_lazy("Reason"), max_length=200, required=False)
    contact_free = forms.BooleanField(label=gettext_lazy("Left at the door without contact"), required=False)
    photo = _Photo(label=gettext_lazy("Photo at the door"))

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if not photo:
            return None
        try:
            return clean_photo(photo)
        except ValidationError as error:
            raise ValidationError(error.message_dict["photo"]) from None


class PurchaseForm(NamedLengthLimits, forms.Form):
    event_id = forms.UUIDField(widget=forms.HiddenInput)
    amount = forms.CharField(label=gettext_lazy("Receipt amount (yuan)"), max_length=20,
                             widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
    receipt = _Photo(label=gettext_lazy("Photo of the receipt"))

    def clean_receipt(self):
        receipt = self.cleaned_data.get("receipt")
        if not receipt:
            return None
        try:
            return clean_photo(receipt, field="receipt")
        except ValidationError as error:
            raise ValidationError(error.message_dict["receipt"]) from None


class RepaymentForm(NamedLengthLimits, forms.Form):
    event_id = forms.UUIDField(widget=forms.HiddenInput)
    amount = forms.CharField(label=gettext_lazy("Amount received (yuan)"), max_length=20,
                             widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
    method = forms.ChoiceField(label=gettext_lazy("Paid in"), choices=LedgerEntry.Method.choices,
                               initial=LedgerEntry.Method.CASH)


class AssignmentForm(forms.Form):
    courier = forms.CharField(required=False, max_length=20)
    also_today = forms.BooleanField(required=False)

    def clean_courier(self) -> int | None:
        value = self.cleaned_data.get("courier", "").strip()
        if not value:
            return None
        if not value.isdigit() or len(value) > 18:
            raise ValidationError(_("Choose a courier from the list."))
        return int(value)
