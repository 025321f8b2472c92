"""Self-registration of returnees on one server process, beside a trivial view.

Figure: registrations per second POSTed to the public page /returnees/r/<community>/ with
the test Client (form, room lookup, ID and mobile checks, the risk-area rule, the insert
with a companion and the audit event), each from its own address so the per-address rate
limit stays out of the way, and half of them repeats of an earlier ID (an update of the
pending registration). Floor: the same client fetching /healthz, which does no database work.
"""

import datetime as dt

from bench.common import emit, figure, median_seconds, scratch_django

POSTS = 200


def _national_id(n: int) -> str:
    from fangxian.core.validators import id_check_char

    first17 = f"440305{1970 + n % 40}0{1 + n % 9}1{n % 10}{n // 10 % 1000:03d}"
    return first17 + id_check_char(first17)


def run() -> list[dict]:
    scratch_django("registration")
    from django.test import Client
    from django.utils import timezone

    from fangxian.core.scope import Scope
    from fangxian.registry.demo import demo_build
    from fangxian.registry.models import Community, Dwelling
    from fangxian.returnees.models import Registration
    from fangxian.returnees.services import area_set

    demo_build(scale=1)
    community = Community.objects.order_by("pk").first()
    area_set(scope=Scope(user_id=None, is_superuser=True), user=None, subdistrict=community.subdistrict,
             data={"province": "湖北省", "city": "武汉市", "level": "high", "measure": "home_quarantine",
                   "quarantine_days": 14, "effective_from": timezone.localdate() - dt.timedelta(days=30)})
    dwellings = list(Dwelling.objects.filter(building__community=community).select_related("building")[:POSTS])
    url = f"/returnees/r/{community.code}/"
    client = Client()
    counter = {"n": 0}
    today = timezone.localdate().isoformat()

    def post_all():
        for i in range(POSTS):
            n = counter["n"]
            counter["n"] += 1
            dwelling = dwellings[n % len(dwellings)]
            response = client.post(url, {
                "name": "返深居民", "national_id": _national_id(n // 2), "phone": "13912340000",
                "building": dwelling.building_id, "room": dwelling.room, "from_province": "湖北省",
                "from_city": "武汉市", "from_district": "江汉区", "route": "武汉→深圳", "transport": "G1001",
                "arrival_date": today, "temperature": "36.5", "consent": "on",
                "companion_0_name": "同行人", "companion_0_national_id": _national_id(500_000 + n),
                "companion_0_relation": "配偶",
            }, REMOTE_ADDR=f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}")
            assert response.status_code == 200, response.status_code

    def health_all():
        for _ in range(POSTS):
            assert client.get("/healthz").status_code == 200

    seconds = median_seconds(post_all, repeat=5, warmup=1)
    floor = median_seconds(health_all, repeat=5, warmup=1)
    # Every other POST repeats the previous ID: one registration for each two POSTs, or a POST failed.
    assert Registration.objects.count() == counter["n"] // 2, (Registration.objects.count(), counter["n"])
    return [figure("self_registration_posts", "registrations/s", POSTS / seconds, POSTS / floor,
                   higher_is_better=True, posts=POSTS, registrations=Registration.objects.count())]


if __name__ == "__main__":
    emit(run())
