"""Security headers on every response; HSTS only over HTTPS."""


def test_every_response_forbids_framing_sniffing_and_inline_script(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_hsts_is_sent_over_https_only(client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    secure = client.get("/", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_session_cookies_are_http_only_and_same_site_lax(client, make_user):
    from tests.web.forms import sign_in

    customer = make_user()
    response = sign_in(client, customer)
    [cookie] = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_cookies_are_secure(app):
    from app import create_app
    from app.db import get_db

    config = app.config["SAFESLOT"]
    production = create_app(config.with_overrides(env=type(config.env).PRODUCTION))
    try:
        assert production.config["SESSION_COOKIE_SECURE"] is True
    finally:
        get_db(production).engine.dispose()
    assert app.config["SESSION_COOKIE_SECURE"] is False
