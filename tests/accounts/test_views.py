from app.accounts.services import FREE_FAILURES_PER_ACCOUNT
from tests.fixtures.values import PASSWORD, csrf_token, login


def test_login_sets_a_protected_session_cookie_and_lands_on_the_role_home(client, make_user):
    user = make_user("organiser")
    response = login(client, user.username)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/organiser/fairs")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # served over plain http here


def test_session_cookie_is_secure_behind_https(settings, make_user):
    from app import create_app

    settings.public_url = "https://jobs.example.org"
    app = create_app(settings, TESTING=True)
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_wrong_password_shows_the_form_again(client, make_user):
    user = make_user("host")
    response = login(client, user.username, "nope")
    assert response.status_code == 401
    assert "csrf_token" in response.get_data(as_text=True)


def test_login_slows_down_after_repeated_failures(client, make_user):
    user = make_user("host")
    for _ in range(FREE_FAILURES_PER_ACCOUNT):
        assert login(client, user.username, "nope").status_code == 401
    response = login(client, user.username, PASSWORD)
    assert response.status_code == 429


def test_login_without_csrf_token_is_refused(client, make_user):
    user = make_user("host")
    response = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 400


def test_logout_needs_a_post_with_csrf(client, make_user):
    user = make_user("organiser")
    login(client, user.username)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    response = client.post("/logout", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 302
    assert client.get("/organiser/fairs").status_code == 302  # back to sign-in


def test_security_headers_on_pages(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
