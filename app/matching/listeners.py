"""Matching keeps its jobs' index as jobs are saved (connected by the factory)."""

from __future__ import annotations

from sqlalchemy import event

from app.jobs.models import Job
from app.matching.services import index_job


def _job_saved(mapper, connection, job: Job) -> None:
    index_job(connection, job)


def connect() -> None:
    """Connect matching's listeners."""
    for moment in ("after_insert", "after_update"):
        if not event.contains(Job, moment, _job_saved):
            event.listen(Job, moment, _job_saved)
