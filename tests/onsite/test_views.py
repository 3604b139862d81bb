"""On-site pages through the test client: the fair page, registering, tickets, staff pages."""

import re

from sqlalchemy import func, select

from app.accounts.actor import Actor
from app.onsite import services
from app.onsite.models import Registration
from tests.fixtures.people import seeker_actor, sign_in_by_code
from tests.fixtures.values import Api, csrf_token, login

EN = {"Accept-Language": "en"}


def page(client, path, **kw):
    response = client.get(path, headers=EN, **kw)
    return response.status_code, response.get_data(as_text=True)


def register_by_code(client, venue, name="王小明", mobile="13912345678"):
    """Sign in with the code texted to mobile (saying one's name), then register."""
    signed = sign_in_by_code(client, mobile)
    Api(client, signed["token"]).patch("/me", {"name": name})
    return client.post(
        f"/fairs/{venue.fair.id}/register", data={"csrf_token": csrf_token(client)}, headers=EN
    )


def test_the_fair_page_shows_the_venue_places_and_booths(client, db, venue, make_seeker):
    services.set_booth(Actor.of(venue.organiser), venue.fair, venue.host.employer_id, "A12")
    db.session.commit()
    status, html = page(client, f"/fairs/{venue.fair.id}")
    assert status == 200
    assert "Service hall" in html and "2 of 2 places left" in html
    assert f"/fairs/{venue.fair.id}/register" in html
    assert (
        "Booth A12" in html and f"/fairs/{venue.fair.id}/employers/{venue.host.employer_id}" in html
    )
    assert "Check-in desk" not in html
    for _ in range(2):
        seeker = make_seeker()
        services.register_seeker(seeker_actor(seeker), venue.fair, seeker)
    db.session.commit()
    assert "All 2 places are taken" in page(client, f"/fairs/{venue.fair.id}")[1]
    chinese = client.get(f"/fairs/{venue.fair.id}").get_data(as_text=True)
    assert "名额已满" in chinese and "展位 A12" in chinese


def test_staff_see_their_links_on_the_fair_page(client, venue):
    login(client, venue.organiser.username)
    html = page(client, f"/fairs/{venue.fair.id}")[1]
    assert f"/fairs/{venue.fair.id}/checkin" in html and f"/fairs/{venue.fair.id}/posters" in html
    assert f"/fairs/{venue.fair.id}/register" not in html
    host = client.application.test_client()
    login(host, venue.host.username)
    html = page(host, f"/fairs/{venue.fair.id}")[1]
    assert f"/fairs/{venue.fair.id}/booth" in html and "/checkin" not in html


def test_registering_in_a_browser_gives_a_ticket_only_that_browser_sees(client, db, venue):
    status, html = page(client, f"/fairs/{venue.fair.id}/register")
    assert status == 200 and "data-phone-sign-in" in html
    response = register_by_code(client, venue)
    assert response.status_code == 302
    ticket_path = response.headers["Location"]
    status, html = page(client, ticket_path)
    assert status == 200
    registration = db.session.scalar(select(Registration))
    assert services.format_ticket_code(registration.ticket_code) in html
    assert 'src="data:image/svg+xml' in html and 'href="data:image/png;base64,' in html
    assert f"/api/v1/fairs/{venue.fair.id}/calendar.ics" in html
    assert "王小明" in html and "Confirmed" in html
    assert "My tickets" in page(client, "/")[1]
    assert "台商区招聘会" in page(client, "/my/tickets")[1]
    # The fair page now links to the ticket instead of registering again.
    fair_page = page(client, f"/fairs/{venue.fair.id}")[1]
    assert ticket_path in fair_page
    assert client.get(f"/fairs/{venue.fair.id}/register").status_code == 302

    stranger = client.application.test_client()
    assert page(stranger, ticket_path)[0] == 404
    # Typing the number is no way in: registering needs the code, and says nothing of a ticket.
    again = stranger.post(
        f"/fairs/{venue.fair.id}/register",
        data={"csrf_token": csrf_token(stranger), "name": "冒充", "mobile": "13912345678"},
        headers=EN,
    )
    assert again.status_code == 302 and "/login" in again.headers["Location"]
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 1


def test_the_register_form_checks_its_input(client, db, venue):
    missing_csrf = client.post(
        f"/fairs/{venue.fair.id}/register", data={"name": "A", "mobile": "13912345678"}
    )
    assert missing_csrf.status_code == 400
    anonymous = client.post(
        f"/fairs/{venue.fair.id}/register",
        data={"csrf_token": csrf_token(client), "name": "A", "mobile": "12345"},
    )
    assert anonymous.status_code == 302
    assert db.session.scalar(select(Registration)) is None
    assert page(client, "/fairs/nope/register")[0] == 404


def test_signed_in_seekers_register_and_cancel(client, db, venue, make_user):
    seeker = make_user("seeker", name="李娜")
    login(client, seeker.username)
    html = page(client, f"/fairs/{venue.fair.id}/register")[1]
    assert "signed in as 李娜" in html and 'name="mobile"' not in html
    response = client.post(
        f"/fairs/{venue.fair.id}/register", data={"csrf_token": csrf_token(client)}
    )
    ticket_path = response.headers["Location"]
    registration = db.session.scalar(select(Registration))
    assert registration.seeker_id == seeker.seeker_id
    other = make_user("seeker")
    other_client = client.application.test_client()
    login(other_client, other.username)
    assert other_client.get(ticket_path).status_code == 404
    assert (
        other_client.post(
            f"/registrations/{registration.id}/cancel",
            data={"csrf_token": csrf_token(other_client)},
        ).status_code
        == 404
    )
    cancelled = client.post(
        f"/registrations/{registration.id}/cancel", data={"csrf_token": csrf_token(client)}
    )
    assert cancelled.status_code == 302
    html = page(client, ticket_path)[1]
    assert "was cancelled" in html and "data:image/svg+xml" not in html
    assert "Register again" in html


