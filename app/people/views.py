"""The "Me" page (我的): a seeker's sign-ups (withdraw), tickets, history, real-name
verification, their data export and deleting their account."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.accounts.doors import current_actor, sign_out
from app.accounts.models import RealNameLevel
from app.accounts.realname import verify_real_name
from app.accounts.seekers import my_seeker, rename_seeker
from app.announce import commit
from app.errors import DomainError, Unauthorized
from app.extensions import db
from app.live import operations as live
from app.onsite.services import my_registrations
from app.people.services import delete_my_account, my_check_ins, my_sign_ups
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
