"""Employer and job input and output."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field, field_validator

from app.jobs.models import Benefit, Category, PayUnit, WorkType
from app.schemas import Id, Input, Output, Text
from app.validators import normalize_credit_code

MAX_PAY = 1_000_000
MAX_HEADCOUNT = 10_000


class EmployerIn(Input):
    name: Text(100, 1)
    credit_code: Text(18, 18)

    @field_validator("credit_code")
    @classmethod
    def _credit_code(cls, value: str) -> str:
        code = normalize_credit_code(value)
        if code is None:
            raise ValueError("not a valid unified social credit code (check character)")
        return code


class EmployerOut(Output):
    id: str
    name: str
    credit_code: str | None


class JobFields(Input):
    """Every job field, all optional: the shape of a change."""

    title: Text(100, 1) | None = None
    category: Category | None = None
    pay_min: float | None = Field(None, ge=0, le=MAX_PAY)
    pay_max: float | None = Field(None, ge=0, le=MAX_PAY)
    pay_unit: PayUnit | None = None
    district: Text(50, 1) | None = None
    headcount: int | None = Field(None, ge=1, le=MAX_HEADCOUNT)
    work_type: WorkType | None = None
    shift: Text(100) | None = None
    benefits: list[Benefit] | None = Field(None, max_length=len(Benefit))
    requirements: Text(2000, multiline=True) | None = None
    contact: Text(100) | None = None

    @field_validator("benefits")
    @classmethod
    def _distinct(cls, value: list[Benefit] | None) -> list[Benefit] | None:
        return None if value is None else list(dict.fromkeys(value))


class JobIn(JobFields):
    """A new job: the deciding fields are required."""

    employer_id: Id | None = None
    title: Text(100, 1)
    category: Category
    pay_min: float = Field(ge=0, le=MAX_PAY)
    pay_max: float = Field(ge=0, le=MAX_PAY)
    pay_unit: PayUnit
    district: Text(50, 1)
    headcount: int = Field(ge=1, le=MAX_HEADCOUNT)
    work_type: WorkType
    shift: Text(100) = ""
    benefits: list[Benefit] = Field(default_factory=list, max_length=len(Benefit))
    requirements: Text(2000, multiline=True) = ""
    contact: Text(100) = ""


class JobOut(Output):
    id: str
    employer_id: str
    employer_name: str
    title: str
    category: Category
    pay_min: float
    pay_max: float
    pay_unit: PayUnit
    district: str
    headcount: int
    work_type: WorkType
    shift: str
    benefits: list[Benefit]
    requirements: str
    contact: str
    updated_at: datetime
    # Conditions the law forbids (age, sex, ethnicity, home_region) found in the title or
    # requirements: shown to the organiser so the wording is fixed.
    requirement_flags: list[str] = []
