"""A seeker's own things across areas: their sign-ups, tickets and history, their data export,
and deleting their account."""
