"""Fieldwork's admin pages in a real browser: carol starts a campaign on a phone, forms a team,
moves a building between sections after confirming; the lists on a desktop."""

import pytest
from django.urls import reverse

from fangxian.fieldwork.models import Campaign, SectionBuilding, Team
from tests.e2e.conftest import log_in, shot
from tests.fieldwork import matrix_campaigns

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("frozen_clock")]


@pytest.fixture
def cast(transactional_db, two_grids):
    matrix_campaigns.equip(two_grids)
    return two_grids


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def test_carol_runs_campaigns_teams_and_sections_on_a_phone(live_server, cast, phone):
    log_in(phone, live_server, "carol", "pw-carol")
    phone.goto(live_server.url + reverse("fieldwork:campaign_create"))
    _fits(phone)
    phone.fill("#id_name", "清明返乡敲门")
    phone.fill("#id_starts_on", "2026-03-03")
    phone.fill("#id_ends_on", "2026-03-01")
    shot(phone, "phone-fieldwork-campaign-form")
    phone.click("form.campaign-form button.btn")
    phone.wait_for_selector(".card.error")
    shot(phone, "phone-fieldwork-campaign-form-error")
    assert not Campaign.objects.filter(name="清明返乡敲门").exists()
    phone.fill("#id_ends_on", "2026-03-09")
    phone.check("input[name=q_temperature][value=required]")
    phone.click("form.campaign-form button.btn")
    phone.wait_for_selector(".messages .success")
    assert Campaign.objects.get(name="清明返乡敲门").questionnaire["temperature"] == "required"

    phone.goto(live_server.url + reverse("fieldwork:team_create"))
    _fits(phone)
    phone.fill("#id_name", "党员先锋队")
    phone.locator(".member-list label", has_text="erin").locator("input").check()
    shot(phone, "phone-fieldwork-team-form")
    phone.click("form.team-form button.btn")
    phone.wait_for_selector(".messages .success")
    assert [u.username for u in Team.objects.get(name="党员先锋队").members.all()] == ["erin"]
    _fits(phone)
    shot(phone, "phone-fieldwork-team-list")

    phone.goto(live_server.url + reverse("fieldwork:section_edit", args=[cast.section_a.pk]))
    phone.check(f"input[name=buildings][value='{cast.building_b.pk}']")
    phone.click("form.section-form button.btn")
    phone.wait_for_selector(".confirm-moves")
    _fits(phone)
    shot(phone, "phone-fieldwork-section-move")
    assert SectionBuilding.objects.get(building=cast.building_b).section == cast.section_b
    phone.click(".confirm-moves button.btn")
    phone.wait_for_selector(".messages .success")
    assert SectionBuilding.objects.get(building=cast.building_b).section == cast.section_a
    _fits(phone)
    shot(phone, "phone-fieldwork-section-list")


def test_the_lists_on_a_desktop(live_server, cast, desktop):
    SectionBuilding.objects.filter(building=cast.building_a).delete()
    log_in(desktop, live_server, "carol", "pw-carol")
    for name in ("campaign_list", "team_list", "section_list"):
        desktop.goto(live_server.url + reverse(f"fieldwork:{name}"))
        shot(desktop, f"desktop-fieldwork-{name.replace('_', '-')}")
    assert desktop.locator(".unsectioned").count() == 1
