"""Signing in and out of the web pages."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.accounts.doors import (
    LOGIN_SESSION_KEY,
    known_device,
    remember_device,
    request_ip,
    sign_in_user,
    sign_out,
)
from app.accounts.models import Role
from app.accounts.schemas import Credentials
from app.accounts.services import (
    authenticate,
    load_session_user,
)
from app.announce import commit
from app.errors import DomainError
from app.extensions import login
from app.i18n import safe_next
from app.schemas import parse

bp = Blueprint("accounts", __name__)

login.login_view = "accounts.login_page"
login.login_message = None


@login.user_loader
def _load_user(session_id: str):
    return load_session_user(session_id, session.get(LOGIN_SESSION_KEY))


def home_for(user) -> str:
    """Where each role starts after signing in."""
    if user.role == Role.ORGANISER:
        return url_for("fairs.manage")
    if user.role == Role.HOST:
        return url_for("jobs.index")
    return url_for("fairs.index")


@bp.route("/login", methods=["GET", "POST"])
def login_page():
    """The sign-in form; repeated failures lock the account for a while."""
    error, username = None, ""
    if request.method == "POST":
        username = request.form.get("username", "")
        try:
            data = parse(
                Credentials, {k: request.form.get(k, "") for k in ("username", "password")}
            )
            user = authenticate(data.username, data.password, request_ip(), known_device())
        except DomainError as exc:
            commit()  # keep the failure record that rate limiting counts
            error = exc.message if exc.status == 429 else _("Wrong username or password.")
            return render_template(
                "accounts/login.html", error=error, username=username, next_url=_next_url()
            ), exc.status
        sign_in_user(user)
        commit()
        response = redirect(
            safe_next(request.args.get("next")) if request.args.get("next") else home_for(user)
        )
        remember_device(response, user.id)
        return response
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    return render_template(
        "accounts/login.html", error=error, username=username, next_url=_next_url()
    )


def _next_url() -> str:
    """Where a seeker goes after signing in with a code: back where they came from, or "Me"."""
    target = request.args.get("next")
    return safe_next(target) if target else url_for("people.me_page")


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Sign out of this browser: the session and its live connections end."""
    sign_out()
    commit()
    return redirect(url_for("fairs.index"))
