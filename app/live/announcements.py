"""What happens in live rooms, announced once by the operation that did it (see app/announce.py).

Listeners are connected in the factory: app/live/listeners.py (emits, counts, caches) and
app/reports/listeners.py (the report rollups).
"""

from app.announce import Announcement

# In the transaction that records them: the report rollups are written in the same commit.

# room_fair: {room_id: fair_id}; people: [(room_id, person_key)]; at
viewers_joined = Announcement("viewers_joined", in_transaction=True)
# counts: {room_id: viewers now}; fair_ids: the fairs of those rooms; at
viewer_counts_changed = Announcement("viewer_counts_changed", in_transaction=True)
# stays: [Stay] that just ended
stays_closed = Announcement("stays_closed", in_transaction=True)
# people: {(fair_id, person_key)} with a new active sign-up; at
sign_ups_stored = Announcement("sign_ups_stored", in_transaction=True)
# visitor_id, seeker_id: a browser turned out to be this person
visitor_identified = Announcement("visitor_identified", in_transaction=True)

# After the commit: the outside world is told.

# room_id, fair_id, card (as clients receive it)
card_pushed = Announcement("card_pushed")
# room_id, card_id
card_unpinned = Announcement("card_unpinned")
# fair_id, room_id (None outside a room), job_id, created, count
sign_up_recorded = Announcement("sign_up_recorded")
# fair_id, room_id (None outside a room), job_id, count
sign_up_withdrawn = Announcement("sign_up_withdrawn")
# room_id: someone joined or left
presence_changed = Announcement("presence_changed")
# room_id, message (as clients receive it)
chat_posted = Announcement("chat_posted")
# room_id, message_id
chat_deleted = Announcement("chat_deleted")
# room_id, status, hls_url, replay_url, reason, error
stream_changed = Announcement("stream_changed")
