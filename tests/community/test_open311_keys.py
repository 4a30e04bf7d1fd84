"""Open311 api_keys: the service and `evidentia open311 key ...`."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from evidentia.community.models import Open311Key
from evidentia.community.services import open311_keys
from evidentia.community.services._common import digest
from evidentia.core.errors import NotFound, PermissionDenied, Rejected
from evidentia.custody import events
from evidentia.custody.models import Event
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def cli(*args: str) -> str:
    out = io.StringIO()
    call_command("open311", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_a_new_key_is_shown_once_and_only_its_hash_is_kept(adam):
    key, secret = open311_keys.create_key(adam, "City 311 app")
    assert secret.startswith("o311_") and len(secret) > 40
    assert key.key_hash == digest(secret) and secret not in key.key_hash
    assert key.prefix == secret[:12]
    assert open311_keys.authenticate(secret) == key


def test_creating_a_key_is_in_the_ledger_without_the_secret(adam):
    key, secret = open311_keys.create_key(adam, "City 311 app")
    event = Event.objects.get(kind=events.OPEN311_KEY_CREATED)
    assert key.prefix in event.body and secret not in event.body


def test_only_an_administrator_creates_keys(sam):
    with pytest.raises(PermissionDenied):
        open311_keys.create_key(sam, "My own app")
    assert not Open311Key.objects.exists()
    assert Event.objects.get(kind=events.OPEN311_KEY_CREATED).outcome == "failure"


def test_a_key_needs_a_name(adam):
    with pytest.raises(Rejected):
        open311_keys.create_key(adam, "  ")


def test_a_revoked_key_no_longer_authenticates(adam):
    key, secret = open311_keys.create_key(adam, "City 311 app")
    open311_keys.revoke_key(adam, key.prefix)
    assert open311_keys.authenticate(secret) is None
    assert Event.objects.filter(kind=events.OPEN311_KEY_REVOKED).count() == 1


def test_revoking_an_unknown_prefix_says_so(adam):
    with pytest.raises(NotFound):
        open311_keys.revoke_key(adam, "o311_nothere")


@pytest.mark.parametrize("given", ["", "x" * 500, "o311_guess"])
def test_nonsense_keys_do_not_authenticate(db, given):
    assert open311_keys.authenticate(given) is None


def test_the_cli_creates_a_key_and_prints_it_once(adam):
    secret = cli("key", "create", "City 311 app").strip()
    assert open311_keys.authenticate(secret).name == "City 311 app"


def test_the_cli_lists_prefixes_never_secrets(adam):
    secret = cli("key", "create", "City 311 app").strip()
    listed = cli("key", "list")
    assert secret[:12] in listed and secret not in listed and "active" in listed


def test_the_cli_revokes_by_prefix(adam):
    secret = cli("key", "create", "City 311 app").strip()
    assert "Revoked" in cli("key", "revoke", secret[:12])
    assert open311_keys.authenticate(secret) is None
    assert "revoked" in cli("key", "list")


def test_the_cli_names_the_admin_when_there_are_several(adam, db):
    make_user("ada", "admin")
    with pytest.raises(CommandError, match="--by"):
        cli("key", "create", "City 311 app")
    assert cli("key", "create", "City 311 app", "--by", "ada").startswith("o311_")


def test_the_cli_refuses_to_run_without_an_administrator(db):
    with pytest.raises(CommandError, match="no active administrator"):
        cli("key", "create", "City 311 app")


def test_the_cli_refuses_a_non_administrator(sam):
    with pytest.raises(CommandError, match="Only an administrator"):
        cli("key", "create", "City 311 app", "--by", "sam")
