"""The "Me" page (我的): a seeker's sign-ups (withdraw), tickets, history, real-name
verification, their data export and deleting their account."""

from __future__ import annotations

from typing import Literal

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from app.accounts.doors import current_actor, sign_out
from app.accounts.models import RealNameLevel, Role
from app.accounts.realname import verify_real_name
from app.accounts.schemas import NewUser
from app.accounts.seekers import my_seeker, rename_seeker
from app.accounts.services import create_user
from app.announce import commit
from app.errors import DomainError, Unauthorized
from app.extensions import db
from app.jobs.schemas import EmployerIn
from app.jobs.services import create_employer, list_employers
from app.live import operations as live
from app.onsite.services import my_registrations
from app.people.services import (
    delete_my_account,
    list_seekers,
    my_check_ins,
    my_sign_ups,
    require_people_admin,
    set_account_active,
    staff_accounts,
)
from app.reports.services import people_levels
from app.schemas import Input, Name, Text, parse

bp = Blueprint("people", __name__)


class RealNameForm(Input):
    name: Name
    id_number: Text(30, 1)


class NameForm(Input):
    name: Name


def _page(message: str | None = None, error: str | None = None, status: int = 200):
    actor = current_actor()
    seeker = my_seeker(actor)
    return render_template(
        "people/me.html",
        seeker=seeker,
        signups=my_sign_ups(actor),
        registrations=my_registrations(actor),
        checkins=my_check_ins(actor),
        levels={
            RealNameLevel.NONE: _("Not verified"),
            RealNameLevel.ID_CHECKED: _("ID number checked"),
            RealNameLevel.VERIFIED: _("Real name verified"),
        },
        message=message,
        error=error,
    ), status


def _signed_in_seeker_or_login():
    actor = current_actor()
    if actor.seeker_id is None:
        return redirect(url_for("accounts.login_page", next=request.path))
    return None


@bp.route("/me")
def me_page():
    """The seeker's own page."""
    return _signed_in_seeker_or_login() or _page()


def _act(action, done: str):
    """Run a form's action for the signed-in seeker and show the page with what happened."""
    gone = _signed_in_seeker_or_login()
    if gone:
        return gone
    try:
        action()
    except DomainError as exc:
        db.session.rollback()
        if isinstance(exc, Unauthorized):
            return redirect(url_for("accounts.login_page", next=url_for("people.me_page")))
        return _page(error=exc.message, status=exc.status)
    commit()
    return _page(message=done)


@bp.route("/me/name", methods=["POST"])
def rename():
    """Correct one's name."""

    def run():
        rename_seeker(current_actor(), parse(NameForm, {"name": request.form.get("name", "")}).name)

    return _act(run, _("Your name was saved."))


@bp.route("/me/real-name", methods=["POST"])
def real_name():
    """Verify one's real name with a resident ID number."""

    def run():
        data = parse(
            RealNameForm,
            {k: request.form.get(k, "") for k in ("name", "id_number")},
        )
        verify_real_name(current_actor(), data.name, data.id_number)

    return _act(run, _("Your real name was checked."))


@bp.route("/me/signups/<id:signup_fair>/<id:job_id>/withdraw", methods=["POST"])
def withdraw(signup_fair: str, job_id: str):
    """Take a sign-up back."""
    return _act(
        lambda: live.withdraw_sign_up(current_actor(), job_id, fair_id=signup_fair),
        _("Your sign-up was withdrawn."),
    )


@bp.route("/me/delete", methods=["POST"])
def delete():
    """Delete the account, after the person confirmed it on the page."""
    gone = _signed_in_seeker_or_login()
    if gone:
        return gone
    if request.form.get("confirm") != "yes":
        return _page(error=_("Tick the box to confirm deleting your account."), status=422)
    delete_my_account(current_actor())
    sign_out()
    commit()
    return redirect(url_for("fairs.index"))


@bp.route("/me/sign-out", methods=["POST"])
def sign_out_page():
    """Sign this browser out."""
    sign_out()
    commit()
    return redirect(url_for("fairs.index"))


# Organisers: accounts, employers and people ---------------------------------------------------


class StaffForm(Input):
    role: Literal["organiser", "host"]
    username: Text(64, 3)
    password: Text(200, 8)
    name: Text(50) | None = None
    employer: Text(100) | None = None


def _admin_page(message: str | None = None, error: str | None = None, status: int = 200):
    actor = current_actor()
    return render_template(
        "people/admin.html",
        staff=staff_accounts(actor),
        seekers=list_seekers(actor),
        employers=list_employers(),
        totals=people_levels(),
        message=message,
        error=error,
    ), status


@bp.route("/organiser/people")
@login_required
def admin():
    """Organisers: staff accounts, employers and people with their verification levels."""
    return _admin_page()


def _admin_act(action, done: str):
    try:
        action()
    except DomainError as exc:
        db.session.rollback()
        return _admin_page(error=exc.message, status=exc.status)
    commit()
    return _admin_page(message=done)


@bp.route("/organiser/people/accounts", methods=["POST"])
@login_required
def add_account():
    """Create an organiser or host account (a host's employer is created if new)."""

    def run():
        require_people_admin(current_actor())
        values = {k: request.form.get(k, "").strip() or None for k in StaffForm.model_fields}
        data = parse(StaffForm, values)
        create_user(
            NewUser(
                role=Role(data.role),
                username=data.username,
                password=data.password,
                name=data.name,
                employer=data.employer if data.role == "host" else None,
            )
        )

    return _admin_act(run, _("The account was created."))


@bp.route("/organiser/people/accounts/<id:user_id>/active", methods=["POST"])
@login_required
def account_active(user_id: str):
    """Disable an account, or enable it again."""
    active = request.form.get("active") == "1"
    return _admin_act(
        lambda: set_account_active(current_actor(), user_id, active),
        _("The account was enabled.") if active else _("The account was disabled."),
    )


@bp.route("/organiser/people/employers", methods=["POST"])
@login_required
def add_employer():
    """Register an employer with its unified social credit code."""

    def run():
        values = {k: request.form.get(k, "").strip() for k in ("name", "credit_code")}
        create_employer(require_people_admin(current_actor()), parse(EmployerIn, values))

    return _admin_act(run, _("The employer was registered."))
