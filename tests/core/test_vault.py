from __future__ import annotations

import hashlib
import io
import random
import uuid
from collections.abc import Iterator

import pytest

from evidentia.core import vault as vault_mod
from evidentia.core.keys import KeyRing, WrongKeyError
from evidentia.core.segcrypt import (
    HEADER_SIZE,
    TAG_SIZE,
    decrypt_blob,
    plaintext_size_from_ciphertext_size,
)
from evidentia.core.storage import AlreadyExistsError, LocalStore, Store
from evidentia.core.vault import (
    BlobRef,
    TamperedError,
    TruncatedError,
    Vault,
    WriteResult,
)

from .conftest import blob_bytes, replace_blob

SEG = 64
STEP = SEG + TAG_SIZE


def data_of(size: int, seed: int = 0) -> bytes:
    return random.Random(seed * 1_000_003 + size).randbytes(size)


def write(v: Vault, data: bytes) -> WriteResult:
    return v.write(io.BytesIO(data), uuid.uuid4())


def seg_at(i: int) -> slice:
    return slice(HEADER_SIZE + i * STEP, HEADER_SIZE + (i + 1) * STEP)


@pytest.fixture
def vault(store: Store, keyring: KeyRing) -> Vault:
    return Vault(store, keyring, segment_size=SEG)


