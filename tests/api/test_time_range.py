"""Times far outside the years fairs happen in are refused as input, never stored (or a 500)."""

from tests.fixtures.values import hours_from_now


def test_fair_times_outside_the_plausible_years_are_refused(api, make_user, token_for):
    token = token_for(make_user("organiser"))
    body = {
        "title": "Year one",
        "mode": "online",
        # In UTC this is in year 0, which no datetime can hold.
        "starts_at": "0001-01-01T01:00:00+03:03",
        "ends_at": "0001-01-01T00:00:00+00:00",
    }
    response = api.post("/fairs", body, token=token)
    assert response.status_code == 422, response.get_json()
    assert set(response.get_json()["error"]["fields"]) == {"starts_at", "ends_at"}
    fine = {
        **body,
        "starts_at": hours_from_now(1).isoformat(),
        "ends_at": hours_from_now(2).isoformat(),
    }
    assert api.post("/fairs", fine, token=token).status_code == 201
    listed = api.get("/fairs?from=0001-01-01T00:00:00%2B01:00")
    assert listed.status_code == 422 and "from" in listed.get_json()["error"]["fields"]
