"""Shared fixtures: named personas, one per role, and a signed-in client for each."""

from __future__ import annotations

import importlib
import os
import warnings
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from evidentia.accounts.models import Role, Unit, User
from evidentia.evidence import demo_media
from evidentia.evidence.vaultio import create_keyring_if_missing

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PASSWORD = "correct horse battery staple 9"


def shared_file(*parts: str) -> Path:
    """A file from ../shared/data, or skip the test when the folder is absent."""
    path = SHARED.joinpath("data", *parts)
    if not path.exists():
        pytest.skip(f"{path} is absent (../shared is only beside a developer's checkout)")
    return path


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, and on PostgreSQL, before it is dropped, an end to
    sessions still open on it. Full CI runs ended with DROP DATABASE refused ("1 other
    session"), leaving the test database behind; the likely holder is a live-server
    request thread, which closes its connection only once the browser closes the socket.
    The sessions ended are named in a warning, so the holder shows in the CI log."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, application_name, state, left(query, 120) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        stray = cursor.fetchall()
        for pid, *about in stray:
            warnings.warn(f"ended a stray test-database session {pid}: {about}", stacklevel=1)
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    connection.close()


@pytest.fixture(autouse=True)
def _isolated_state(settings, tmp_path_factory, tmp_path):
    """Keys live in a temporary home for the session; each test gets its own blobs."""
    home = tmp_path_factory.getbasetemp() / "home"
    home.mkdir(exist_ok=True)
    settings.BLOB_DIR = tmp_path / "blobs"
    # Per test, not per session: xdist workers share EVIDENTIA_HOME, and one worker's
    # sweep of leftover part files must not touch another's uploads.
    settings.UPLOAD_DIR = tmp_path / "uploads"
    settings.KEK_FILE = home / "keys" / "kek.keys"
    settings.SIGNING_KEY_FILE = home / "keys" / "ledger-signing.pem"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CHECKPOINT_MIN_INTERVAL_SECONDS = 0
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only
    create_keyring_if_missing()
    yield


@pytest.fixture(autouse=True)
def _service_list(request):
    """Data migrations seed the community service list, but a transactional test ends by
    emptying every table: a test that uses the database finds the list put back."""
    marker = request.node.get_closest_marker("django_db")
    uses_db = marker is not None or bool(
        {"db", "transactional_db", "live_server", "django_db_setup"} & set(request.fixturenames)
    )
    if not uses_db:
        return
    request.getfixturevalue("django_db_setup")
    from django.apps import apps

    from evidentia.community.models import Service

    with request.getfixturevalue("django_db_blocker").unblock():
        if not Service.objects.exists():
            migration = "evidentia.community.migrations.0002_seed_services"
            importlib.import_module(migration).seed(apps, None)


@pytest.fixture(scope="session")
def clip_path(tmp_path_factory) -> Path:
    """A real 3-second H.264/AAC body-camera-like clip."""
    path = tmp_path_factory.mktemp("media") / "BWC-7_20260302_140305.mp4"
    return demo_media.make_clip(
        path,
        seconds=3,
        width=320,
        height=180,
        start=datetime(2026, 3, 2, 14, 3, 5, tzinfo=UTC),
        officer_badge="N-1042",
        device_id="BWC-7",
        seed=3,
    )


@pytest.fixture
def north(db) -> Unit:
    return Unit.objects.create(code="north", name="North Precinct")


@pytest.fixture
def south(db) -> Unit:
    return Unit.objects.create(code="south", name="South Precinct")


def make_user(username: str, role: str, unit: Unit | None = None, badge: str = "") -> User:
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        role=role,
        unit=unit,
        badge_number=badge,
        first_name=username.split("_")[0].title(),
    )
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return user


@pytest.fixture
def olivia(north) -> User:
    """Olivia is a patrol officer in North precinct."""
    return make_user("olivia", Role.OFFICER, north, badge="N-1042")


@pytest.fixture
def oscar(south) -> User:
    """Oscar is an officer in South precinct."""
    return make_user("oscar", Role.OFFICER, south, badge="S-2077")


@pytest.fixture
def sam(north) -> User:
    """Sam supervises North precinct."""
    return make_user("sam", Role.SUPERVISOR, north, badge="N-0900")


@pytest.fixture
def carmen(db) -> User:
    """Carmen is the evidence custodian."""
    return make_user("carmen", Role.CUSTODIAN)


@pytest.fixture
def ivan(db) -> User:
    """Ivan is a detective."""
    return make_user("ivan", Role.INVESTIGATOR, badge="D-311")


@pytest.fixture
def stella(db) -> User:
    """Stella investigates complaints for professional standards."""
    return make_user("stella", Role.STANDARDS_INVESTIGATOR)


@pytest.fixture
def petra(db) -> User:
    """Petra is a prosecutor at the district attorney's office."""
    return make_user("petra", Role.PROSECUTOR)


@pytest.fixture
def audrey(db) -> User:
    """Audrey audits the custody ledger."""
    return make_user("audrey", Role.AUDITOR)


@pytest.fixture
def adam(db) -> User:
    """Adam administers the system."""
    user = make_user("adam", Role.ADMIN)
    user.is_staff = True
    user.is_superuser = True
    user.save()
    return user


def sign_in(client: Client, user: User) -> Client:
    """Sign in with password and a verified second factor, as the login flow leaves it."""
    client.force_login(user)
    device = TOTPDevice.objects.get(user=user)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def as_user(client):
    def _as(user: User) -> Client:
        return sign_in(Client(), user)

    return _as


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium under Playwright, or a skip where it is not installed."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is absent: install Debian's chromium to run browser tests")
    from playwright.sync_api import sync_playwright

    # Playwright's event loop runs in the test thread; the ORM calls beside it are sync.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


DOC_SCREENSHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"


def doc_screenshot(page, name: str) -> None:
    """One screen for the README tour, written only when asked
    (EVIDENTIA_DOC_SCREENSHOTS=1), so a test run never changes tracked files."""
    if os.environ.get("EVIDENTIA_DOC_SCREENSHOTS"):
        DOC_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(DOC_SCREENSHOTS / name))
