"""The OpenAPI document loads, lists every operation once, and the docs page opens."""

from django.urls import reverse

from fangxian.api.api import api

EXPECTED = {
    ("get", "/api/v1/me"),
    ("get", "/api/v1/registry/people"), ("post", "/api/v1/registry/people"),
    ("get", "/api/v1/registry/people/{id}"), ("patch", "/api/v1/registry/people/{id}"),
    ("post", "/api/v1/registry/people/{id}/reveal"),
    *(("get", f"/api/v1/registry/{kind}") for kind in
      ("dwellings", "buildings", "grids", "estates", "groups", "communities")),
    *(("get", f"/api/v1/registry/{kind}/{{id}}") for kind in
      ("dwellings", "buildings", "grids", "estates", "groups", "communities")),
    ("get", "/api/v1/access/bundle"), ("post", "/api/v1/access/sync"), ("get", "/api/v1/access/lookup"),
    ("get", "/api/v1/reports/dashboard"),
    ("get", "/api/v1/reports/day"), ("post", "/api/v1/reports/communities/{id}/report"),
    ("post", "/api/v1/duty/attendance"),
    ("get", "/api/v1/fieldwork/campaigns/{id}/walk"), ("post", "/api/v1/fieldwork/sync"),
    ("get", "/api/v1/delivery/tasks"), ("post", "/api/v1/delivery/tasks/{id}/steps"),
}


def test_it_serves_the_openapi_document(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["info"] == {"title": "Fangxian API", "version": "1", "description": document["info"]["description"]}
    operations = {(method, path) for path, item in document["paths"].items() for method in item}
    assert operations == EXPECTED
    assert reverse("api:openapi-json") == "/api/v1/openapi.json"


def test_it_gives_every_operation_a_unique_id_and_integer_path_ids():
    seen = []
    for path, item in api.get_openapi_schema()["paths"].items():
        for method, operation in item.items():
            seen.append(operation["operationId"])
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path":
                    assert parameter["name"] == "id" and parameter["schema"]["type"] == "integer", path
            assert operation["security"], (method, path)  # nothing is public
    assert len(seen) == len(set(seen)) == len(EXPECTED)


def test_it_opens_the_docs_page(client, db):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert b"openapi.json" in response.content
