"""The person list page at `demo --scale 10` (about 80,000 people), beside a trivial view.

Figure: median milliseconds per request of /registry/people/ (first page, and a search)
for the community admin of Dongshan and for the subdistrict officer who reads all ten
communities. Floor: the same client fetching /healthz, which does no database work.
"""

from bench.common import emit, figure, median_seconds, scratch_django


def run() -> list[dict]:
    scratch_django("person-list")
    from django.contrib.auth import get_user_model
    from django.test import Client

    from fangxian.registry.demo import demo_build

    demo_build(scale=10)
    people = __import__("fangxian.registry.models", fromlist=["Person"]).Person.objects.count()
    floor = _timed(Client(), "/healthz")
    rows = []
    for username in ("admin", "officer"):
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        for label, url in (("first page", "/registry/people/"), ("search", "/registry/people/?q=王")):
            ms = _timed(client, url)
            rows.append(figure(f"person_list_scale10_{username}_{label.replace(' ', '_')}", "ms/request",
                               ms, floor, higher_is_better=False, people=people))
    return rows


def _timed(client, url) -> float:
    def fetch():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    return median_seconds(fetch, repeat=20) * 1000


if __name__ == "__main__":
    emit(run())
