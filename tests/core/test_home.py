"""Each role's home page leads to what that role does."""

import re

import pytest
from django.urls import reverse

from fangxian.access.models import Checkpoint

# Reads the date or the hour: .ci/run runs it again at 03:00 and at 23:59 Asia/Shanghai.
pytestmark = pytest.mark.clock_sensitive


def test_it_gives_a_checkpoint_volunteer_the_console_of_each_checkpoint_and_no_registry(client, two_grids):
    entrance = two_grids.estate.entrances.create(name="北门")
    checkpoint = Checkpoint.objects.create(entrance=entrance, community=two_grids.community, name="北门卡口")
    Checkpoint.objects.create(entrance=entrance.estate.entrances.create(name="东门"), community=two_grids.community,
                              name="东门卡口", active=False)
    client.force_login(two_grids.users["erin"])
    page = client.get(reverse("home")).content.decode()
    assert reverse("access:console", args=[checkpoint.pk]) in page
    assert "东门卡口" not in page  # closed checkpoints are not offered
    assert reverse("registry:person_list") not in page


def test_it_gives_a_grid_worker_no_console(client, two_grids):
    entrance = two_grids.estate.entrances.create(name="北门")
    checkpoint = Checkpoint.objects.create(entrance=entrance, community=two_grids.community, name="北门卡口")
    client.force_login(two_grids.users["alice"])
    assert reverse("access:console", args=[checkpoint.pk]) not in client.get(reverse("home")).content.decode()


def _today_links(client, user) -> set[str]:
    import re

    client.force_login(user)
    page = client.get(reverse("home")).content.decode()
    toolbar = re.search(r'<nav class="toolbar no-print" aria-label="[^"]*">(.*?)</nav>', page, re.S)
    return set(re.findall(r'href="([^"]+)"', toolbar.group(1))) if toolbar else set()


def test_it_puts_the_days_report_first_for_each_role(client, two_grids):
    group = two_grids.estate.group
    assert reverse("reports:group", args=[group.pk]) in _today_links(client, two_grids.users["gina"])
    carol = _today_links(client, two_grids.users["carol"])
    assert {reverse("reports:community", args=[two_grids.community.pk]), reverse("reports:dashboard"),
            reverse("incidents:create")} <= carol
    assert reverse("reports:day") in _today_links(client, two_grids.users["dave"])
    assert not any("/reports/" in url for url in _today_links(client, two_grids.users["alice"]))


def test_the_home_page_title_is_plain_text_for_every_role(client, two_grids):
    """The tiles (consoles, figures) render in the page, never inside its <title>."""
    entrance = two_grids.estate.entrances.create(name="北门")
    Checkpoint.objects.create(entrance=entrance, community=two_grids.community, name="北门卡口")
    for name in ("carol", "erin", "dave", "alice", "gina", "root"):
        client.force_login(two_grids.users[name])
        page = client.get(reverse("home")).content.decode()
        [title] = re.findall(r"<title>(.*?)</title>", page, re.S)
        assert title == "首页 · 防线", (name, title)
