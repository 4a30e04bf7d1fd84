"""`evidentia custody verify` catches tampering and names the first bad sequence number."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

from evidentia.custody import events, ledger, merkle
from evidentia.custody.models import Event
from evidentia.custody.signing import key_name, signing_key
from evidentia.custody.verify import verify


@pytest.fixture
def ten_events(db, olivia):
    for i in range(10):
        ledger.record(events.METADATA_VIEWED, actor=olivia, detail={"i": i})
        ledger.sign_checkpoint()


def run_verify():
    return verify({key_name(): signing_key().public_key()})


def sql(statement: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_an_untouched_ledger_verifies(ten_events):
    report = run_verify()
    assert report.ok, report.problems
    assert report.events == 10
    assert report.checkpoints == 10


def test_an_edited_row_is_caught_at_its_sequence_number(ten_events):
    sql("UPDATE custody_event SET body = REPLACE(body, '\"i\":6', '\"i\":7') WHERE seq = 6")
    report = run_verify()
    assert not report.ok
    assert report.first_bad_seq == 6


def test_a_deleted_row_is_caught_at_its_sequence_number(ten_events):
    sql("DELETE FROM custody_event WHERE seq = 4")
    report = run_verify()
    assert report.first_bad_seq == 4


def test_the_last_row_deleted_is_caught_by_the_checkpoint(ten_events):
    sql("DELETE FROM custody_event WHERE seq = 9")
    assert run_verify().first_bad_seq == 9


def test_reordered_rows_are_caught_at_the_first_moved_number(ten_events):
    a = Event.objects.get(seq=3)
    b = Event.objects.get(seq=7)
    sql(
        "UPDATE custody_event SET body = %s, leaf_hash = %s WHERE seq = 3",
        [b.body, bytes(b.leaf_hash)],
    )
    sql(
        "UPDATE custody_event SET body = %s, leaf_hash = %s WHERE seq = 7",
        [a.body, bytes(a.leaf_hash)],
    )
    assert run_verify().first_bad_seq == 3


def test_a_rewrite_that_also_forges_the_leaf_hash_fails_the_signed_checkpoint(ten_events):
    event = Event.objects.get(seq=5)
    forged = event.body.replace('"i":5', '"i":50')
    sql(
        "UPDATE custody_event SET body = %s, leaf_hash = %s WHERE seq = 5",
        [forged, merkle.leaf_hash(forged.encode())],
    )
    report = run_verify()
    assert not report.ok
    assert report.first_bad_seq == 5
    assert any("checkpoint signed at size 6" in p for p in report.problems)


def test_a_forged_checkpoint_signature_is_caught(ten_events):
    sql("UPDATE custody_checkpoint SET note = REPLACE(note, '\n3\n', '\n4\n') WHERE tree_size = 3")
    report = run_verify()
    assert not report.ok
    assert any("size 3" in p for p in report.problems)


def test_the_command_names_the_first_bad_sequence_number_and_exits_nonzero(ten_events, capsys):
    sql("DELETE FROM custody_event WHERE seq = 2")
    with pytest.raises(SystemExit) as exit_info:
        call_command("custody", "verify")
    assert exit_info.value.code == 1
    assert "First bad sequence number: 2" in capsys.readouterr().out


def test_the_command_reports_ok_on_a_clean_ledger(ten_events, capsys):
    call_command("custody", "verify")
    assert "OK: 10 events" in capsys.readouterr().out
