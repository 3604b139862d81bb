"""The demo has people at every verification level, however often it is seeded."""

from app.demo import seed_demo
from app.reports.services import people_levels


def test_demo_people_at_every_level(app, db):
    with app.test_request_context():
        for _ in range(2):
            urls = seed_demo()
    assert urls["Me (a seeker's page)"] == "/me"
    assert urls["Accounts and people"] == "/organiser/people"
    assert people_levels() == {
        # Four at the levels, and six neighbours staff registered at the hall (求职登记); the
        # contract demo's worker has had their ID checked too.
        "registered": 10,
        "mobile_verified": 3,
        "id_checked": 2,
        "real_name_verified": 0,
    }
