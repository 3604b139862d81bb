"""Subcommands of `faircast`: serve, demo, db upgrade, user and token management."""

from __future__ import annotations

import logging
import resource
import sys
from datetime import timedelta

import click

from app.config import Settings
from app.migrate import DatabaseNotMigrated, check_migrated, upgrade

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5000


@click.group()
def cli() -> None:
    """FairCast: live-streaming job fairs."""


def _raise_open_files_limit() -> int:
    """Lift the soft limit on open files to the hard limit: each viewer holds a socket."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def _show_realtime_log() -> None:
    """The live sockets' path and counts go to stderr with the server's other output."""
    realtime = logging.getLogger("app.realtime")
    realtime.setLevel(logging.INFO)
    realtime.addHandler(logging.StreamHandler())


def run_server(settings: Settings, host: str, port: int) -> None:
    """Serve the app until interrupted (checks the database is migrated first)."""
    try:
        check_migrated(settings.database_url)
    except DatabaseNotMigrated as exc:
        click.echo(f"faircast: {exc}", err=True)
        sys.exit(2)
    import streaming
    from app import create_app
    from app.extensions import socketio

    settings.serve_at(host, port)
    try:
        ffmpeg = streaming.find_ffmpeg(settings.ffmpeg)
    except streaming.FfmpegNotFound as exc:
        click.echo(f"faircast: no working ffmpeg: {exc}", err=True)
        sys.exit(2)
    _show_realtime_log()
    app = create_app(settings)
    from app.live.runtime import stream_runtime
    from app.notifications.alerts import start_sender

    # What falls due (reminders, retries, the end of quiet hours) goes out from the start, not
    # only after the first alert since the process started.
    start_sender(app)

    streaming.install_signal_handlers(stream_runtime(app).supervisor())
    # The `log` SMS backend's messages (demo codes) go to the server's output.
    sms_log = logging.getLogger("faircast.sms")
    sms_log.setLevel(logging.INFO)
    sms_log.addHandler(logging.StreamHandler())
    open_files = _raise_open_files_limit()
    click.echo(
        f"FairCast serving on http://{host}:{port} (async mode {settings.async_mode}, "
        f"up to {settings.max_connections} connections, {open_files} open files)\n"
        f"ffmpeg: {ffmpeg}"
    )
    extra = {"max_size": settings.max_connections} if settings.async_mode == "eventlet" else {}
    socketio.run(app, host=host, port=port, log_output=False, allow_unsafe_werkzeug=True, **extra)


@cli.command()
@click.option("--host", default=DEFAULT_HOST, show_default=True)
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=int)
def serve(host: str, port: int) -> None:
    """Run the server."""
    run_server(Settings(), host, port)


@cli.command()
@click.option("--host", default=DEFAULT_HOST, show_default=True)
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=int)
@click.option("--seed-only", is_flag=True, help="create or refresh the data, then exit")
def demo(host: str, port: int, seed_only: bool) -> None:
    """Create (or refresh) the demo fair, print its URLs and logins, then serve."""
    from app import create_app
    from app.demo import DEMO_PASSWORDS, seed_demo

    settings = Settings()
    settings.serve_at(host, port)
    upgrade(settings.database_url)
    app = create_app(settings)
    with app.test_request_context():
        urls = seed_demo()
    base = settings.public_url.rstrip("/")
    click.echo("FairCast demo")
    for label, path in urls.items():
        click.echo(f"  {label:<28} {base}{path}")
    click.echo("Seekers sign in with a code texted to their number; read it with:")
    click.echo("  faircast sms outbox --mobile 13800138000")
    click.echo("Logins (username / password):")
    for username, password in DEMO_PASSWORDS.items():
        click.echo(f"  {username:<22} {password}")
    if not seed_only:
        run_server(settings, host, port)


@cli.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply migrations."""
    settings = Settings()
    upgrade(settings.database_url)
    click.echo("Database is up to date.")


def _app_context():
    from app import create_app

    settings = Settings()
    try:
        check_migrated(settings.database_url)
    except DatabaseNotMigrated as exc:
        raise click.ClickException(str(exc)) from None
    return create_app(settings).app_context()


@cli.group()
def user() -> None:
    """Accounts."""


