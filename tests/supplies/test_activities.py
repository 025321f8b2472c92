"""Volunteer team activities: their kind, who took part and photos on the team's page (its
history), and the supplies given out of stock at one. The clock stands at 2026-03-02 10:00."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from fangxian.duty.models import TeamActivity, TeamActivityPhoto
from fangxian.supplies import stock
from fangxian.supplies.models import Movement
from tests.duty.matrix_volunteers import make_volunteer
from tests.i18n import zh
from tests.supplies import matrix_public

pytestmark = pytest.mark.usefixtures("frozen_clock")


@pytest.fixture
def cast(two_grids, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    matrix_public.equip(two_grids)
    team = two_grids.supplies_team
    two_grids.member_a = make_volunteer(two_grids.community, name="甲队员")
    two_grids.member_b = make_volunteer(two_grids.community, name="乙队员")
    two_grids.not_member = make_volunteer(two_grids.community, name="丙路人")
    team.members.add(two_grids.member_a, two_grids.member_b)
    return two_grids


def as_user(client, cast, name):
    client.force_login(cast.users[name])
    return client


def png_with_exif() -> SimpleUploadedFile:
    out = io.BytesIO()
    image = Image.new("RGB", (3000, 1500), (20, 120, 200))
    exif = Image.Exif()
    exif[0x0110] = "某品牌手机"  # the camera's model: must not survive the upload
    image.save(out, format="PNG", exif=exif)
    return SimpleUploadedFile("visit.png", out.getvalue(), content_type="image/png")


def record(client, cast, **data):
    values = {"kind": "visit", "held_on": "2026-03-01", "title": "走访独居老人", "note": "送口罩和体温计"}
    values.update(data)
    return client.post(reverse("duty:team_activity_add", args=[cast.supplies_team.pk]), values)


def test_an_activity_keeps_its_kind_members_and_photos_on_the_teams_history(client, cast):
    as_user(client, cast, "carol")
    response = record(client, cast, members=[cast.member_a.pk, cast.member_b.pk], photos=[png_with_exif()])
    assert response.status_code == 302
    activity = TeamActivity.objects.get(title="走访独居老人")
    assert activity.kind == TeamActivity.Kind.VISIT
    assert set(activity.members.all()) == {cast.member_a, cast.member_b}
    assert activity.participants == 2  # none given: the members ticked
    photo = activity.photos.get()
    with photo.image.open("rb") as handle, Image.open(handle) as stored:
        assert stored.format == "JPEG" and max(stored.size) == 2000 and not stored.getexif()
    page = client.get(reverse("duty:team_detail", args=[cast.supplies_team.pk])).content.decode()
    history = page.split('class="activity-history"')[1]
    visit = next(b for b in re.findall(r'<li class="activity">(.*?)</li>', history, re.S) if "走访独居老人" in b)
    assert "甲队员" in visit and "乙队员" in visit and "丙路人" not in visit
    assert zh(str(TeamActivity.Kind.VISIT.label)) in history
    assert reverse("supplies:activity_photo", args=[photo.pk]) in visit
    assert reverse("supplies:activity_supplies", args=[activity.pk]) in visit
    # The newest first: the drive of 2 March above the visit of 1 March.
    assert history.index("爱心物资募集") < history.index("走访独居老人")
    served = client.get(reverse("supplies:activity_photo", args=[photo.pk]))
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"


def test_only_the_teams_members_can_be_ticked(client, cast):
    as_user(client, cast, "carol")
    response = record(client, cast, members=[cast.member_a.pk, cast.not_member.pk])
    assert response.status_code == 400
    assert zh("Who took part") in response.content.decode()
    assert not TeamActivity.objects.filter(title="走访独居老人").exists()


def test_a_file_that_is_not_a_photo_is_refused_naming_the_field(client, cast):
    as_user(client, cast, "carol")
    fake = SimpleUploadedFile("list.png", b"not an image at all", content_type="image/png")
    response = record(client, cast, photos=[fake])
    page = response.content.decode()
    assert response.status_code == 400
    assert f"{zh('Photos')}: {zh('The photo must be an image (JPEG, PNG or similar).')}" in page
    assert not TeamActivity.objects.filter(title="走访独居老人").exists() and TeamActivityPhoto.objects.count() == 1


def test_fewer_participants_than_members_ticked_is_refused(client, cast):
    as_user(client, cast, "carol")
    response = record(client, cast, members=[cast.member_a.pk, cast.member_b.pk], participants="1")
    assert response.status_code == 400 and zh("Participants") in response.content.decode()
    assert not TeamActivity.objects.filter(title="走访独居老人").exists()


def supplies_page(client, cast) -> str:
    response = client.get(reverse("supplies:activity_supplies", args=[cast.supplies_activity.pk]))
    assert response.status_code == 200
    return response.content.decode()


def issue(client, cast, **data):
    values = {"item": cast.disinfectant.pk, "place": cast.store.pk, "quantity": "5", "note": "送给一线"}
    values.update(data)
    return client.post(reverse("supplies:activity_issue", args=[cast.supplies_activity.pk]), values)


def test_supplies_given_out_at_an_activity_leave_the_stock_issued_to_the_team(client, cast):
    as_user(client, cast, "carol")
    page = supplies_page(client, cast)
    assert "口罩" in page and "<b>10 只</b>" in page
    response = issue(client, cast)
    assert response.status_code == 302
    made = Movement.objects.get(activity=cast.supplies_activity, item=cast.disinfectant)
    assert (made.kind, made.change, made.recipient, made.team) == (
        Movement.Kind.ISSUE, -5, Movement.Recipient.TEAM, cast.supplies_team)
    assert stock.stock_of(cast.disinfectant, cast.store) == 15
    page = client.get(response["Location"]).content.decode()
    assert "<b>5 瓶</b>" in page and "<b>10 只</b>" in page and "送给一线" in page


def test_an_issue_beyond_the_stock_is_refused_naming_item_and_place(client, cast):
    as_user(client, cast, "carol")
    before = Movement.objects.count()
    response = issue(client, cast, quantity="21")
    page = response.content.decode()
    assert response.status_code == 400 and "消毒液" in page and cast.store.name in page
    response = issue(client, cast, quantity="五")
    assert response.status_code == 400
    assert f"{zh('Quantity')}: {zh('Enter a whole number of units from 1 to 1,000,000.')}" in response.content.decode()
    assert Movement.objects.count() == before


def test_the_same_form_sent_twice_gives_out_once(client, cast):
    as_user(client, cast, "carol")
    event_id = "6d1f3f7e-55a4-4a1c-9d55-3f2c1f0e9a11"
    issue(client, cast, event_id=event_id)
    issue(client, cast, event_id=event_id)
    assert stock.stock_of(cast.disinfectant, cast.store) == 15


def test_the_officer_reads_without_a_form_and_cannot_give_out(client, cast):
    as_user(client, cast, "dave")
    page = supplies_page(client, cast)
    assert "<b>10 只</b>" in page and reverse("supplies:activity_issue", args=[cast.supplies_activity.pk]) not in page
    assert issue(client, cast).status_code == 403
    assert stock.stock_of(cast.disinfectant, cast.store) == 20


def test_the_activitys_page_runs_the_same_queries_for_3_lines_as_for_13(client, cast):
    as_user(client, cast, "carol")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            supplies_page(client, cast)
        return len(queries)

    for i in range(2):
        matrix_public.grow(cast, cast.building_a, i)
    few = count()
    for i in range(2, 12):
        matrix_public.grow(cast, cast.building_a, i)
    assert count() == few
