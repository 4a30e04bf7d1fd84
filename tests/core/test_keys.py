from __future__ import annotations

import base64
import hashlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from evidentia.core.keys import (
    KeyFileError,
    KeyRing,
    WrongKeyError,
    generate_kek,
    kek_id_of,
    load_or_create_signing_key,
)


@pytest.fixture
def permissive_umask() -> Iterator[None]:
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_generated_kek_is_32_fresh_random_bytes() -> None:
    a, b = generate_kek(), generate_kek()
    assert len(a) == 32 and a != b


def test_a_kek_id_is_the_first_16_hex_chars_of_its_sha256() -> None:
    key = bytes(range(32))
    assert kek_id_of(key) == hashlib.sha256(key).hexdigest()[:16]


def test_the_key_file_is_created_with_mode_0600_even_with_a_permissive_umask(
    tmp_path: Path, permissive_umask: None
) -> None:
    path = tmp_path / "keys" / "kek.ring"
    KeyRing.generate().save(path)
    assert mode_of(path) == 0o600


def test_saving_over_a_key_file_keeps_mode_0600_and_leaves_no_temp_files(
    tmp_path: Path, permissive_umask: None
) -> None:
    path = tmp_path / "kek.ring"
    path.write_text("old")
    path.chmod(0o644)
    ring = KeyRing.generate()
    ring.save(path)
    assert mode_of(path) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["kek.ring"]
    assert KeyRing.load(path).ids == ring.ids


def test_a_key_ring_round_trips_through_its_file(tmp_path: Path) -> None:
    ring = KeyRing.generate()
    ring.rotate()
    ring.save(tmp_path / "ring")
    loaded = KeyRing.load(tmp_path / "ring")
    assert loaded.ids == ring.ids
    assert loaded.current_id == ring.current_id
    kid, wrapped = ring.wrap(b"k" * 32)
    assert loaded.unwrap(kid, wrapped) == b"k" * 32


def test_the_key_file_is_one_documented_line_per_key(tmp_path: Path) -> None:
    ring = KeyRing([bytes(32)])
    text = ring.to_text()
    kid = kek_id_of(bytes(32))
    assert (
        text == f"# evidentia key ring v1\n{kid} {base64.b64encode(bytes(32)).decode()} current\n"
    )


def test_rotation_adds_a_new_current_key_and_keeps_the_old_one() -> None:
    ring = KeyRing.generate()
    old = ring.current_id
    old_kid, wrapped = ring.wrap(b"d" * 32)
    new = ring.rotate()
    assert new != old and ring.current_id == new and ring.ids == [old, new]
    assert ring.wrap(b"d" * 32)[0] == new
    assert ring.unwrap(old_kid, wrapped) == b"d" * 32


def test_unwrapping_with_a_ring_that_lacks_the_kek_names_the_missing_kek() -> None:
    kid, wrapped = KeyRing.generate().wrap(b"x" * 32)
    with pytest.raises(WrongKeyError, match=f"wrapped by KEK {kid}.*does not hold it"):
        KeyRing.generate().unwrap(kid, wrapped)


def test_unwrapping_damaged_wrapped_bytes_raises_wrong_key_error_not_garbage() -> None:
    ring = KeyRing.generate()
    kid, wrapped = ring.wrap(b"x" * 32)
    damaged = bytes([wrapped[0] ^ 1]) + wrapped[1:]
    with pytest.raises(WrongKeyError, match="does not match"):
        ring.unwrap(kid, damaged)


def test_a_key_file_whose_id_does_not_match_its_key_is_rejected() -> None:
    key = base64.b64encode(bytes(32)).decode()
    with pytest.raises(KeyFileError, match="does not match"):
        KeyRing.from_text(f"0123456789abcdef {key} current\n")


def test_a_key_file_must_mark_exactly_one_key_current() -> None:
    a, b = bytes(32), bytes([1]) * 32
    lines = [f"{kek_id_of(k)} {base64.b64encode(k).decode()}" for k in (a, b)]
    with pytest.raises(KeyFileError, match="no key as current"):
        KeyRing.from_text("\n".join(lines))
    with pytest.raises(KeyFileError, match="more than one"):
        KeyRing.from_text("\n".join(line + " current" for line in lines))


def test_from_bytes_accepts_a_raw_32_byte_kek_or_key_file_content() -> None:
    raw = generate_kek()
    assert KeyRing.from_bytes(raw).current_id == kek_id_of(raw)
    ring = KeyRing.generate()
    assert KeyRing.from_bytes(ring.to_text().encode()).ids == ring.ids


def test_the_repr_of_a_key_ring_never_shows_key_material() -> None:
    key = generate_kek()
    text = repr(KeyRing([key]))
    assert base64.b64encode(key).decode() not in text and key.hex() not in text


def test_the_signing_key_is_created_once_with_mode_0600_and_then_reloaded(
    tmp_path: Path, permissive_umask: None
) -> None:
    path = tmp_path / "signing.pem"
    first = load_or_create_signing_key(path)
    assert isinstance(first, Ed25519PrivateKey)
    assert mode_of(path) == 0o600
    assert path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    again = load_or_create_signing_key(path)
    sig = first.sign(b"ledger entry")
    again.public_key().verify(sig, b"ledger entry")


def test_a_raw_32_byte_signing_key_file_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "signing.raw"
    path.write_bytes(bytes(range(32)))
    key = load_or_create_signing_key(path)
    assert key.public_key() == Ed25519PrivateKey.from_private_bytes(bytes(range(32))).public_key()
