"""A real FairCast server with a seeded live room, and asyncio Socket.IO clients for it."""

from __future__ import annotations

import asyncio
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import socketio

from app import create_app
from app.accounts.models import Role
from app.accounts.schemas import NewUser
from app.accounts.services import create_token, create_user
from app.config import Settings
from app.extensions import db
from app.fairs.models import Fair, FairMode, FairStatus, Room
from app.fairs.services import new_stream_key
from app.jobs.models import Job
from tests.conftest import JOB_DEFAULTS, PASSWORD, hours_from_now
from tests.servers import Server, faircast_env

NS = "/live"


@dataclass
class Seeded:
    room_id: str
    fair_id: str
    job_ids: list[str]
    host_token: str
    host_username: str
    database_url: str
    extra: dict = field(default_factory=dict)


def seeding_app(database_url: str, media_dir: Path):
    """An app on database_url for writing test data before a real server starts on it."""
    settings = Settings(
        database_url=database_url,
        secret_key="test-secret-key",
        media_dir=str(media_dir),
        async_mode="threading",
        message_queue=None,
    )
    return create_app(settings)


def seed_live_room(database_url: str, media_dir: Path, jobs: int = 3) -> Seeded:
    """A live hybrid fair with one room, its host (with a token) and a few jobs."""
    app = seeding_app(database_url, media_dir)
    with app.app_context():
        organiser = create_user(
            NewUser(role=Role.ORGANISER, username="organiser", password=PASSWORD)
        )
        host = create_user(
            NewUser(role=Role.HOST, username="host", password=PASSWORD, employer="恒达电子")
        )
        fair = Fair(
            title="Live fair",
            mode=FairMode.HYBRID,
            venue="Hall",
            status=FairStatus.LIVE,
            starts_at=hours_from_now(-1),
            ends_at=hours_from_now(8),
            created_by_id=organiser.id,
        )
        db.session.add(fair)
        created = [
            Job(employer_id=host.employer_id, **{**JOB_DEFAULTS, "title": f"Job {n}"})
            for n in range(jobs)
        ]
        fair.jobs.extend(created)
        room = Room(
            fair=fair,
            title="Room",
            host_id=host.id,
            starts_at=fair.starts_at,
            ends_at=hours_from_now(2),
            stream_key=new_stream_key(),
        )
        db.session.add(room)
        db.session.flush()
        seeded = Seeded(
            room.id,
            fair.id,
            [j.id for j in created],
            create_token(host),
            host.username,
            database_url,
        )
        db.session.commit()
        db.engine.dispose()
    return seeded


def migrated_copy(template: Path, folder: Path) -> str:
    path = folder / "faircast.db"
    shutil.copy(template, path)
    return f"sqlite:///{path}"


def start_server(database_url: str, tmp_path: Path, port: int | None = None, **env) -> Server:
    return Server(
        faircast_env(database_url, tmp_path / "media", **env),
        port=port,
        log_path=tmp_path / "server.log",
    ).start()


async def open_client(
    url: str, auth: dict | None = None, reconnect: bool = False
) -> socketio.AsyncClient:
    client = socketio.AsyncClient(
        reconnection=reconnect, reconnection_delay=0.2, reconnection_delay_max=1
    )
    await client.connect(url, namespaces=[NS], transports=["websocket"], auth=auth, wait_timeout=10)
    return client


async def call(client: socketio.AsyncClient, event: str, data=None, timeout: float = 10):
    return await client.call(event, data, namespace=NS, timeout=timeout)


async def open_many(url: str, count: int, batch: int = 50, **kw) -> list[socketio.AsyncClient]:
    clients = []
    for start in range(0, count, batch):
        clients += await asyncio.gather(
            *(open_client(url, **kw) for _ in range(min(batch, count - start)))
        )
    return clients


async def close_all(clients) -> None:
    await asyncio.gather(*(c.disconnect() for c in clients), return_exceptions=True)


def run(coroutine):
    """asyncio.run in a thread of its own: Playwright's sync API keeps a loop in the main thread."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
