"""Live rooms: the broadcast, job cards, sign-ups, presence and chat."""
