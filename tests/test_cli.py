"""The `faircast` command, run as a real process."""

import pytest
import requests

from tests.fixtures.servers import Server, faircast_env, run_cli

pytestmark = pytest.mark.slow


@pytest.fixture
def env(tmp_path):
    return faircast_env(f"sqlite:///{tmp_path / 'cli.db'}", tmp_path / "media")


def test_serve_refuses_an_unmigrated_database_and_names_the_command(env):
    result = run_cli(["serve", "--port", "1"], env, check=False)
    assert result.returncode == 2
    assert "faircast db upgrade" in result.stderr


def test_accounts_and_tokens_from_the_command_line_then_a_real_server(env, tmp_path):
    run_cli(["db", "upgrade"], env)
    run_cli(
        [
            "user",
            "create",
            "--role",
            "organiser",
            "--username",
            "wang",
            "--password",
            "secret-pass-1",
        ],
        env,
    )
    host = run_cli(
        [
            "user",
            "create",
            "--role",
            "host",
            "--username",
            "lin",
            "--password",
            "secret-pass-2",
            "--employer",
            "恒达电子",
        ],
        env,
    )
    assert "host lin" in host.stdout
    bad = run_cli(
        [
            "user",
            "create",
            "--role",
            "seeker",
            "--username",
            "zhang",
            "--password",
            "secret-pass-3",
            "--name",
            "张伟",
            "--mobile",
            "12345",
        ],
        env,
        check=False,
    )
    assert bad.returncode != 0 and "mobile" in bad.stderr
    token = run_cli(["token", "create", "--username", "wang"], env).stdout.strip()
    assert token.startswith("fc_")
    with Server(env, log_path=tmp_path / "server.log") as server:
        headers = {"Authorization": f"Bearer {token}"}
        employers = requests.get(
            server.url + "/api/v1/employers", headers=headers, timeout=5
        ).json()
        assert [e["name"] for e in employers] == ["恒达电子"]
        page = requests.get(server.url + "/", timeout=5)
        assert page.status_code == 200 and "FairCast" in page.text


def test_demo_seeds_a_hybrid_fair_and_is_idempotent(env, tmp_path):
    from sqlalchemy import create_engine, text

    run_cli(["db", "upgrade"], env)
    for _ in range(2):
        output = run_cli(["demo", "--seed-only"], env).stdout
        assert "organiser-demo-2026" in output and "/rooms/" in output
    engine = create_engine(env["FAIRCAST_DATABASE_URL"])
    with engine.connect() as connection:
        fairs = connection.execute(text("select mode, status from fairs")).all()
        jobs = connection.execute(text("select count(*) from jobs")).scalar()
        rooms = connection.execute(text("select count(*) from rooms")).scalar()
        roles = {r for (r,) in connection.execute(text("select role from users"))}
    engine.dispose()
    assert fairs == [("hybrid", "live")]
    assert jobs >= 6 and rooms == 2
    assert roles == {"organiser", "host", "seeker"}