def test_staff_cannot_register_themselves(client, venue):
    login(client, venue.organiser.username)
    status, html = page(client, f"/fairs/{venue.fair.id}/register")
    assert status == 200 and "walk-ins are registered at the check-in desk" in html
    posted = client.post(
        f"/fairs/{venue.fair.id}/register", data={"csrf_token": csrf_token(client)}
    )
    assert posted.status_code == 403


def test_the_check_in_page_is_for_organisers(client, venue, make_user, make_fair):
    path = f"/fairs/{venue.fair.id}/checkin"
    assert client.get(path).status_code == 302  # to the sign-in page
    login(client, venue.host.username)
    assert client.get(path).status_code == 403
    organiser = client.application.test_client()
    login(organiser, venue.organiser.username)
    status, html = page(organiser, path)
    assert status == 200
    assert "/vendor/jsQR.js" in html and "/static/js/checkin.js" in html
    config = re.search(
        r'<script type="application/json" id="checkin-config">(.*?)</script>', html, re.S
    )
    assert config and '"mode": "checkin"' in config.group(1)
    assert "<script>" not in html  # no inline scripts: the CSP allows only our files
    online = make_fair(mode="online", venue=None, organiser=venue.organiser)
    assert organiser.get(f"/fairs/{online.id}/checkin").status_code == 404


def test_the_booth_page_is_for_the_employers_hosts(client, venue, make_user):
    path = f"/fairs/{venue.fair.id}/booth"
    login(client, venue.host.username)
    status, html = page(client, path)
    assert status == 200 and venue.job.title in html and venue.other_job.title not in html
    stranger = client.application.test_client()
    login(stranger, make_user("host").username)
    assert stranger.get(path).status_code == 403
    seeker = client.application.test_client()
    login(seeker, make_user("seeker").username)
    assert seeker.get(path).status_code == 403


def test_the_organisers_desk_lists_registrations_and_sets_booths(client, db, venue, make_seeker):
    person = make_seeker(name="陈静")
    registration, _ = services.register_seeker(seeker_actor(person), venue.fair, person)
    db.session.commit()
    login(client, venue.organiser.username)
    status, html = page(client, f"/organiser/fairs/{venue.fair.id}/onsite")
    assert status == 200 and "陈静" in html and registration.ticket_code in html
    token = csrf_token(client)
    response = client.post(
        f"/organiser/fairs/{venue.fair.id}/booths",
        data={"csrf_token": token, "employer_id": venue.host.employer_id, "number": "b7"},
    )
    assert response.status_code == 302
    clash = client.post(
        f"/organiser/fairs/{venue.fair.id}/booths",
        data={"csrf_token": token, "employer_id": venue.other_job.employer_id, "number": "B7"},
        headers=EN,
    )
    assert clash.status_code == 409 and "already" in clash.get_data(as_text=True)
    assert services.fair_booths(venue.fair.id)[venue.host.employer_id].number == "B7"
    host = client.application.test_client()
    login(host, venue.host.username)
    assert host.get(f"/organiser/fairs/{venue.fair.id}/onsite").status_code == 403
    assert (
        host.post(
            f"/organiser/fairs/{venue.fair.id}/booths",
            data={
                "csrf_token": csrf_token(host),
                "employer_id": venue.host.employer_id,
                "number": "Z",
            },
        ).status_code
        == 403
    )


def test_a_tickets_link_leads_each_person_to_the_right_place(client, db, venue, make_seeker):
    person = make_seeker(name="赵六")
    registration, _ = services.register_seeker(seeker_actor(person), venue.fair, person)
    db.session.commit()
    link = f"/t/{registration.ticket_code.lower()}"
    status, html = page(client, link)
    assert status == 200 and "赵六" not in html  # nothing about the person for strangers
    assert page(client, "/t/whatever")[0] == 200
    login(client, venue.organiser.username)
    response = client.get(link)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(
        f"/fairs/{venue.fair.id}/checkin?code={registration.ticket_code}"
    )
    assert registration.ticket_code in page(client, response.headers["Location"])[1]


def test_posters_and_the_employer_page(client, db, venue, make_room):
    room = make_room(fair=venue.fair, title="产线直播", host=venue.host)
    services.set_booth(Actor.of(venue.organiser), venue.fair, venue.host.employer_id, "A1")
    db.session.commit()
    status, html = page(client, f"/fairs/{venue.fair.id}/posters")
    assert status == 200
    assert html.count('class="poster"') == 3  # two employers and one room
    assert f"http://127.0.0.1:5000/fairs/{venue.fair.id}/employers/{venue.host.employer_id}" in html
    assert f"http://127.0.0.1:5000/rooms/{room.id}" in html
    assert html.count('src="data:image/svg+xml') == 3
    one = page(client, f"/fairs/{venue.fair.id}/posters?room={room.id}")[1]
    assert one.count('class="poster"') == 1
    assert page(client, f"/fairs/{venue.fair.id}/posters?room=nope")[0] == 404
    status, html = page(client, f"/fairs/{venue.fair.id}/employers/{venue.host.employer_id}")
    assert status == 200 and venue.job.title in html and venue.other_job.title not in html
    assert "Booth A1" in html and f"/rooms/{room.id}" in html
    assert page(client, f"/fairs/{venue.fair.id}/employers/nope")[0] == 404


def test_drafts_have_no_public_on_site_pages(client, make_fair):
    draft = make_fair(status="draft")
    for path in ("register", "posters"):
        assert client.get(f"/fairs/{draft.id}/{path}").status_code == 404
