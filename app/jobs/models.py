"""Employers and jobs, with the fields a gig worker decides on."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import Employer  # noqa: F401 - the employer of each job
from app.db import IdColumn, UTCDateTime, enum_type, new_id, utcnow
from app.extensions import db


class PayUnit(StrEnum):
    HOUR = "hour"
    DAY = "day"
    MONTH = "month"
    PIECE = "piece"


class WorkType(StrEnum):
    GIG = "gig"
    PART_TIME = "part_time"
    FULL_TIME = "full_time"


class Category(StrEnum):
    """Broad trades, as the gig-work market's dashboard groups them."""

    MANUFACTURING = "manufacturing"
    LOGISTICS = "logistics"
    CATERING = "catering"
    RETAIL = "retail"
    DOMESTIC = "domestic"
    CONSTRUCTION = "construction"
    CLEANING = "cleaning"
    SECURITY = "security"
    DRIVING = "driving"
    OFFICE = "office"
    OTHER = "other"


class Benefit(StrEnum):
    MEALS = "meals"
    HOUSING = "housing"
    TRANSPORT = "transport"
    SOCIAL_INSURANCE = "social_insurance"
    DAILY_PAY = "daily_pay"
    OVERTIME_PAY = "overtime_pay"
    TRAINING = "training"
    UNIFORM = "uniform"


class Job(db.Model):
    """A position an employer offers."""

    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(IdColumn(), primary_key=True, default=new_id)
    employer_id: Mapped[str] = mapped_column(ForeignKey("employers.id"), index=True)
    title: Mapped[str] = mapped_column(String(100))
    category: Mapped[Category] = mapped_column(enum_type(Category), index=True)
    pay_min: Mapped[float] = mapped_column(Numeric(10, 2, asdecimal=False))
    pay_max: Mapped[float] = mapped_column(Numeric(10, 2, asdecimal=False))
    pay_unit: Mapped[PayUnit] = mapped_column(enum_type(PayUnit))
    district: Mapped[str] = mapped_column(String(50))
    headcount: Mapped[int] = mapped_column(Integer)
    work_type: Mapped[WorkType] = mapped_column(enum_type(WorkType))
    shift: Mapped[str] = mapped_column(String(100), default="")
    benefits: Mapped[list[str]] = mapped_column(JSON, default=list)
    requirements: Mapped[str] = mapped_column(Text, default="")
    contact: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    employer = relationship("Employer", lazy="joined")

    @property
    def employer_name(self) -> str:
        return self.employer.name
