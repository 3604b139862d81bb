"""Imports every model so the metadata (and Alembic) sees all tables."""

from app.accounts.models import ApiToken, LoginFailure, Seeker, User  # noqa: F401
from app.fairs.models import Fair, Room, fair_jobs  # noqa: F401
from app.jobs.models import Employer, Job  # noqa: F401
