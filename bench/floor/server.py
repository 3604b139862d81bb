"""The floor under FairCast's /live numbers: the same events on the same stack (Flask-SocketIO
on eventlet), with every piece of FairCast taken out — state in memory, no database, no
authentication, no rate limits. What this server cannot beat, FairCast cannot either.

    python bench/floor/server.py --port PORT
"""

from __future__ import annotations

import eventlet

eventlet.monkey_patch()

import sys  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402

from flask import Flask, request  # noqa: E402
from flask_socketio import SocketIO, join_room  # noqa: E402

app = Flask(__name__)
socketio = SocketIO(app, async_mode="eventlet", cors_allowed_origins="*", async_handlers=False)
NS = "/live"
cards: dict[str, list] = {}
signups: dict[tuple[str, str], set] = {}
people: dict[str, str] = {}
lock = threading.Lock()


@socketio.on("identify", namespace=NS)
def identify(data):
    people[request.sid] = data.get("mobile", request.sid)
    return {"ok": True}


@socketio.on("join", namespace=NS)
def join(data):
    room = data["room_id"]
    join_room(room)
    counts = {job: len(who) for (r, job), who in signups.items() if r == room}
    return {
        "ok": True,
        "state": {
            "room_id": room,
            "status": "live",
            "cards": cards.get(room, []),
            "counts": counts,
            "viewers": 0,
            "pinned": None,
        },
    }


@socketio.on("push_card", namespace=NS)
def push_card(data):
    room = data["room_id"]
    card = {
        "card_id": f"c{len(cards.get(room, []))}",
        "job": {"id": data["job_id"], "title": "Job"},
        "pushed_at": int(time.time() * 1000),
    }
    cards.setdefault(room, []).insert(0, card)
    socketio.emit("card", {"room_id": room, "card": card}, to=room, namespace=NS)
    return {"ok": True, "card_id": card["card_id"]}


@socketio.on("sign_up", namespace=NS)
def sign_up(data):
    key = (data["room_id"], data["job_id"])
    person = people.get(request.sid, request.sid)
    with lock:
        who = signups.setdefault(key, set())
        created = person not in who
        who.add(person)
    return {"ok": True, "created": created, "count": len(who), "job_id": data["job_id"]}


if __name__ == "__main__":
    port = int(sys.argv[sys.argv.index("--port") + 1])
    print(f"listening {port}", flush=True)
    socketio.run(app, host="127.0.0.1", port=port, log_output=False, max_size=20000)
