"""Security in production: the settings production builds (strict CSP, secure cookies, HSTS,
referrer policy, nosniff, frames, COOP) and one real response through the middleware under
them; uploads served only through views that check access, as attachments of an allowed type
with a safe name; nothing under MEDIA_ROOT served directly."""

from __future__ import annotations

import json
import re

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import Resolver404, resolve

from core.exports import Column, csv_response
from core.files import SERVABLE_TYPES
from core.models import Role
from tests import factories
from tests.applications.test_access_matrix import ROWS as APPLICATION_ROWS
from tests.matrix import SUBJECTS, build_world
from tests.projects.test_access_matrix import ROWS as PROJECT_ROWS
from tests.reports.test_access_matrix import ROWS as REPORT_ROWS
from tests.test_settings import PRODUCTION_ENV, run_django

YEAR = 365 * 24 * 3600

# The production settings that make the headers and cookies, as production builds them.
SECURITY_SETTINGS = [
    "DEBUG",
    "SECURE_CSP",
    "SECURE_SSL_REDIRECT",
    "SECURE_REDIRECT_EXEMPT",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_REFERRER_POLICY",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "X_FRAME_OPTIONS",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "AXES_ENABLED",
    "AXES_FAILURE_LIMIT",
]


@pytest.fixture(scope="module")
def production():
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name) for name in {SECURITY_SETTINGS!r}}}))"
    )
    result = run_django(code, **PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_sends_a_strict_csp_without_inline_code(production):
    csp = production["SECURE_CSP"]
    assert csp["default-src"] == ["'none'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    sources = {source for values in csp.values() for source in values}
    assert not sources & {"'unsafe-inline'", "'unsafe-eval'", "*", "http:", "https:"}


def test_production_cookies_https_and_headers(production):
    assert production["DEBUG"] is False
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SESSION_COOKIE_SECURE"] is True
    assert production["SESSION_COOKIE_HTTPONLY"] is True
    assert production["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert production["CSRF_COOKIE_SECURE"] is True
    assert production["SECURE_HSTS_SECONDS"] >= YEAR
    assert production["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert production["SECURE_HSTS_PRELOAD"] is True
    assert production["SECURE_REFERRER_POLICY"] == "same-origin"
    assert production["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert production["X_FRAME_OPTIONS"] == "DENY"
    assert production["SECURE_CROSS_ORIGIN_OPENER_POLICY"] == "same-origin"
    # Login throttling is on in production, with the limit the tests assume.
    assert (production["AXES_ENABLED"], production["AXES_FAILURE_LIMIT"]) == (True, 5)


@pytest.fixture
def production_settings(production):
    with override_settings(**production):
        yield production


@pytest.mark.django_db
def test_a_real_response_under_production_settings_carries_every_header(
    client, production_settings
):
    person = factories.person(Role.AUDITOR, email="rut@x.example")
    page = client.get("/accounts/login/", secure=True)
    assert page.status_code == 200
    assert page["Strict-Transport-Security"] == f"max-age={YEAR}; includeSubDomains; preload"
    csp = page["Content-Security-Policy"]
    assert "default-src 'none'" in csp
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert page["X-Content-Type-Options"] == "nosniff"
    assert page["X-Frame-Options"] == "DENY"
    assert page["Referrer-Policy"] == "same-origin"
    assert page["Cross-Origin-Opener-Policy"] == "same-origin"
    csrf = page.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["secure"] is True
    login = client.post(
        "/accounts/login/",
        {"username": person.email, "password": factories.PASSWORD},
        secure=True,
    )
    assert login.status_code == 302
    session = login.cookies[settings.SESSION_COOKIE_NAME]
    assert session["secure"] is True
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
    start = client.get("/", secure=True)
    assert start.status_code == 200
    assert start["Strict-Transport-Security"].startswith(f"max-age={YEAR}")
    assert "no-store" in start["Cache-Control"]


@pytest.mark.django_db
def test_plain_http_is_sent_to_https_except_the_health_check(client, production_settings):
    response = client.get("/accounts/login/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/accounts/login/"
    assert "Strict-Transport-Security" not in response  # HSTS only over HTTPS
    assert client.get("/healthz/").status_code == 200


# --- Downloads ---------------------------------------------------------------------------------

# Every view that sends a file, by its rows in the access matrix, and the world's stored files.
DOWNLOADS = {
    "calls:document",
    "applications:attachment",
    "projects:report_attachment",
    "projects:evaluation_attachment",
    "reports:download",
}
STORED_FILES = [
    "document",
    "attachment",
    "draft_attachment",
    "report_attachment",
    "evaluation_attachment",
]
DOWNLOAD_ROWS = [
    row
    for row in APPLICATION_ROWS + PROJECT_ROWS + REPORT_ROWS
    if row.method == "GET" and row.name in DOWNLOADS
]
HOSTILE_HTML = b"<!doctype html><script>alert(document.cookie)</script>"


def test_every_download_view_is_covered():
    assert {row.name for row in DOWNLOAD_ROWS} == DOWNLOADS


def subjects_getting(row, status: int) -> list[str]:
    return [
        subject
        for subject, expected in zip(SUBJECTS, row.expected, strict=True)
        if expected == status and subject != "anonymous"
    ]


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


def assert_safe_download(response) -> None:
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    content_type = response["Content-Type"].split(";")[0]
    assert disposition.startswith("attachment;") or (
        disposition.startswith("inline;") and content_type == "application/pdf"
    )
    assert content_type in SERVABLE_TYPES | {"application/octet-stream"}
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert "\n" not in disposition
    assert "\r" not in disposition


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def attachment_path(attachment) -> str:
    return f"/applications/{attachment.application_id}/attachments/{attachment.pk}/"


@pytest.mark.django_db
def test_every_download_is_a_safe_attachment_for_readers_and_404_for_others(client, media_root):
    world = build_world()
    for row in DOWNLOAD_ROWS:
        path = row.path(world)
        allowed, refused = subjects_getting(row, 200), subjects_getting(row, 404)
        assert allowed, row.name
        # A published call's guidance is for every logged-in person; every other file has
        # people who must not get it.
        assert refused or row.name == "calls:document", row.name
        client.force_login(world.people[allowed[0]])
        response = client.get(path)
        assert_safe_download(response)
        assert body_of(response)
        for subject in refused:
            client.force_login(world.people[subject])
            assert client.get(path).status_code == 404, f"{row.name}: {subject}"

    # A Swedish name is kept, in RFC 6266's encoded form.
    world.attachment.original_name = "Årsrapport för Söder.pdf"
    world.attachment.save()
    client.force_login(world.people["fund_admin"])
    response = client.get(attachment_path(world.attachment))
    assert_safe_download(response)
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%C3%85rsrapport_f%C3%B6r_S%C3%B6der.pdf"
    )

    # No URL serves MEDIA_ROOT: not MEDIA_URL, not the static files.
    stored_path = world.attachment.file.name
    with pytest.raises(Resolver404):
        resolve(f"{settings.MEDIA_URL}{stored_path}")
    for path in (f"{settings.MEDIA_URL}{stored_path}", f"{settings.STATIC_URL}{stored_path}"):
        assert client.get(path).status_code == 404, path
    assert not getattr(settings, "WHITENOISE_ROOT", None)
    static_dirs = [
        entry[1] if isinstance(entry, tuple) else entry for entry in settings.STATICFILES_DIRS
    ]
    for folder in [*static_dirs, settings.STATIC_ROOT]:
        assert not str(settings.MEDIA_ROOT).startswith(str(folder))


@pytest.mark.django_db
def test_html_is_refused_on_upload_and_a_stored_one_is_still_sent_as_bytes(client, media_root):
    world = build_world()
    application = world.draft_application
    client.force_login(world.people["applicant"])
    before = application.attachments.count()
    for name, refusal in [
        ("<script>.html", "Filer av den här typen kan inte bifogas."),
        ("<script>.pdf", "Filens innehåll är inte en PDF-fil"),  # the content gives it away
    ]:
        response = client.post(
            f"/applications/{application.pk}/attachments/new/",
            {"title": "Skript", "file": SimpleUploadedFile(name, HOSTILE_HTML)},
        )
        assert response.status_code == 200
        assert refusal in re.sub(r"\s+", " ", response.content.decode()), name
    assert application.attachments.count() == before

    # A record that says HTML anyway (an older row, a hand-made one): an attachment of no
    # particular type, under a name that cannot break the header, from every download view.
    for attribute in STORED_FILES:
        stored = getattr(world, attribute)
        stored.file.save("x.html", ContentFile(HOSTILE_HTML), save=False)
        stored.original_name = '<script>"\r\nSet-Cookie: stolen=1.html'
        stored.content_type = "text/html"
        stored.save()
    for row in DOWNLOAD_ROWS:
        if row.name == "reports:download":
            continue  # a PDF the app made itself, never an upload
        client.force_login(world.people[subjects_getting(row, 200)[0]])
        response = client.get(row.path(world))
        assert_safe_download(response)
        assert response["Content-Type"] == "application/octet-stream", row.name
        assert "stolen" not in response.cookies
        disposition = response["Content-Disposition"]
        assert "<" not in disposition
        assert disposition.count('"') == 2
        assert body_of(response) == HOSTILE_HTML
        for subject in subjects_getting(row, 404):
            client.force_login(world.people[subject])
            assert client.get(row.path(world)).status_code == 404, f"{row.name}: {subject}"


def test_a_list_export_name_cannot_inject_a_header():
    response = csv_response('huvudbok-S"X\r\nSet-Cookie: a=1', [Column("A", lambda row: row)], [])
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename")
    assert "\r" not in disposition
    assert "\n" not in disposition
    assert "a" not in response.cookies