@pytest.mark.parametrize("size", [0, 1, SEG - 1, SEG, SEG + 1, 5 * SEG + 3, 7 * SEG])
def test_blobs_round_trip_at_every_segment_boundary(vault: Vault, size: int) -> None:
    data = data_of(size)
    res = write(vault, data)
    assert res.size == size
    assert res.sha256 == hashlib.sha256(data).hexdigest()
    assert vault.store.size(res.storage_key) == HEADER_SIZE + size + TAG_SIZE * max(
        1, -(-size // SEG)
    )
    assert vault.plaintext_size(res.ref) == size
    assert vault.read_range(res.ref, 0, size + 100) == data
    assert b"".join(vault.iter_plaintext(res.ref)) == data
    assert vault.verify(res.ref, res.sha256) == (True, res.sha256, None)


def test_random_range_reads_match_the_plaintext(vault: Vault) -> None:
    data = data_of(40 * SEG + 17)
    res = write(vault, data)
    rng = random.Random(1234)
    for _ in range(150):
        start = rng.randrange(0, len(data) + 10)
        length = rng.choice([0, 1, SEG - 1, SEG, SEG + 1, rng.randrange(0, 5 * SEG)])
        assert vault.read_range(res.ref, start, length) == data[start : start + length]


def test_range_reads_work_without_a_recorded_segment_size_or_size(vault: Vault) -> None:
    data = data_of(3 * SEG + 5)
    res = write(vault, data)
    ref = BlobRef(res.storage_key, res.blob_id, res.kek_id, res.wrapped_key)
    assert vault.read_range(ref, SEG - 2, 10) == data[SEG - 2 : SEG + 8]


def test_a_blob_spanning_several_read_chunks_round_trips(store: Store, keyring: KeyRing) -> None:
    v = Vault(store, keyring, segment_size=64 * 1024)
    data = data_of(20 * 1024 * 1024 + 12345)
    res = write(v, data)
    assert res.sha256 == hashlib.sha256(data).hexdigest()
    assert (
        v.read_range(res.ref, 9 * 1024 * 1024 - 7, 1 << 20)
        == data[9 * 1024 * 1024 - 7 : 10 * 1024 * 1024 - 7]
    )
    assert v.verify(res.ref).ok


def test_the_input_may_be_a_reader_an_iterable_or_a_read_only_object(small_vault: Vault) -> None:
    data = data_of(1000)

    class ReadOnly:
        def __init__(self) -> None:
            self._f = io.BytesIO(data)

        def read(self, n: int) -> bytes:
            return self._f.read(min(n, 7))  # short reads on purpose

    chunks = [data[i : i + 13] for i in range(0, len(data), 13)]
    for source in (io.BytesIO(data), iter(chunks), [b"", *chunks, b""], ReadOnly()):
        res = small_vault.write(source, uuid.uuid4())
        assert res.sha256 == hashlib.sha256(data).hexdigest()
        assert small_vault.read_range(res.ref, 0, 2000) == data


def test_progress_is_reported_up_to_the_full_size(small_vault: Vault) -> None:
    seen: list[int] = []
    small_vault.write(io.BytesIO(data_of(5000)), uuid.uuid4(), progress=seen.append)
    assert seen and seen[-1] == 5000 and seen == sorted(seen)


def test_a_failing_source_leaves_no_blob_and_no_temp_behind(vault: Vault) -> None:
    def broken() -> Iterator[bytes]:
        yield data_of(10 * SEG)
        raise OSError("camera disconnected")

    with pytest.raises(OSError, match="camera disconnected"):
        vault.write(broken(), uuid.uuid4())
    assert list(vault.store.iter_keys()) == []
    assert list(vault.store.iter_incomplete()) == []


def test_writing_the_same_blob_id_twice_fails(vault: Vault) -> None:
    blob_id = uuid.uuid4()
    vault.write(io.BytesIO(b"one"), blob_id)
    with pytest.raises(AlreadyExistsError):
        vault.write(io.BytesIO(b"two"), blob_id)


def test_a_wrong_kek_raises_wrong_key_error(vault: Vault) -> None:
    res = write(vault, b"secret")
    other = Vault(vault.store, KeyRing.generate(), segment_size=SEG)
    with pytest.raises(WrongKeyError, match=res.kek_id):
        other.read_range(res.ref, 0, 6)
    ok, digest, error = other.verify(res.ref)
    assert not ok and digest is None and error is not None and "WrongKeyError" in error


@pytest.mark.parametrize("segment", [0, 2, 4])
def test_a_byte_flipped_in_a_segment_is_detected(vault: Vault, segment: int) -> None:
    res = write(vault, data_of(4 * SEG + 10))
    blob = bytearray(blob_bytes(vault.store, res.storage_key))
    blob[seg_at(segment).start + 5] ^= 0x01
    replace_blob(vault.store, res.storage_key, bytes(blob))
    with pytest.raises(TamperedError, match=f"segment {segment}") as info:
        vault.read_range(res.ref, segment * SEG, 1)
    assert info.value.segment == segment
    ok, _, error = vault.verify(res.ref)
    assert not ok and error is not None and f"segment {segment}" in error
    # Segments that were not touched still decrypt.
    other = 1 if segment != 1 else 3
    assert vault.read_range(res.ref, other * SEG, 3) == data_of(4 * SEG + 10)[other * SEG :][:3]


def test_a_segment_swapped_in_from_another_blob_under_the_same_dek_is_detected(
    vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    dek = bytes(range(32))
    monkeypatch.setattr(vault_mod, "generate_dek", lambda: dek)
    a, b = write(vault, data_of(3 * SEG, 1)), write(vault, data_of(3 * SEG, 2))
    assert vault.keyring.unwrap(a.kek_id, a.wrapped_key) == vault.keyring.unwrap(
        b.kek_id, b.wrapped_key
    )
    blob_a = bytearray(blob_bytes(vault.store, a.storage_key))
    blob_a[seg_at(1)] = blob_bytes(vault.store, b.storage_key)[seg_at(1)]
    replace_blob(vault.store, a.storage_key, bytes(blob_a))
    with pytest.raises(TamperedError, match="segment 1"):
        vault.read_range(a.ref, SEG, 1)
    assert not vault.verify(a.ref).ok


def test_a_segment_swapped_in_from_another_blob_under_another_dek_is_detected(
    vault: Vault,
) -> None:
    a, b = write(vault, data_of(3 * SEG, 1)), write(vault, data_of(3 * SEG, 2))
    blob_a = bytearray(blob_bytes(vault.store, a.storage_key))
    blob_a[seg_at(0)] = blob_bytes(vault.store, b.storage_key)[seg_at(0)]
    replace_blob(vault.store, a.storage_key, bytes(blob_a))
    with pytest.raises(TamperedError, match="segment 0"):
        vault.read_range(a.ref, 0, 1)


def test_dropping_the_last_segment_is_detected_as_truncation(vault: Vault) -> None:
    res = write(vault, data_of(3 * SEG + 9))
    blob = blob_bytes(vault.store, res.storage_key)
    replace_blob(vault.store, res.storage_key, blob[: seg_at(3).start])
    unrecorded = BlobRef(res.storage_key, res.blob_id, res.kek_id, res.wrapped_key, SEG)
    with pytest.raises(TruncatedError, match="not its final segment"):
        vault.read_range(unrecorded, 2 * SEG, 5)
    ok, _, error = vault.verify(unrecorded)
    assert not ok and error is not None and "TruncatedError" in error
    # With the recorded size, verify names the mismatch and reads of the lost part fail.
    ok, _, error = vault.verify(res.ref)
    assert not ok and error is not None and "were recorded" in error
    with pytest.raises(TruncatedError, match="ends inside segment 3"):
        vault.read_range(res.ref, 3 * SEG, 5)
    assert vault.read_range(res.ref, 0, 5) == data_of(3 * SEG + 9)[:5]


def test_cutting_bytes_off_the_end_is_detected(vault: Vault) -> None:
    res = write(vault, data_of(2 * SEG + 30))
    blob = blob_bytes(vault.store, res.storage_key)
    for cut in (1, TAG_SIZE, 30 + TAG_SIZE - 3):
        replace_blob(vault.store, res.storage_key, blob[:-cut])
        ok, _, error = vault.verify(res.ref)
        assert not ok, cut
        assert error is not None and ("Truncated" in error or "Tampered" in error)


def test_reordered_segments_are_detected(vault: Vault) -> None:
    res = write(vault, data_of(4 * SEG))
    blob = bytearray(blob_bytes(vault.store, res.storage_key))
    s1, s2 = bytes(blob[seg_at(1)]), bytes(blob[seg_at(2)])
    blob[seg_at(1)], blob[seg_at(2)] = s2, s1
    replace_blob(vault.store, res.storage_key, bytes(blob))
    with pytest.raises(TamperedError, match="segment 1"):
        vault.read_range(res.ref, SEG, 1)
    with pytest.raises(TamperedError, match="segment 2"):
        vault.read_range(res.ref, 2 * SEG, 1)


def test_a_segment_appended_after_the_final_one_is_detected(vault: Vault) -> None:
    res = write(vault, data_of(2 * SEG))
    blob = blob_bytes(vault.store, res.storage_key)
    replace_blob(vault.store, res.storage_key, blob + blob[seg_at(1)])
    ref = BlobRef(res.storage_key, res.blob_id, res.kek_id, res.wrapped_key, SEG)
    with pytest.raises(TamperedError, match="flagged final but more data follows"):
        vault.read_range(ref, SEG, 1)


def test_a_blob_copied_under_another_key_is_refused(vault: Vault) -> None:
    a, b = write(vault, b"alpha"), write(vault, b"beta")
    replace_blob(vault.store, b.storage_key, blob_bytes(vault.store, a.storage_key))
    ref = BlobRef(b.storage_key, b.blob_id, b.kek_id, b.wrapped_key)
    with pytest.raises(TamperedError, match=f"holds blob {a.blob_id}"):
        vault.read_range(ref, 0, 5)


def test_verify_reports_a_sha256_that_differs_from_the_recorded_one(vault: Vault) -> None:
    res = write(vault, b"evidence")
    ok, digest, error = vault.verify(res.ref, "0" * 64)
    assert not ok and digest == res.sha256 and error is not None and "mismatch" in error


def test_old_blobs_stay_readable_after_rotation_and_new_blobs_use_the_new_kek(
    vault: Vault,
) -> None:
    old = write(vault, b"before rotation")
    new_id = vault.keyring.rotate()
    new = write(vault, b"after rotation")
    assert old.kek_id != new_id and new.kek_id == new_id
    assert vault.read_range(old.ref, 0, 100) == b"before rotation"
    assert vault.read_range(new.ref, 0, 100) == b"after rotation"


def test_a_blob_is_self_describing_through_its_header(local_store: LocalStore) -> None:
    ring = KeyRing.generate()
    v = Vault(local_store, ring, segment_size=SEG)
    data = data_of(3 * SEG + 1)
    res = write(v, data)
    header = v.read_header(res.storage_key)
    assert (header.blob_id, header.segment_size) == (res.blob_id, SEG)
    assert (header.kek_id, header.wrapped_key) == (res.kek_id, res.wrapped_key)
    blob = blob_bytes(local_store, res.storage_key)
    assert decrypt_blob(blob, ring.unwrap(header.kek_id, header.wrapped_key)) == data
    assert plaintext_size_from_ciphertext_size(len(blob), SEG) == len(data)


def test_the_default_segment_size_is_one_mebibyte(local_store: LocalStore) -> None:
    v = Vault(local_store, KeyRing.generate())
    res = write(v, data_of(3 << 20))
    assert res.segment_size == 1 << 20
    assert v.read_range(res.ref, (2 << 20) - 3, 6) == data_of(3 << 20)[(2 << 20) - 3 :][:6]
