"""Appending to the ledger: gap-free numbers, canonical bodies, checkpoints."""

from __future__ import annotations

import json
import threading

import pytest
from django.db import connection, transaction

from evidentia.custody import events, ledger, merkle
from evidentia.custody.models import Checkpoint, Event
from evidentia.custody.signing import public_verifier_key
from tests.custody import rfc6962


def test_events_get_consecutive_sequence_numbers_from_zero(db):
    made = [ledger.record(events.LOGIN_SUCCESS, actor="test") for _ in range(5)]
    assert [e.seq for e in made] == [0, 1, 2, 3, 4]


def test_an_event_body_is_canonical_json_with_a_z_timestamp(db, olivia):
    event = ledger.record(events.LOGIN_SUCCESS, actor=olivia, detail={"b": 1, "a": "é"})
    body = event.body
    assert body == json.dumps(
        json.loads(body), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    data = json.loads(body)
    assert data["time"].endswith("Z")
    assert data["actor"]["username"] == "olivia"
    assert "é" in body


def test_a_rolled_back_change_leaves_no_gap(db):
    ledger.record(events.LOGIN_SUCCESS, actor="test")
    with pytest.raises(RuntimeError), transaction.atomic():
        ledger.record(events.LOGIN_SUCCESS, actor="test")
        raise RuntimeError("the change it described failed")
    after = ledger.record(events.LOGIN_SUCCESS, actor="test")
    assert after.seq == 1


def test_leaf_hashes_follow_rfc6962(db):
    event = ledger.record(events.LOGIN_SUCCESS, actor="test")
    assert bytes(event.leaf_hash) == rfc6962.leaf(event.body.encode())


def test_a_write_is_followed_by_a_signed_checkpoint(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ledger.record(events.LOGIN_SUCCESS, actor="test")
    cp = Checkpoint.objects.get()
    _, size, root = rfc6962.open_checkpoint(cp.note, public_verifier_key())
    assert size == 1
    assert root == merkle.root_of([bytes(Event.objects.get().leaf_hash)])


def test_the_checkpoint_note_has_the_c2sp_shape(db, settings):
    ledger.record(events.LOGIN_SUCCESS, actor="test")
    ledger.sign_checkpoint()
    lines = Checkpoint.objects.get().note.split("\n")
    assert lines[0] == settings.LEDGER_ORIGIN
    assert lines[1] == "1"
    assert lines[3] == ""
    assert lines[4].startswith("\u2014 " + settings.LEDGER_ORIGIN + " ")


def test_signing_twice_at_the_same_size_reuses_the_checkpoint(db):
    ledger.record(events.LOGIN_SUCCESS, actor="test")
    assert ledger.sign_checkpoint().pk == ledger.sign_checkpoint().pk


def test_inclusion_proofs_from_the_ledger_verify_independently(db):
    for i in range(23):
        ledger.record(events.LOGIN_SUCCESS, actor="test", detail={"i": i})
    size, root = ledger.tree_state()
    for seq in range(size):
        proof = ledger.inclusion_proof(seq, size)
        assert rfc6962.root_from_inclusion(seq, size, proof.leaf_hash, proof.path) == root


def test_consistency_proofs_from_the_ledger_verify(db):
    roots = {}
    for i in range(17):
        ledger.record(events.LOGIN_SUCCESS, actor="test", detail={"i": i})
        roots[i + 1] = ledger.tree_state()[1]
    for old in range(1, 18):
        proof = ledger.consistency_proof(old, 17)
        assert merkle.verify_consistency(old, 17, roots[old], roots[17], proof)


def test_a_proof_beyond_the_ledger_is_refused(db):
    ledger.record(events.LOGIN_SUCCESS, actor="test")
    with pytest.raises(ledger.ProofError):
        ledger.inclusion_proof(5)


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_get_gap_free_unique_numbers():
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(15):
                with transaction.atomic():
                    ledger.record(events.LOGIN_SUCCESS, actor=f"writer-{n}", detail={"i": i})
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    seqs = list(Event.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(60))
    _, root = ledger.tree_state()
    assert root == merkle.root_of(
        bytes(h) for h in Event.objects.values_list("leaf_hash", flat=True)
    )
