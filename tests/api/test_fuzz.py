"""Whatever a client sends, the answer is a clear refusal or a success, never a 500."""

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api import Caller
from tests.factories import make_national_id

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
text = st.text(max_size=30)
scalar = st.none() | st.booleans() | st.integers(min_value=-2**70, max_value=2**70) | text | st.floats(allow_nan=False)
person_fields = ("name", "national_id", "phone", "sex", "birth_date", "kind", "dwelling_id", "community_id",
                 "no_smartphone", "is_party_member", "unknown")


def plausible(draw_id: int):
    return st.fixed_dictionaries({}, optional={
        "name": st.sampled_from(["李小红", "阿依古丽·买买提", " ", "王\x00", "x" * 60]) | text,
        "national_id": st.just(make_national_id()) | st.sampled_from(["", "123", "11010519491231002x"]) | text,
        "phone": st.sampled_from(["+86 139-1234-5678", "12345", "", "0086 13912345678"]) | text,
        "sex": st.sampled_from(["M", "F", "", "X"]) | scalar,
        "birth_date": st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)).map(str) | scalar,
        "kind": st.sampled_from(["tenant", "permanent", "alien"]) | scalar,
        "dwelling_id": st.sampled_from([draw_id, 0, 2**63, 2**63 - 1]) | scalar,
        "community_id": scalar,
        "no_smartphone": scalar,
    })


def test_it_never_fails_on_person_writes(client, two_grids):
    carol = Caller(client, two_grids.users["carol"])
    pk = two_grids.person_a.pk

    @FUZZ
    @given(body=plausible(two_grids.person_a.dwelling_id) | st.dictionaries(st.sampled_from(person_fields), scalar)
           | scalar | st.lists(scalar, max_size=3))
    def run(body):
        created = carol.post("/registry/people", body)
        assert created.status_code in (201, 400, 422), (body, created.content)
        changed = carol.patch(f"/registry/people/{pk}", body)
        assert changed.status_code in (200, 400, 422), (body, changed.content)

    run()


def test_it_never_fails_on_list_parameters(client, two_grids):
    alice = Caller(client, two_grids.users["alice"])
    names = st.sampled_from(["q", "limit", "offset", "grid", "building", "dwelling", "estate", "community",
                             "kind", "tag", "status"])

    @FUZZ
    @given(params=st.dictionaries(names, st.text(max_size=12) | st.integers(-2**70, 2**70).map(str)))
    def run(params):
        for path in ("/registry/people", "/registry/dwellings", "/registry/buildings", "/registry/estates"):
            response = alice.get(path, **params)
            assert response.status_code in (200, 422), (path, params, response.content)

    run()


def test_it_never_fails_on_reveal_bodies(client, two_grids):
    alice = Caller(client, two_grids.users["alice"])

    @FUZZ
    @given(body=st.fixed_dictionaries({}, optional={"field": st.sampled_from(["phone", "national_id", "name"]) | scalar,
                                                    "reason": scalar}))
    def run(body):
        response = alice.post(f"/registry/people/{two_grids.person_a.pk}/reveal", body)
        assert response.status_code in (200, 422), (body, response.content)

    run()
