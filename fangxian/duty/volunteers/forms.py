"""Forms of the volunteer and team pages. They only collect input: the services check it."""

from __future__ import annotations

import io
import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from fangxian.access.models import Checkpoint
from fangxian.core.forms import NamedLengthLimits
from fangxian.registry.models import ResidentialGroup

from ..models import TeamActivity, TimeBand, Volunteer
from .selectors import availability_rows, band_heads, ticked_availability

AVAILABILITY_CHOICES = [(f"{day}:{band}", f"{day}:{band}") for day in range(7) for band in TimeBand.values]


class DateInput(forms.DateInput):
    input_type = "date"


class VolunteerDetailsForm(NamedLengthLimits, forms.Form):
    """What volunteers and staff share: who they are, when they can help, what they can do."""

    name = forms.CharField(label=_("Name"), max_length=60, required=False)
    phone = forms.CharField(label=_("Mobile"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    birth_year = forms.CharField(label=_("Year of birth"), max_length=4, required=False,
                                 widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "1975"}))
    group = forms.ModelChoiceField(label=_("Residential group"), queryset=ResidentialGroup.objects.none(),
                                   required=False, empty_label=_("Choose your residential group"))
    availability = forms.MultipleChoiceField(label=_("When you can help"), choices=AVAILABILITY_CHOICES,
                                             required=False, widget=forms.CheckboxSelectMultiple)
    preferred_checkpoint = forms.ModelChoiceField(
        label=_("Preferred checkpoint"), queryset=Checkpoint.objects.none(), required=False,
        empty_label=_("Any checkpoint"))
    is_party_member = forms.BooleanField(label=_("Party member"), required=False)
    is_shift_leader = forms.BooleanField(label=_("Can lead a shift (带班)"), required=False)
    has_first_aid = forms.BooleanField(label=_("Trained in first aid"), required=False)
    can_drive = forms.BooleanField(label=_("Can drive"), required=False)

    skill_fields = ("is_party_member", "is_shift_leader", "has_first_aid", "can_drive")

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.community = community
        self.fields["group"].queryset = ResidentialGroup.objects.filter(community=community).order_by("number")
        self.fields["preferred_checkpoint"].queryset = Checkpoint.objects.filter(
            community=community, active=True).order_by("name", "pk")

    def availability_grid(self):
        """The tick grid's rows, ticked as the form holds them."""
        return availability_rows(ticked_availability(self["availability"].value()))

    def band_heads(self):
        return band_heads()

    def skills(self):
        return [self[name] for name in self.skill_fields]

    @staticmethod
    def initial_of(volunteer: Volunteer) -> dict:
        return {
            "name": volunteer.name, "birth_year": volunteer.birth_year,  # the phone: never in full
            "group": volunteer.group_id, "preferred_checkpoint": volunteer.preferred_checkpoint_id,
            "availability": [f"{day}:{band}" for day, bands in volunteer.availability.items() for band in bands],
            "application": volunteer.application, "status": volunteer.status,
            **{name: getattr(volunteer, name) for name in VolunteerDetailsForm.skill_fields},
        }


class SignUpForm(VolunteerDetailsForm):
    application = forms.CharField(
        label=_("Your application (请战书)"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("In a few sentences: why you volunteer, and what you can do. Party members: your written "
                    "application."))
    consent = forms.BooleanField(label=_("I have read the privacy notice and agree to it"), required=False)


class VolunteerEditForm(VolunteerDetailsForm):
    application = forms.CharField(label=_("Application (请战书)"), required=False, max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 5}))
    status = forms.ChoiceField(label=_("Status"), choices=Volunteer.Status.choices)

    def __init__(self, *args, volunteer: Volunteer, **kwargs):
        super().__init__(*args, community=volunteer.community, **kwargs)
        self.fields["group"].empty_label = _("No residential group")
        # The full phone is never put into a page: blank keeps it.
        self.fields["phone"].help_text = _("Leave blank to keep %(masked)s.") % {
            "masked": volunteer.phone_masked}
        # A sign-up is approved or rejected with the buttons on its page, with a reason.
        allowed = {volunteer.status, Volunteer.Status.LEFT}
        if volunteer.status == Volunteer.Status.LEFT:
            allowed.add(Volunteer.Status.APPROVED)
        self.fields["status"].choices = [(v, label) for v, label in Volunteer.Status.choices if v in allowed]


