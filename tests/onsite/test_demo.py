"""The demo fair comes with booth numbers and a ticket for the demo seeker, however often seeded."""

from sqlalchemy import select

from app.demo import seed_demo
from app.onsite.models import Booth, Registration, RegistrationStatus


def test_demo_booths_and_ticket(app, db):
    with app.test_request_context():
        for _ in range(2):
            urls = seed_demo()
    assert urls["Check-in desk (organiser)"].endswith("/checkin")
    assert sorted(db.session.scalars(select(Booth.number))) == ["A01", "B02"]
    registrations = db.session.scalars(select(Registration)).all()
    assert [r.status for r in registrations] == [RegistrationStatus.CONFIRMED]
