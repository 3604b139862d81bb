from icalendar import Calendar


def test_calendar_has_one_event_per_session_and_the_venue(client, make_room, make_fair, make_user):
    fair = make_fair(title="台商区招聘会", venue="服务大厅")
    host = make_user("host")
    first = make_room(fair=fair, host=host, title="电子厂直播")
    second = make_room(fair=fair, host=make_user("host"), title="物流直播")
    response = client.get(f"/api/v1/fairs/{fair.id}/calendar.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    events = calendar.walk("VEVENT")
    by_url = {str(e["url"]): e for e in events}
    for room in (first, second):
        event = by_url[f"http://127.0.0.1:5000/rooms/{room.id}"]
        assert event.decoded("dtstart") == room.starts_at
        assert event.decoded("dtend") == room.ends_at
        assert room.title in str(event["summary"])
    on_site = by_url[f"http://127.0.0.1:5000/fairs/{fair.id}"]
    assert str(on_site["location"]) == "服务大厅"
    assert len({str(e["uid"]) for e in events}) == len(events) == 3


def test_calendar_of_a_draft_is_not_found(client, make_fair):
    fair = make_fair(status="draft")
    assert client.get(f"/api/v1/fairs/{fair.id}/calendar.ics").status_code == 404