class StaffForm(VolunteerDetailsForm):
    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, community=community, **kwargs)
        self.fields["group"].empty_label = _("No residential group")
        self.fields["is_shift_leader"].initial = True


class DecisionForm(NamedLengthLimits, forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class TeamForm(NamedLengthLimits, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60, required=False,
                           widget=forms.TextInput(attrs={"placeholder": _("e.g. 巾帼志愿服务队")}))
    formed_on = forms.DateField(label=_("Formed on"), required=False, widget=DateInput)
    purpose = forms.CharField(label=_("What the team does"), required=False, max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 3}))


class MemberForm(NamedLengthLimits, forms.Form):
    volunteer = forms.ModelChoiceField(label=_("Volunteer"), queryset=Volunteer.objects.none(),
                                       empty_label=_("Choose a volunteer"))

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = Volunteer.objects.filter(
            community_id=team.community_id, status=Volunteer.Status.APPROVED).exclude(teams=team).order_by("name", "pk")


PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MAX_SIDE = 2000  # pixels: enough for the team's history, small enough for a phone's upload
PHOTO_MAX_PIXELS = 40_000_000  # a decompression bomb is refused, never decoded
PHOTO_MAX_COUNT = 6


def clean_photo(file) -> ContentFile:
    """An uploaded photo as a fresh JPEG (no EXIF, so no place or phone model), or a
    ValidationError: it must say it is an image, be at most 5 MB and open as one with Pillow."""
    if file.size > PHOTO_MAX_BYTES:
        raise ValidationError(gettext("The photo is too large: at most %(mb)d MB.")
                              % {"mb": PHOTO_MAX_BYTES // (1024 * 1024)})
    content_type = str(getattr(file, "content_type", "") or "")
    if content_type and not content_type.startswith("image/"):
        raise ValidationError(gettext("The photo must be an image (JPEG, PNG or similar)."))
    try:
        file.seek(0)
        with Image.open(file) as probe:
            if probe.width * probe.height > PHOTO_MAX_PIXELS:
                raise ValidationError(gettext("The photo has too many pixels."))
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
        raise ValidationError(gettext("The photo must be an image (JPEG, PNG or similar).")) from None
    finally:
        file.seek(0)
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg")


class _PhotosInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class _Photos(forms.FileField):
    """Several photos at once; each re-encoded as a JPEG."""

    def __init__(self, **kwargs):
        super().__init__(required=False, widget=_PhotosInput(attrs={"accept": "image/*", "multiple": True}),
                         **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data]
        files = [f for f in files if f]
        if len(files) > PHOTO_MAX_COUNT:
            raise ValidationError(gettext("At most %(count)d photos per activity.") % {"count": PHOTO_MAX_COUNT})
        return [clean_photo(super(_Photos, self).clean(f, initial)) for f in files]


class ActivityForm(NamedLengthLimits, forms.Form):
    kind = forms.ChoiceField(label=_("Kind of activity"), choices=TeamActivity.Kind.choices, required=False,
                             initial=TeamActivity.Kind.OTHER)
    held_on = forms.DateField(label=_("Date"), required=False, widget=DateInput)
    title = forms.CharField(label=_("Activity"), max_length=120, required=False)
    members = forms.ModelMultipleChoiceField(label=_("Who took part"), queryset=Volunteer.objects.none(),
                                             required=False, widget=forms.CheckboxSelectMultiple)
    participants = forms.IntegerField(label=_("Participants"), required=False, min_value=0, max_value=10000,
                                      help_text=_("Everyone who took part, members or not; left empty, the "
                                                  "members ticked."))
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    photos = _Photos(label=_("Photos"), help_text=_("Up to 6 photos, 5 MB each."))

    def __init__(self, *args, team=None, **kwargs):
        super().__init__(*args, **kwargs)
        if team is not None:
            self.fields["members"].queryset = team.members.order_by("name", "pk")
