"""A fair shows "直播中" when one of its sessions is on air, whatever its status says."""

from __future__ import annotations

from app.fairs.models import RoomStatus

ZH = {"Accept-Language": "zh-CN"}


def badge(client, path: str) -> str:
    page = client.get(path, headers=ZH).get_data(as_text=True)
    start = page.index('<span class="badge status-')
    return page[start : page.index("</span>", start)]


def test_the_live_badge_follows_the_sessions(client, db, make_fair, make_room):
    fair = make_fair(status="live")
    room = make_room(fair=fair)
    for path in ("/", f"/fairs/{fair.id}"):
        assert "直播中" not in badge(client, path), path
        assert "进行中" in badge(client, path)
    room.status = RoomStatus.LIVE
    db.session.commit()
    for path in ("/", f"/fairs/{fair.id}"):
        assert "直播中" in badge(client, path), path
    room.status = RoomStatus.ENDED
    db.session.commit()
    assert "直播中" not in badge(client, f"/fairs/{fair.id}")


def test_a_published_fair_with_a_live_session_shows_live(client, db, make_fair, make_room):
    fair = make_fair(status="published")
    make_room(fair=fair, status=RoomStatus.RECONNECTING)
    assert "直播中" in badge(client, f"/fairs/{fair.id}")


def test_the_api_says_whether_a_fair_is_on_air(api, db, make_fair, make_room):
    fair = make_fair(status="live")
    room = make_room(fair=fair)
    assert api.get(f"/fairs/{fair.id}").get_json()["on_air"] is False
    room.status = RoomStatus.LIVE
    db.session.commit()
    assert api.get(f"/fairs/{fair.id}").get_json()["on_air"] is True
