"""The meal rules page as its users meet it: the rule in force and the history, the default
when a community set none, an admin adding a rule (and what is refused, with a message naming
the field), deleting only a rule not started, generating tomorrow's meals at once; couriers
refused. The clock stands at 2026-03-02 10:00."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils.html import escape

from fangxian.core.models import AuditEvent
from fangxian.delivery.models import DeliveryRule, Task
from tests.delivery import matrix_rules
from tests.i18n import zh
from tests.roles import ROLES, walk_matrix

pytestmark = pytest.mark.usefixtures("frozen_clock")


@pytest.fixture
def cast(two_grids):
    matrix_rules.equip(two_grids)
    return two_grids



@pytest.mark.parametrize("role", ROLES)
def test_the_matrix_rows_hold(client, cast, role):
    wrong = walk_matrix(client, cast, role, matrix_rules)
    assert not wrong, "\n".join(wrong)


def page(client, cast, user) -> str:
    client.force_login(cast.users[user])
    response = client.get(reverse("delivery:rules"))
    assert response.status_code == 200
    return response.content.decode()


def add(client, cast, **data):
    client.force_login(cast.users["carol"])
    return client.post(reverse("delivery:rule_add", args=[cast.community.pk]), data)


def test_it_shows_the_rule_in_force_and_the_history(client, cast):
    text = page(client, cast, "bob")  # a grid worker reads the community's rules
    assert cast.community.name in text and cast.other.name not in text
    assert "2026-02-01" in text and "2026-04-01" in text
    assert zh("not served") in text  # no breakfast in the rule in force
    assert zh("not started") in text
    assert reverse("delivery:rule_add", args=[cast.community.pk]) not in text  # bob reads only
    assert reverse("delivery:rule_delete", args=[cast.future_meal_rule.pk]) not in text
    carol = page(client, cast, "carol")
    assert reverse("delivery:rule_add", args=[cast.community.pk]) in carol
    assert reverse("delivery:rule_delete", args=[cast.future_meal_rule.pk]) in carol
    assert reverse("delivery:rule_delete", args=[cast.meal_rule.pk]) not in carol  # in force: kept
    assert reverse("delivery:meals_generate", args=[cast.community.pk]) in carol
    assert 'data-confirm="' in carol and "<script>" not in carol and 'style="' not in carol


def test_it_says_when_the_default_applies(client, cast):
    text = page(client, cast, "olga")  # her community set no rule
    assert cast.other.name in text and cast.community.name not in text
    assert zh("This community has set no rule: the default applies.") in text
    assert zh("No rule was set yet.") in text
    assert "08:00" in text and "12:00" in text and "18:00" in text


def test_an_admin_adds_a_rule(client, cast):
    response = add(client, cast, effective_from="2026-03-10", breakfast_by="07:30", lunch_by="",
                   dinner_by="17:00", request_hours="12")
    assert response.status_code == 302
    rule = DeliveryRule.objects.get(community=cast.community, effective_from=dt.date(2026, 3, 10))
    assert (rule.breakfast_by, rule.lunch_by, rule.dinner_by, rule.request_hours) == (
        dt.time(7, 30), None, dt.time(17, 0), 12)
    assert rule.meal_times() == {"breakfast": dt.time(7, 30), "dinner": dt.time(17, 0)}  # no lunch: allowed
    assert rule.set_by == cast.users["carol"]
    assert AuditEvent.objects.filter(target_type="delivery.DeliveryRule", target_id=str(rule.pk),
                                     action=AuditEvent.Action.CREATE).exists()
    assert "2026-03-10" in page(client, cast, "dave")


def test_a_rule_serving_no_meal_is_allowed(client, cast):
    assert add(client, cast, effective_from="2026-03-11", request_hours="24").status_code == 302
    assert DeliveryRule.objects.get(effective_from=dt.date(2026, 3, 11)).meal_times() == {}


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"effective_from": "2026-03-10", "lunch_by": "12:00", "request_hours": "0"}, "request_hours",
     "Requests are due within %(low)d to %(high)d hours."),
    ({"effective_from": "2026-03-10", "lunch_by": "12:00", "request_hours": "73"}, "request_hours",
     "Requests are due within %(low)d to %(high)d hours."),
    ({"effective_from": "2026-03-01", "lunch_by": "12:00", "request_hours": "24"}, "effective_from",
     "A rule starts today or later: the meals of past days are kept."),
    ({"effective_from": "", "lunch_by": "12:00", "request_hours": "24"}, "effective_from",
     "Give the first day of the rule."),
    ({"effective_from": "2026-04-01", "lunch_by": "12:00", "request_hours": "24"}, "effective_from",
     "A rule from %(day)s has not started yet: delete it first."),
])
def test_bad_input_is_refused_with_a_message_naming_the_field(client, cast, data, field, message):
    before = DeliveryRule.objects.count()
    response = add(client, cast, **data)
    assert response.status_code == 400
    text = response.content.decode()
    form = response.context["blocks"][0].form
    assert field in form.errors
    expected = zh(message) % {"low": 1, "high": 72, "day": "2026-04-01"}
    assert expected in text
    assert f"{form[field].label}: " in text  # the message names the field
    assert DeliveryRule.objects.count() == before


def test_a_bad_time_is_refused(client, cast):
    response = add(client, cast, effective_from="2026-03-10", lunch_by="25:99", request_hours="24")
    assert response.status_code == 400 and "lunch_by" in response.context["blocks"][0].form.errors
    assert not DeliveryRule.objects.filter(effective_from=dt.date(2026, 3, 10)).exists()


def test_only_a_rule_not_started_is_deleted(client, cast):
    client.force_login(cast.users["carol"])
    response = client.post(reverse("delivery:rule_delete", args=[cast.meal_rule.pk]), follow=True)
    assert DeliveryRule.objects.filter(pk=cast.meal_rule.pk).exists()
    assert zh("This rule is already in force: add a new rule instead of deleting it.") in response.content.decode()
    client.post(reverse("delivery:rule_delete", args=[cast.future_meal_rule.pk]))
    assert not DeliveryRule.objects.filter(pk=cast.future_meal_rule.pk).exists()
    assert AuditEvent.objects.filter(target_type="delivery.DeliveryRule", target_id=str(cast.future_meal_rule.pk),
                                     action=AuditEvent.Action.DELETE).exists()


def test_couriers_and_other_communities_are_refused(client, cast):
    for user in ("frank", "erin", "gina"):
        client.force_login(cast.users[user])
        assert client.get(reverse("delivery:rules")).status_code == 403
        assert client.post(reverse("delivery:rule_add", args=[cast.community.pk]),
                           {"effective_from": "2026-03-10", "request_hours": "24"}).status_code == 403
    client.force_login(cast.users["olga"])  # an admin, of another community
    assert client.post(reverse("delivery:rule_add", args=[cast.community.pk]),
                       {"effective_from": "2026-03-10", "request_hours": "24"}).status_code == 404
    assert client.post(reverse("delivery:rule_delete", args=[cast.future_meal_rule.pk])).status_code == 404
    assert client.post(reverse("delivery:meals_generate", args=[cast.community.pk])).status_code == 404
    assert DeliveryRule.objects.filter(pk=cast.future_meal_rule.pk).exists()
    assert not DeliveryRule.objects.filter(effective_from=dt.date(2026, 3, 10)).exists()


MADE = "Tomorrow's meals: %(made)d made, %(cancelled)d cancelled, %(kept)d already there."


def test_an_admin_generates_tomorrows_meals_now(client, cast):
    client.force_login(cast.users["carol"])
    tomorrow = dt.date(2026, 3, 3)
    response = client.post(reverse("delivery:meals_generate", args=[cast.community.pk]), follow=True)
    # Two households in quarantine (overdue, not released); the rule in force serves lunch and dinner.
    assert Task.objects.filter(day=tomorrow, kind=Task.Kind.MEAL).count() == 2 * 2
    text = response.content.decode()
    assert escape(zh(MADE) % {"made": 4, "cancelled": 0, "kept": 0}) in text
    again = client.post(reverse("delivery:meals_generate", args=[cast.community.pk]), follow=True)
    assert escape(zh(MADE) % {"made": 0, "cancelled": 0, "kept": 4}) in again.content.decode()
    assert Task.objects.filter(day=tomorrow, kind=Task.Kind.MEAL).count() == 4
