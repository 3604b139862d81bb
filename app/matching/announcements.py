"""What matching announces (after the commit); the notifications area listens."""

from app.announce import Announcement

# invitation_id, seeker_id, job_id, job_title, employer_name, url
invited = Announcement("invited")
