"""Fieldwork's tile on the home page (registered in plugins.py): what a canvasser and a care
visitor have to do, each line a link to the page where they do it.

- A team member or grid worker, for each open campaign of their communities: the doors of
  their sections (and grids) covered out of all, and the ones to revisit, linking to the walk.
- A care visitor: how many of the people they visit are due today and how many are overdue,
  linking to their plan.

None for a user with neither: the home page shows nothing. A fixed number of queries.
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from fangxian.registry.models import Dwelling, Person

from .care import DUE_TODAY, OVERDUE, care_rows, under_care, with_last_visit
from .models import Campaign, SectionBuilding
from .report_sections import knocked_coverage
from .selectors import Coverage


def my_dwellings(scope):
    """The doors of the user's sections and of their grids."""
    mine = Q(building_id__in=SectionBuilding.objects.filter(section__team__members=scope.user_id)
             .values("building_id"))
    if scope.grid_ids:
        mine |= Q(building__grid_id__in=list(scope.grid_ids))
    return Dwelling.objects.filter(mine)


def canvassing_lines(scope) -> list[dict]:
    dwellings = my_dwellings(scope)
    doors = dict(dwellings.order_by().values("building__community_id").annotate(n=Count("pk"))
                 .values_list("building__community_id", "n"))
    if not doors:
        return []
    campaigns = list(Campaign.objects.filter(community_id__in=list(doors), status=Campaign.Status.OPEN)
                     .order_by("-starts_on", "-pk"))
    knocked = knocked_coverage([c.pk for c in campaigns], dwellings=dwellings)
    lines = []
    for campaign in campaigns:
        coverage = knocked.get(campaign.pk, Coverage())
        lines.append({"campaign": campaign, "covered": coverage.covered, "doors": doors[campaign.community_id],
                      "revisit": coverage.revisit,
                      "url": reverse("fieldwork:walk_buildings", args=[campaign.pk])})
    return lines


def care_line(scope) -> dict | None:
    people = with_last_visit(under_care(Person.objects.filter(care_assignment__visitor_id=scope.user_id)))
    rows = care_rows(people, timezone.localdate())
    due, overdue = sum(r.state == DUE_TODAY for r in rows), sum(r.state == OVERDUE for r in rows)
    if not due and not overdue:
        return None  # nothing to do today
    return {"due": due, "overdue": overdue, "url": reverse("fieldwork:care_plan")}


def fieldwork_tile(request, scope) -> dict | None:
    # A superuser sees every section: a "your sections" line would be the whole subdistrict.
    if scope.user_id is None or scope.is_superuser:
        return None
    lines, care = canvassing_lines(scope), care_line(scope)
    if not lines and care is None:
        return None
    return {"canvassing": lines, "care": care}
