"""The OpenAPI document and the docs page (served from local static files, no CDN)."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.fixture
def schema(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_it_documents_every_operation_with_the_error_body(schema):
    operations = {
        (method, path): operation for path, item in schema["paths"].items() for method, operation in item.items()
    }
    assert set(operations) == {
        ("get", "/api/v1/procedures"),
        ("get", "/api/v1/procedures/{code}"),
        ("get", "/api/v1/fields"),
        ("get", "/api/v1/agencies"),
        ("get", "/api/v1/agencies/{code}"),
        ("post", "/api/v1/lookup"),
        ("post", "/api/v1/dossiers"),
        ("get", "/api/v1/dossiers/{code}"),
        ("get", "/api/v1/sync/dossiers"),
    }
    for operation in operations.values():
        for status in ("422", "429"):
            assert operation["responses"][status]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/ErrorBody"
            }
    submit = operations[("post", "/api/v1/dossiers")]
    assert {"200", "201", "400", "401", "403", "409", "422", "429"} <= set(submit["responses"])
    assert submit["security"] == [{"ClientToken": ["dossiers:submit"]}]
    header = next(p for p in submit["parameters"] if p["in"] == "header")
    assert header["name"] == "Idempotency-Key" and header["required"] is True


def test_it_describes_the_client_credentials_flow(schema):
    scheme = schema["components"]["securitySchemes"]["ClientToken"]
    flow = scheme["flows"]["clientCredentials"]
    assert scheme["type"] == "oauth2" and flow["tokenUrl"] == "/api/oauth/token/"
    assert set(flow["scopes"]) == {"dossiers:read", "dossiers:submit", "dossiers:sync"}


def test_it_serves_the_docs_page_from_local_static_files(db):
    response = Client().get("/api/v1/docs")

    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html and "/static/ninja/swagger-ui-init.js" in html
    assert "cdn" not in html.lower() and "https://" not in html
    assert Client().get("/static/ninja/swagger-ui-bundle.js").status_code == 200


def test_it_answers_in_readable_utf8_and_in_english_on_request(db):
    response = Client().get("/api/v1/procedures/9.999999")
    assert response["Content-Type"].startswith("application/json")
    assert "Không tìm thấy." in response.content.decode("utf-8")

    english = Client().get("/api/v1/procedures/9.999999", HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["error"]["message"] == "Not found."
