"""The questions a canvassing campaign may ask at each door (敲门行动问卷).

A campaign picks from this catalogue and marks each picked question required or optional;
`Campaign.questionnaire` stores {key: "required" | "optional"} and nothing else, so that the
walk page, the sync and the exports read the same list in the same order.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

REQUIRED, OPTIONAL = "required", "optional"


@dataclass(frozen=True)
class Question:
    key: str
    label: str
    kind: str  # "count" (0–30), "yesno", "temperature" (34.0–43.0), "text" (≤ 200 characters)


CATALOGUE: tuple[Question, ...] = (
    Question("people_home", _("People at home"), "count"),
    Question("back_from_outside", _("Anyone back from outside since the campaign's date"), "yesno"),
    Question("back_from", _("Back from where (province, city)"), "text"),
    Question("symptoms", _("Fever, cough or other symptoms"), "yesno"),
    Question("temperature", _("Temperature (°C)"), "temperature"),
    Question("need_food", _("Needs food or daily goods"), "yesno"),
    Question("need_medicine", _("Needs medicine"), "yesno"),
    Question("need_help", _("Needs other help"), "yesno"),
    Question("note", _("Note"), "text"),
)
BY_KEY = {question.key: question for question in CATALOGUE}
NEED_KEYS = ("need_food", "need_medicine", "need_help")
DEFAULT = {"people_home": REQUIRED, "back_from_outside": REQUIRED, "back_from": OPTIONAL, "symptoms": REQUIRED,
           "temperature": OPTIONAL, "need_food": OPTIONAL, "need_medicine": OPTIONAL, "need_help": OPTIONAL,
           "note": OPTIONAL}
TEMPERATURE_RANGE = (34.0, 43.0)
MAX_COUNT = 30
MAX_TEXT = 200


def questions_of(questionnaire: dict) -> list[tuple[Question, bool]]:
    """The campaign's questions in catalogue order, each with whether it is required."""
    asked = (REQUIRED, OPTIONAL)
    return [(q, questionnaire[q.key] == REQUIRED) for q in CATALOGUE if questionnaire.get(q.key) in asked]