@user.command("create")
@click.option("--role", required=True, type=click.Choice(["organiser", "host", "seeker"]))
@click.option("--username", required=True)
@click.option("--password", required=True)
@click.option("--employer", help="a host's employer (created if new)")
@click.option("--name")
@click.option("--mobile")
def user_create(role, username, password, employer, name, mobile) -> None:
    """Create an account."""
    from app.accounts.schemas import NewUser
    from app.accounts.services import create_user
    from app.errors import DomainError
    from app.extensions import db as database
    from app.schemas import parse

    with _app_context():
        try:
            data = parse(
                NewUser,
                {
                    "role": role,
                    "username": username,
                    "password": password,
                    "employer": employer,
                    "name": name,
                    "mobile": mobile,
                },
            )
            created = create_user(data)
        except DomainError as exc:
            details = "; ".join(f"{k}: {v}" for k, v in exc.fields.items())
            raise click.ClickException(f"{exc.message} {details}".strip()) from None
        database.session.commit()
        click.echo(f"Created {created.role.value} {created.username} ({created.id}).")


@user.command("disable")
@click.option("--username", required=True)
def user_disable(username: str) -> None:
    """Lock an account out: its sessions, tokens and open live connections stop working."""
    from app.accounts.services import disable_user, find_user
    from app.extensions import db as database

    with _app_context():
        found = find_user(username)
        if found is None:
            raise click.ClickException(f"No user named {username}.")
        disable_user(found)
        database.session.commit()
        click.echo(f"Disabled {username}; their connections close within seconds.")


@cli.group()
def token() -> None:
    """API tokens."""


@token.command("create")
@click.option("--username", required=True)
@click.option(
    "--scope",
    default="full",
    type=click.Choice(["full", "export", "export_personal"]),
    show_default=True,
)
@click.option(
    "--days", type=click.IntRange(1, 3650), default=None, help="lifetime (default: until revoked)"
)
def token_create(username: str, scope: str, days: int | None) -> None:
    """Print a new API token for a user (shown once; only its hash is stored)."""
    from app.accounts.models import TokenScope
    from app.accounts.services import create_token
    from app.extensions import db as database

    with _app_context():
        lifetime = timedelta(days=days) if days else None
        value = create_token(_user(username), TokenScope(scope), label="cli", lifetime=lifetime)
        database.session.commit()
        click.echo(value)


@token.command("list")
@click.option("--username", required=True)
def token_list(username: str) -> None:
    """A user's tokens: id, scope, label, created, last used, expires, revoked."""
    from app.accounts.services import list_tokens

    with _app_context():
        for t in list_tokens(_user(username).id):
            when = [t.created_at, t.last_used_at, t.expires_at, t.revoked_at]
            times = " ".join(w.isoformat(timespec="seconds") if w else "-" for w in when)
            click.echo(f"{t.id} {t.scope.value} {t.label or '-'} {times}")


@token.command("revoke")
@click.option("--username", required=True)
@click.option("--id", "token_id", default=None, help="one token (default: all of the user's)")
def token_revoke(username: str, token_id: str | None) -> None:
    """Revoke a user's token, or all of them: they stop working at once."""
    from app.accounts.services import list_tokens, revoke_token
    from app.errors import DomainError
    from app.extensions import db as database

    with _app_context():
        user = _user(username)
        ids = [token_id] if token_id else [t.id for t in list_tokens(user.id)]
        try:
            for one in ids:
                revoke_token(user.id, one)
        except DomainError as exc:
            raise click.ClickException(exc.message) from None
        database.session.commit()
        click.echo(f"Revoked {len(ids)} token(s) of {username}.")


@cli.group()
def sms() -> None:
    """Text messages."""


@sms.command("outbox")
@click.option("--mobile", default=None, help="only the messages to this number")
def sms_outbox(mobile: str | None) -> None:
    """Print the messages the `log` SMS backend kept, newest last."""
    from app.sms import outbox
    from app.validators import normalize_mobile

    with _app_context():
        number = None
        if mobile is not None:
            number = normalize_mobile(mobile)
            if number is None:
                raise click.ClickException(f"Not a mobile number: {mobile}")
        for message in outbox(number):
            when = message.created_at.isoformat(timespec="seconds")
            click.echo(f"{when} {message.mobile} {message.text}")


@cli.group()
def contracts() -> None:
    """Electronic contracts."""


@contracts.command("expire")
def contracts_expire() -> None:
    """Expire every sent contract whose time to sign has run out (run it from cron)."""
    from flask import current_app

    from app.announce import commit
    from app.contracts.services import expire_offers

    with _app_context(), current_app.test_request_context():
        # A request context so the workers' text messages can carry links.
        count = expire_offers()
        commit()
        click.echo(f"Expired {count} contract offer(s).")


def _user(username: str):
    """The user with this username, or a clear error."""
    from app.accounts.services import find_user

    found = find_user(username)
    if found is None:
        raise click.ClickException(f"No user named {username}.")
    return found
