"""The campaign's workbooks: every door the user sees, and its coverage by section and by day.

The people a canvasser found who are not in the register travel in a knock's answers with
their names and phones; a workbook carries only how many there were (the register is where
they are entered, with its masking and its audit).
"""

from __future__ import annotations

import io

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from fangxian.registry.models import Dwelling

from . import coverage, selectors
from .models import Campaign, Knock
from .questionnaire import questions_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_MAX_ROWS = 100_000


def _stamp(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _cell(value):
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return value


def _saved(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def doors_workbook(campaign: Campaign, doors: QuerySet[Dwelling]) -> bytes:
    questions = [question for question, _required in questions_of(campaign.questionnaire)]
    outcomes = dict(Knock.Outcome.choices)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Doors"))
    sheet.append([_("Estate"), _("Building"), _("Room"), _("Grid"), _("Section"), _("Team"), _("State"),
                  _("Knocks"), _("Last knock"), _("Last outcome"), *(str(q.label) for q in questions),
                  _("New people found"), _("Reason not reached")])
    rows = (selectors.door_rows(campaign, doors)
            .select_related("building__estate", "building__grid", "building__fieldwork_section__section__team")
            .order_by("building__estate__name", "building__name", "room")[:EXPORT_MAX_ROWS])
    rows = list(rows)
    ids = [row.pk for row in rows]
    last = coverage.last_knocks(campaign, ids)
    reasons = coverage.gap_reasons(campaign, ids)
    for row in rows:
        building = row.building
        link = getattr(building, "fieldwork_section", None)
        section = link.section if link else None
        outcome, answers = last.get(row.pk, (None, None))
        answers = answers or {}
        sheet.append([
            building.estate.name, building.name, row.room, building.grid.name if building.grid else "",
            section.name if section else "", section.team.name if section and section.team else "",
            str(coverage.STATE_LABELS[selectors.state_of(row)]), row.attempts, _stamp(row.last_knock_at),
            str(outcomes[outcome]) if outcome else "", *(_cell(answers.get(q.key, "")) for q in questions),
            len(answers.get("newcomers") or []), reasons.get(row.pk, ""),
        ])
    return _saved(book)


def coverage_workbook(campaign: Campaign, doors: QuerySet[Dwelling]) -> bytes:
    book = Workbook(write_only=True)
    head = [_("Doors"), _("Covered"), _("To revisit"), _("Refused to answer"), _("Not knocked yet"),
            _("Covered (%)")]

    def figures(part) -> list:
        return [part.total, part.covered, part.revisit, part.refused, part.not_yet, part.percent]

    total = figures(selectors.coverage_total(campaign, doors))
    for title, first, parts, nobody in (
            (_("By section"), _("Section"), coverage.parts_by_section(campaign, doors), _("No section")),
            (_("By team"), _("Team"), coverage.parts_by_team(campaign, doors), _("No team"))):
        sheet = book.create_sheet(title)
        sheet.append([first, *head])
        for part in parts:
            sheet.append([part.name or nobody, *figures(part.coverage)])
        sheet.append([_("Total"), *total])
    sheet = book.create_sheet(_("By day"))
    sheet.append([_("Day"), *(str(label) for label in Knock.Outcome.labels), _("Knocks")])
    for day, *counts in coverage.day_rows(campaign, doors):
        sheet.append([day.isoformat(), *counts])
    return _saved(book)
