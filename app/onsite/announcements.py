"""What happens at the venue, announced after the commit (see app/announce.py)."""

from app.announce import Announcement

# fair_id, fair_title, promoted: [(registration_id, seeker_id)] moved off the waiting list
waitlist_promoted = Announcement("waitlist_promoted")
