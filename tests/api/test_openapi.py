"""The OpenAPI document is valid, complete, and the API behaves as it says (schemathesis)."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate
from schemathesis.specs.openapi.checks import positive_data_acceptance


def test_the_document_is_valid_openapi(client):
    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    assert document["openapi"].startswith("3.")


def test_every_route_under_the_api_is_documented(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    documented = {(path, method) for path, ops in document["paths"].items() for method in ops}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.endpoint == "api.openapi_json":
            continue
        path = rule.rule.replace("<id:", "{").replace("<", "{").replace(">", "}")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method.lower()) in documented, f"{method} {path} is not in openapi.json"
    assert len(app.blueprints["api"].endpoints) == len(documented)


@pytest.fixture
def schema_token(db, make_user, token_for, make_fair, make_room, make_job):
    """An organiser's token, with a fair, a room and a job to find."""
    organiser = make_user("organiser", username="schema-organiser")
    fair = make_fair()
    make_room(fair=fair)
    job = make_job()
    fair.jobs.append(job)
    db.session.commit()
    return token_for(organiser)


def test_api_conforms_to_its_document(app, schema_token):
    """Every operation, fed generated valid and invalid input: no 5xx, answers as documented."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    headers = {"Authorization": f"Bearer {schema_token}"}
    checked = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=25,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def exercise(case):
            # Schema-valid input may still break a business rule (a credit code's check
            # character, an end before a start): a 422 there is right, so that check is off.
            case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

        exercise()
        checked.append(operation.label)
    assert len(checked) == len(app.blueprints["api"].endpoints)
