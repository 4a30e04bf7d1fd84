"""The implementation must reproduce the test vectors published in docs/vault-format.md."""

from __future__ import annotations

import hashlib
import io
import re
import uuid
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.keywrap import aes_key_wrap

from evidentia.core import vault as vault_mod
from evidentia.core.keys import KeyRing, kek_id_of
from evidentia.core.segcrypt import (
    Header,
    SegmentCipher,
    decrypt_blob,
    encrypt_stream,
)
from evidentia.core.storage import LocalStore
from evidentia.core.vault import Vault

DOC = Path(__file__).resolve().parents[2] / "docs" / "vault-format.md"

KEK = bytes(range(0x00, 0x20))
DEK = bytes(range(0x20, 0x40))
BLOB_ID = uuid.UUID("00112233-4455-6677-8899-aabbccddeeff")
SEGMENT_SIZE = 16
PLAINTEXT = b"Chain of custody: sealed & signed, 2025."

KEK_ID = "630dcd2966c43366"
PLAINTEXT_SHA256 = "fa38f0b240c96ac2f0aea4f0422e1c697a7069b187bd27e695ca6dcb699c02c2"
WRAPPED = "04f8a3c3c302d3b0b7e94b14dcf85ad1da69cd74056ed7907d3cb49fb27799a4104db058f2901adb"
HEADER = (
    "45564231010100600000001000000000"
    "00112233445566778899aabbccddeeff"
    "36333064636432393636633433333636"
    "280000000000000004f8a3c3c302d3b0"
    "b7e94b14dcf85ad1da69cd74056ed790"
    "7d3cb49fb27799a4104db058f2901adb"
)
NONCES = [
    "0203ce51992b6d0000000000",
    "0203ce51992b6d0000000100",
    "0203ce51992b6d0000000201",
]
SEGMENTS = [
    "2e78884e322c90695c01ad0685f7735e1b3356ce041b767c2087ea720764e01d",
    "3ca22df2c50e2b2f8b3610a7907b86f6448e632370806cb11e2ebf1da15e7135",
    "b335621ad0f9a2bafd82454a3981d9c91d4b3fbc69ad0271",
]
BLOB_SHA256 = "41907fd6c4ef5154be896fe873070d399d2be2c0137b9a09ac3a3c82456686ce"


def test_the_doc_publishes_the_same_vectors_as_this_test() -> None:
    text = DOC.read_text()
    block = text.split("## Test vectors", 1)[1]
    compact = re.sub(r"\s+", "", block)
    for value in [KEK.hex(), DEK.hex(), KEK_ID, str(BLOB_ID), PLAINTEXT_SHA256, WRAPPED, HEADER]:
        assert value in compact, value
    for value in [*NONCES, *SEGMENTS, BLOB_SHA256]:
        assert value in compact, value
    assert f'"{PLAINTEXT.decode()}"' in block


def test_the_kek_id_and_wrapped_dek_match_the_vectors() -> None:
    assert kek_id_of(KEK) == KEK_ID
    ring = KeyRing([KEK])
    assert ring.wrap(DEK) == (KEK_ID, bytes.fromhex(WRAPPED))
    assert ring.unwrap(KEK_ID, bytes.fromhex(WRAPPED)) == DEK


def test_aes_key_wrap_matches_rfc_3394_section_4_6() -> None:
    kek = bytes.fromhex("000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F")
    key = bytes.fromhex("00112233445566778899AABBCCDDEEFF000102030405060708090A0B0C0D0E0F")
    expected = "28C9F404C4B810F4CBCCB35CFB87F8263F5786E2D80ED326CBC7F0E71A99F43BFB988B9B7A02DD21"
    assert aes_key_wrap(kek, key) == bytes.fromhex(expected)


def test_the_header_matches_the_vector() -> None:
    header = Header(BLOB_ID, SEGMENT_SIZE, KEK_ID, bytes.fromhex(WRAPPED))
    assert header.pack().hex() == HEADER
    assert Header.unpack(bytes.fromhex(HEADER)) == header


def test_nonces_and_segments_match_the_vectors() -> None:
    cipher = SegmentCipher(DEK, BLOB_ID, SEGMENT_SIZE)
    assert [cipher.nonce(i, i == 2).hex() for i in range(3)] == NONCES
    assert [s.hex() for s in encrypt_stream([PLAINTEXT], cipher)] == SEGMENTS


def test_segments_match_an_independent_aes_gcm_computation() -> None:
    aad = bytes.fromhex(HEADER)[:32]
    for i, (nonce, seg) in enumerate(zip(NONCES, SEGMENTS, strict=True)):
        enc = Cipher(algorithms.AES(DEK), modes.GCM(bytes.fromhex(nonce))).encryptor()
        enc.authenticate_additional_data(aad)
        chunk = PLAINTEXT[i * SEGMENT_SIZE : (i + 1) * SEGMENT_SIZE]
        assert (enc.update(chunk) + enc.finalize() + enc.tag).hex() == seg


def test_the_vault_writes_exactly_the_vector_blob(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(vault_mod, "generate_dek", lambda: DEK)
    store = LocalStore(tmp_path)
    v = Vault(store, KeyRing([KEK]), segment_size=SEGMENT_SIZE)
    res = v.write(io.BytesIO(PLAINTEXT), BLOB_ID)
    assert res.sha256 == PLAINTEXT_SHA256
    assert (res.kek_id, res.wrapped_key.hex()) == (KEK_ID, WRAPPED)
    blob = store.read_range(res.storage_key, 0, 1000)
    assert blob.hex() == HEADER + "".join(SEGMENTS)
    assert hashlib.sha256(blob).hexdigest() == BLOB_SHA256
    assert decrypt_blob(blob, DEK) == PLAINTEXT
    assert v.read_range(res.ref, 10, 20) == PLAINTEXT[10:30]
