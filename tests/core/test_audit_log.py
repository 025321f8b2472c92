"""The audit log page: who saw or changed what, when, why — within the admin's communities."""

from django.urls import reverse

from fangxian.core.models import AuditEvent


def test_it_shows_an_admin_the_reveals_of_their_community_only(client, two_grids):
    client.force_login(two_grids.users["bob"])
    client.post(reverse("registry:person_reveal", args=[two_grids.person_b.pk]),
                {"field": "national_id", "reason": "核对身份"})
    AuditEvent.objects.create(actor=two_grids.users["olga"], action="reveal", target_type="registry.Person",
                              target_id=str(two_grids.outsider.pk), community=two_grids.other, reason="别的社区")
    client.force_login(two_grids.users["carol"])
    page = client.get(reverse("audit_log"), {"action": "reveal"})
    events = list(page.context["page"])
    assert [(e.actor.username, e.field, e.reason) for e in events] == [("bob", "national_id", "核对身份")]
    assert reverse("registry:person_detail", args=[two_grids.person_b.pk]) in page.content.decode()


def test_it_filters_by_who(client, two_grids):
    for name in ("alice", "bob"):
        AuditEvent.objects.create(actor=two_grids.users[name], action="view", target_type="registry.Person",
                                  target_id="1", community=two_grids.community)
    client.force_login(two_grids.users["carol"])
    page = client.get(reverse("audit_log"), {"who": "ali"})
    assert [e.actor.username for e in page.context["page"]] == ["alice"]
