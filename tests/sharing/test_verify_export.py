"""`verify-export` accepts a fresh export and names each kind of tampering."""

from __future__ import annotations

import json

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from evidentia.custody import checkpoint as notes
from evidentia.custody.signing import public_verifier_key
from evidentia.sharing.services import exports
from evidentia.sharing.verify import verify_bag
from tests.sharing.conftest import read_lines, reseal


def problems(path, key=None) -> str:
    result = verify_bag(path, key)
    assert not result.ok
    return "\n".join(result.problems)


def test_a_fresh_directory_export_verifies(case_bag, clips):
    result = verify_bag(case_bag, public_verifier_key())
    assert result.ok, result.problems
    assert (result.items, result.files) == (2, 2 + 2 + 8)  # originals, credentials, custody
    assert result.events > 0


def test_a_fresh_zip_export_verifies(ivan, ivans_case, clips, tmp_path):
    made = exports.export(ivan, case=ivans_case, out=tmp_path / "case.zip")
    result = verify_bag(made.path, public_verifier_key())
    assert result.ok, result.problems


def test_it_catches_a_tampered_payload_file(case_bag, clips):
    original = next((case_bag / "data" / "originals").iterdir())
    data = bytearray(original.read_bytes())
    data[len(data) // 2] ^= 0xFF
    original.write_bytes(bytes(data))
    assert "the file was changed" in problems(case_bag)


def test_it_catches_a_missing_payload_file(case_bag):
    (case_bag / "data" / "custody" / "report.pdf").unlink()
    assert "data/custody/report.pdf: listed in the manifest but missing" in problems(case_bag)


def test_it_catches_a_dropped_event_even_when_the_manifests_are_recomputed(case_bag):
    events = case_bag / "data" / "custody" / "events.jsonl"
    lines = read_lines(events)
    dropped = json.loads(lines[1])["seq"]
    events.write_bytes(b"".join(line + b"\n" for i, line in enumerate(lines) if i != 1))
    reseal(case_bag)
    assert f"event #{dropped} of item" in problems(case_bag)
    assert "a dropped event" in problems(case_bag)


def test_it_catches_a_dropped_proof(case_bag):
    proofs = case_bag / "data" / "custody" / "proofs.jsonl"
    lines = read_lines(proofs)
    seq = json.loads(lines[0])["seq"]
    proofs.write_bytes(b"".join(line + b"\n" for line in lines[1:]))
    reseal(case_bag)
    assert f"event #{seq} has no inclusion proof" in problems(case_bag)


def test_it_catches_an_edited_event(case_bag):
    events = case_bag / "data" / "custody" / "events.jsonl"
    events.write_bytes(
        events.read_bytes().replace(b'"outcome":"success"', b'"outcome":"denied"', 1)
    )
    reseal(case_bag)
    assert "is not in the signed ledger" in problems(case_bag)


def _resign(case_bag, key: Ed25519PrivateKey) -> str:
    cp_path = case_bag / "data" / "custody" / "checkpoint.txt"
    name = public_verifier_key().split("+", 1)[0]
    cp = notes.parse_body(cp_path.read_text().split("\n\n")[0] + "\n")
    cp_path.write_text(notes.sign(cp.origin, cp.size, cp.root, name, key))
    return notes.verifier_key(name, key.public_key())


def test_it_catches_a_checkpoint_signed_by_another_key(case_bag):
    _resign(case_bag, Ed25519PrivateKey.generate())
    reseal(case_bag)
    assert "checkpoint.txt: checkpoint carries no signature by" in problems(case_bag)


def test_it_catches_a_forged_key_when_the_real_key_is_pinned(case_bag):
    forged = _resign(case_bag, Ed25519PrivateKey.generate())
    (case_bag / "data" / "custody" / "ledger-key.pub").write_text(forged + "\n")
    reseal(case_bag)
    found = problems(case_bag, public_verifier_key())
    assert "is not the key you trust" in found
    assert "checkpoint.txt" in found


def test_it_warns_when_no_key_is_pinned(case_bag):
    result = verify_bag(case_bag)
    assert result.ok
    assert "No --key given" in result.warnings[0]


def test_it_catches_a_replaced_original_whose_manifest_was_recomputed(
    case_bag, clips, second_clip_path
):
    original = case_bag / "data" / "originals" / f"{clips[0].pk}_{clips[0].title}"
    original.write_bytes(second_clip_path.read_bytes())
    reseal(case_bag)
    found = problems(case_bag)
    assert "was ingested (the original was replaced)" in found
    assert "manifest" not in found


def test_it_catches_an_edited_list_of_contents(case_bag, clips):
    index = case_bag / "data" / "custody" / "export.json"
    data = json.loads(index.read_bytes())
    data["items"][0]["events"] = data["items"][0]["events"][1:]
    index.write_text(json.dumps(data))
    reseal(case_bag)
    assert "is not the list the agency signed" in problems(case_bag)


def test_it_says_what_is_wrong_with_a_path_that_is_no_bag(tmp_path):
    (tmp_path / "note.txt").write_text("hello")
    assert "neither a bag directory nor a ZIP" in problems(tmp_path / "note.txt")
