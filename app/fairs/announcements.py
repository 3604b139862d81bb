"""What happens to fairs, announced after the commit (see app/announce.py)."""

from app.announce import Announcement

# fair_id: its status, its jobs or its sessions changed
fair_changed = Announcement("fair_changed")
# room_id: the room's ingest secret was replaced (a waiting listener takes the new one)
stream_key_rotated = Announcement("stream_key_rotated")
