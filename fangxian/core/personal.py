"""Personal data, declared once: which fields hold it, why, how they are shown, how long kept.

Every field listed here is masked wherever a list, page, export or API answer shows it;
revealing one in full is `core.services.personal_reveal`, which needs a reason and writes
the audit log. A test walks this declaration against the models, so a new personal field
that is not declared here fails the suite.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from django.utils.translation import gettext_lazy as _


def mask_national_id(value: str | None) -> str:
    """4403**********1234: the region of issue and the last four characters stay."""
    if not value:
        return ""
    return value[:4] + "*" * (len(value) - 8) + value[-4:] if len(value) > 8 else "*" * len(value)


def mask_phone(value: str | None) -> str:
    """138****5678."""
    if not value:
        return ""
    return value[:3] + "*" * (len(value) - 7) + value[-4:] if len(value) > 7 else "*" * len(value)


def mask_name(value: str | None, *, hide_single: bool = False) -> str:
    """张*三, 李*, 欧**锋: for what is printed or shown outside the office (a pass card, the
    phone pass page). The first and the last character stay. A one-character name stays
    too, unless `hide_single` (the checkpoint console's lookup, which shows "*")."""
    if not value:
        return ""
    if len(value) == 1:
        return "*" if hide_single else value
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]


class MaskedIdentity:
    """`national_id_masked` and `phone_masked` for a model with `national_id` and `phone`
    fields: what lists, exports and API answers show in their place."""

    @property
    def national_id_masked(self) -> str:
        return mask_national_id(self.national_id)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)


@dataclass(frozen=True)
class PersonalField:
    model: str  # app_label.ModelName
    field: str
    purpose: str
    retention: str  # a key of RETENTION_CLASSES
    mask: Callable[[str | None], str] | None  # None: shown in full to those in scope


# How long each class of personal data is kept once the emergency it serves is over.
RETENTION_CLASSES = {
    "registry": _("Kept while the person lives in the community; deleted when they leave."),
    "emergency": _("Deleted when the emergency response ends."),
}

PERSONAL_FIELDS: tuple[PersonalField, ...] = (
    PersonalField("registry.Person", "name", "identify the resident", "registry", None),
    PersonalField("registry.Person", "national_id", "one record per person", "registry", mask_national_id),
    PersonalField("registry.Person", "phone", "reach the resident", "registry", mask_phone),
    PersonalField("registry.Person", "birth_date", "age-based care and duty", "registry", None),
    PersonalField("registry.GridTeamMember", "phone", "reach the grid team", "registry", mask_phone),
    PersonalField("registry.PendingPerson", "name", "register someone found at the door", "emergency", None),
    PersonalField("registry.PendingPerson", "phone", "reach someone found at the door", "emergency", mask_phone),
    PersonalField("registry.PendingPerson", "note", "register someone found at the door", "emergency", None),
    PersonalField("fieldwork.Knock", "answers", "what a household said at the door", "emergency", None),
    PersonalField("fieldwork.CareVisit", "situation", "care for a vulnerable resident", "emergency", None),
    PersonalField("fieldwork.CareVisit", "needs", "care for a vulnerable resident", "emergency", None),
    PersonalField("fieldwork.CareVisit", "help_given", "care for a vulnerable resident", "emergency", None),
    PersonalField("delivery.Household", "dietary",
                  "bring food the household can eat (it may tell a faith or an illness)",
                  "emergency", None),
    PersonalField("delivery.Task", "dietary", "bring food the household can eat", "emergency", None),
    PersonalField("delivery.Task", "items", "what a household in quarantine asked for (it may name medicine)",
                  "emergency", None),
    PersonalField("delivery.Task", "photo", "show a delivery was left at the door", "emergency", None),
    PersonalField("delivery.LedgerEntry", "receipt", "account for money spent on a household's behalf",
                  "emergency", None),
    PersonalField("supplies.Donation", "donor_name", "thank a donor and account for what they gave", "emergency", None),
    PersonalField("supplies.Donation", "donor_phone", "thank a donor", "emergency", mask_phone),
    PersonalField("access.Scan", "visitor_name", "who was admitted or turned away at a checkpoint", "emergency", None),
    PersonalField("access.Scan", "visitor_phone", "reach a visitor after a fever or a case nearby", "emergency",
                  mask_phone),
    PersonalField("access.Scan", "visitor_visiting", "whom a visitor came to see", "emergency", None),
    PersonalField("access.Scan", "temperature", "fever screening at the gate", "emergency", None),
    PersonalField("access.FeverAlert", "temperature", "follow up a fever", "emergency", None),
    PersonalField("returnees.Registration", "name", "identify the returnee", "emergency", None),
    PersonalField("returnees.Registration", "national_id", "one registration per person", "emergency",
                  mask_national_id),
    PersonalField("returnees.Registration", "phone", "reach the returnee", "emergency", mask_phone),
    PersonalField("returnees.Registration", "from_province", "the risk-area rule for where they came from",
                  "emergency", None),
    PersonalField("returnees.Registration", "from_city", "the risk-area rule for where they came from",
                  "emergency", None),
    PersonalField("returnees.Registration", "from_district", "the risk-area rule for where they came from",
                  "emergency", None),
    PersonalField("returnees.Registration", "route", "trace contacts on the way", "emergency", None),
    PersonalField("returnees.Registration", "symptoms_note", "health on arrival", "emergency", None),
    PersonalField("returnees.Registration", "temperature", "health on arrival", "emergency", None),
    PersonalField("returnees.Companion", "name", "identify who came along", "emergency", None),
    PersonalField("returnees.Companion", "national_id", "one record per person", "emergency", mask_national_id),
    PersonalField("returnees.Companion", "phone", "reach who came along", "emergency", mask_phone),
    PersonalField("returnees.CheckIn", "temperature", "daily health check in home quarantine", "emergency", None),
    PersonalField("returnees.CheckIn", "note", "daily health check in home quarantine", "emergency", None),
    PersonalField("incidents.Incident", "photo", "show what happened (it may show people)", "emergency", None),
    PersonalField("duty.Volunteer", "name", "identify the volunteer", "emergency", None),
    PersonalField("duty.Volunteer", "phone", "reach the volunteer about their shifts", "emergency", mask_phone),
    PersonalField("duty.Volunteer", "birth_year", "keep minors off duty; age-based shifts", "emergency", None),
    PersonalField("duty.Volunteer", "is_party_member", "party members lead on duty", "emergency", None),
    PersonalField("duty.Volunteer", "application", "the volunteer's written application", "emergency", None),
)

REVEALABLE = {(f.model, f.field): f for f in PERSONAL_FIELDS if f.mask is not None}


def masked(model_label: str, field: str, value: str | None) -> str:
    return REVEALABLE[(model_label, field)].mask(value)
