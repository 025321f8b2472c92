"""Fieldwork's part of the demo: the standing sections and teams of every community, a
canvassing campaign in progress and the care visits.

Every community gets one team per grid (the grid's demo users in it: grid workers and
delivery volunteers in the first grid's, group leaders in the second's) and sections of a few
buildings each, every building in one. Dongshan walks "春节返程敲门行动", started ten days
before today; two neighbours started a smaller one four days ago; the others have none.

The walk moves through the sections in order over the days, between 9:00 and 21:00: most
doors are covered by now (about four in five), some need a revisit, a few refused, a few
households still away were knocked three times and never reached (one with its reason given),
and the last doors are not yet knocked. What a door answers agrees with the other apps: a
dwelling the registry marks sealed or in home quarantine is knocked "sealed"; one with nobody
registered, "vacant"; a household not yet back is never home; a household with a returnee
since the campaign's date answers "back from outside". A few doors found someone not in the
register: those knocks go through answers.act_on_knocks, as a sync would, so they wait as
pending registrations for the grid worker. Knocks are written with bulk_create and dated;
deterministic from the seed and the community.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid

from django.db.models import Count, F
from django.utils import timezone

from fangxian.accounts.selectors import members_of
from fangxian.core.scope import Role
from fangxian.registry.models import Building, Community, Dwelling, Grid
from fangxian.returnees.models import Registration

from . import answers
from .care_demo import care_demo
from .models import Campaign, CoverageGap, Knock, Section, SectionBuilding, Team
from .selectors import campaign_dwellings, never_reached

BUILDINGS_PER_SECTION = 4
CAMPAIGN_NAME = "春节返程敲门行动"
CAMPAIGN_PURPOSE = "逐户敲门，摸清返程人员和每户在家人数，登记未在册人员，了解生活需要。"
SMALL_CAMPAIGN_NAME = "返程人员排查敲门"
# community code → (days since the campaign started, share of doors knocked at least once)
PLANS = {"DONGSHAN": (10, 0.97), "NANYU": (4, 0.5), "NANLONG": (4, 0.4)}
DEFAULT_PLAN = None  # a community not named: no campaign
FIRST_HOUR, LAST_HOUR = 9, 20  # knocks from 9:00 to 20:59
NEWCOMERS = (("陈小燕", "新租客，上周入住"), ("黄伟强", "来探亲的弟弟"), ("李梅", "新来的保姆"))
GAP_REASON = "户主在外地务工未返，已电话联系确认，返回后登记。"


def demo_fieldwork(*, community: Community, seed: int = 2020, now: dt.datetime | None = None,
                   plan: tuple[int, float] | None | str = "by-code") -> dict:
    """The community's teams, sections and campaign; returns the counts. A community that has
    sections already is left alone. `plan` (days since start, share reached) overrides PLANS."""
    done = {"sections": 0, "campaigns": 0, "knocks": 0, "newcomers": 0}
    if Section.objects.filter(community=community).exists():
        return done
    now = now or timezone.now()
    rng = random.Random(f"fieldwork-{seed}-{community.code}")
    teams = _teams_and_sections(community)
    done["sections"] = Section.objects.filter(community=community).count()
    plan = PLANS.get(community.code, DEFAULT_PLAN) if plan == "by-code" else plan
    if plan is None:
        return done
    days, reach = plan
    today = timezone.localdate(now)
    admin = members_of(community.pk, roles=[Role.COMMUNITY_ADMIN]).first()
    campaign = Campaign.objects.create(
        community=community, name=CAMPAIGN_NAME if days >= 7 else SMALL_CAMPAIGN_NAME, purpose=CAMPAIGN_PURPOSE,
        starts_on=today - dt.timedelta(days=days), ends_on=today + dt.timedelta(days=7),
        back_since=today - dt.timedelta(days=days + 20), created_by=admin)
    Campaign.objects.filter(pk=campaign.pk).update(
        created_at=timezone.make_aware(dt.datetime.combine(campaign.starts_on, dt.time(8, 30))))
    knocks, newcomer_knocks = _walk(rng, campaign, teams, reach, days, now)
    Knock.objects.bulk_create(knocks, batch_size=2000)
    # received_at was stamped now: the phones sent each knock soon after it was made.
    Knock.objects.filter(campaign=campaign).update(received_at=F("occurred_at"))
    for user, knocked in newcomer_knocks.items():
        # As a sync would: each recorder's knocks act on their answers (pending registrations).
        answers.act_on_knocks(Knock.objects.filter(pk__in=[k.pk for k in knocked]).select_related(
            "campaign__community", "dwelling__building__estate", "recorded_by"), user=user)
    first_never = never_reached(campaign, campaign_dwellings(campaign)).values_list("pk", flat=True).first()
    if first_never is not None:
        CoverageGap.objects.create(campaign=campaign, dwelling_id=first_never, reason=GAP_REASON, given_by=admin)
    done.update(campaigns=1, knocks=len(knocks), newcomers=sum(len(k) for k in newcomer_knocks.values()))
    return done


def _teams_and_sections(community: Community) -> list[tuple[Team, list[int], object]]:
    """One team per grid, its buildings cut into sections of BUILDINGS_PER_SECTION; returns
    [(team, its buildings in walking order, the user who records its knocks)]."""
    grids = list(Grid.objects.filter(community=community).order_by("code"))
    buildings: dict[int | None, list[int]] = {}
    for pk, grid_id in (Building.objects.filter(community=community)
                        .order_by("estate__name", "name", "pk").values_list("pk", "grid_id")):
        buildings.setdefault(grid_id, []).append(pk)
    by_role = {role: list(members_of(community.pk, roles=[role])) for role in
               (Role.GRID_WORKER, Role.DELIVERY_VOLUNTEER, Role.GROUP_LEADER)}
    teams = Team.objects.bulk_create([Team(community=community, name=f"{grid.name}敲门小队") for grid in grids])
    if buildings.get(None):  # buildings in no grid: the workstation's own team walks them
        teams.append(Team.objects.create(community=community, name="社区工作站敲门小队"))
    members = {0: by_role[Role.GRID_WORKER] + by_role[Role.DELIVERY_VOLUNTEER], 1: by_role[Role.GROUP_LEADER]}
    for index, users in members.items():
        if index < len(teams) and users:
            teams[index].members.add(*users)
    keys = [grid.pk for grid in grids] + ([None] if buildings.get(None) else [])
    sections, links, walked = [], [], []
    for team, key in zip(teams, keys):
        own = buildings.get(key, [])
        for n, start in enumerate(range(0, len(own), BUILDINGS_PER_SECTION), start=1):
            sections.append((Section(community=community, name=f"{team.name[:-4]}第{n}片", team=team),
                             own[start:start + BUILDINGS_PER_SECTION]))
        recorder = (members.get(len(walked)) or [None])[0]
        walked.append((team, own, recorder))
    Section.objects.bulk_create([section for section, _b in sections])
    for section, chunk in sections:
        links += [SectionBuilding(section=section, building_id=pk) for pk in chunk]
    SectionBuilding.objects.bulk_create(links, batch_size=2000)
    return walked


def _walk(rng: random.Random, campaign: Campaign, teams, reach: float, days: int, now: dt.datetime):
    """The knocks of the campaign so far, and {recorder: the knocks that found newcomers}."""
    residents = dict(Dwelling.objects.filter(building__community_id=campaign.community_id).order_by()
                     .values("pk").annotate(n=Count("people")).values_list("pk", "n"))
    back = set(Registration.objects.filter(community_id=campaign.community_id,
                                           arrival_date__gte=campaign.back_since).values_list("dwelling_id", flat=True))
    status = dict(Dwelling.objects.filter(building__community_id=campaign.community_id)
                  .values_list("pk", "status"))
    order = {pk: i for i, pk in enumerate(Dwelling.objects.filter(building__community_id=campaign.community_id)
                                          .order_by("building_id", "room").values_list("pk", flat=True))}
    admin = campaign.created_by
    knocks: list[Knock] = []
    found: dict[object, list[Knock]] = {}
    walks = []
    for team, building_ids, recorder in teams:
        doors = sorted((pk for pk in Dwelling.objects.filter(building_id__in=building_ids)
                        .values_list("pk", flat=True)), key=order.get)
        walks.append((doors[:round(len(doors) * reach)], recorder or admin))
    # A few visits found someone not in the register, spread over the walk.
    newcomers = list(NEWCOMERS if days >= 7 else NEWCOMERS[:1])
    every = max(1, int(sum(len(doors) for doors, _r in walks) * 0.8) // (len(newcomers) + 1))
    visited = 0
    for doors, recorder in walks:
        for index, dwelling_id in enumerate(doors):
            # The walk goes through the team's doors in order, a day's part each day (today's too).
            day = campaign.starts_on + dt.timedelta(days=min(days, (days + 1) * index // max(len(doors), 1)))
            for outcome in _outcomes(rng, status[dwelling_id], residents.get(dwelling_id, 0)):
                at = timezone.make_aware(dt.datetime.combine(day, dt.time(
                    rng.randint(FIRST_HOUR, LAST_HOUR), rng.randrange(60), rng.randrange(60))))
                if at > now - dt.timedelta(minutes=5):
                    break  # not walked yet: the door waits
                knock = Knock(event_id=uuid.UUID(int=rng.getrandbits(128), version=4), campaign=campaign,
                              dwelling_id=dwelling_id, outcome=outcome, occurred_at=at, recorded_by=recorder,
                              device_id="demo",
                              answers=_answers(rng, outcome, residents.get(dwelling_id, 0), dwelling_id in back))
                if outcome == Knock.Outcome.VISITED:
                    visited += 1
                    # The first on the first team's walk (grid 1's: `grid1` finds it waiting), then spread.
                    if newcomers and (visited == 5 or visited % every == 0):
                        name, note = newcomers.pop(0)
                        # Only the newcomer acts: the rest of these answers raise nothing.
                        knock.answers.update(back_from_outside=False, symptoms=False)
                        knock.answers["newcomers"] = [
                            {"name": name, "phone": f"13{rng.randrange(10 ** 9):09d}", "note": note}]
                        found.setdefault(recorder, []).append(knock)
                knocks.append(knock)
                day += dt.timedelta(days=rng.choice((1, 1, 2)))
    return knocks, found


def _outcomes(rng: random.Random, status: str, residents: int) -> list[str]:
    """What the knocks at one door found, in order."""
    if status in (Dwelling.Status.SEALED, Dwelling.Status.QUARANTINE):
        return [Knock.Outcome.SEALED]
    if residents == 0:
        return [Knock.Outcome.VACANT]
    away = Knock.Outcome.NOBODY_HOME
    if status == Dwelling.Status.NOT_RETURNED:  # still away: never home
        return [away] * rng.choice((1, 2, 3, 3))
    draw = rng.random()
    if draw < 0.025:
        return [away] * rng.randint(0, 1) + [Knock.Outcome.REFUSED]
    if draw < 0.11:
        return [away] * rng.randint(1, 2)  # to revisit
    return [away] * rng.choices((0, 1, 2), (70, 22, 8))[0] + [Knock.Outcome.VISITED]


def _answers(rng: random.Random, outcome: str, residents: int, back: bool) -> dict:
    if outcome != Knock.Outcome.VISITED:
        return {}
    found = {"people_home": max(1, residents - rng.choice((0, 0, 0, 1))), "back_from_outside": back,
             "symptoms": False}
    if rng.random() < 0.5:
        found["temperature"] = f"36.{rng.randrange(2, 9)}"
    if rng.random() < 0.05:
        found["note"] = rng.choice(("老人独居，子女在外地", "家中有婴儿", "租户，合同到期前会搬走"))
    return found


def demo_care(*, community: Community, now: dt.datetime | None = None) -> dict:
    """The care visits' part (care_demo): rules, assignments, a month of visits, a few overdue."""
    return care_demo(community, timezone.localdate(now or timezone.now()))
