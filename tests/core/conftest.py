"""Fixtures for the vault tests. No Django: run with ``-p no:django`` if settings are absent."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from evidentia.core.keys import KeyRing
from evidentia.core.s3store import S3Store
from evidentia.core.storage import LocalStore, Store
from evidentia.core.vault import Vault

BUCKET = "evidentia-test"
CREDS = {"access_key": "testing", "secret_key": "testing", "region": "us-east-1"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def moto_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real moto S3 server on loopback, for the whole session."""
    exe = Path(sys.executable).with_name("moto_server")
    if not exe.exists():
        pytest.skip("moto_server is not installed")
    port = _free_port()
    log = (tmp_path_factory.mktemp("moto") / "moto.log").open("wb")
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    proc = subprocess.Popen(
        [str(exe), "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=log, env=env
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                pytest.fail(f"moto_server exited with {proc.returncode}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("moto_server did not start within 30 s")
                time.sleep(0.1)
        client = S3Store(BUCKET, endpoint_url=endpoint, **CREDS).client
        for _ in range(50):  # the port may open a moment before requests are served
            try:
                client.create_bucket(Bucket=BUCKET)
                break
            except Exception:
                time.sleep(0.1)
        else:
            pytest.fail("could not create the test bucket on moto_server")
        yield endpoint
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture
def local_store(tmp_path: Path) -> LocalStore:
    return LocalStore(tmp_path / "blobs")


@pytest.fixture
def s3_store(moto_endpoint: str) -> S3Store:
    # A fresh prefix per test keeps listings independent within the shared bucket.
    return S3Store(BUCKET, endpoint_url=moto_endpoint, prefix=f"t-{uuid.uuid4().hex[:12]}", **CREDS)


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest) -> Store:
    name = "local_store" if request.param == "local" else "s3_store"
    result: Store = request.getfixturevalue(name)
    return result


@pytest.fixture
def keyring() -> KeyRing:
    return KeyRing.generate()


@pytest.fixture
def small_vault(local_store: LocalStore, keyring: KeyRing) -> Vault:
    """A vault with 64-byte segments so multi-segment cases stay tiny."""
    return Vault(local_store, keyring, segment_size=64)


def replace_blob(store: Store, key: str, data: bytes) -> None:
    """Overwrite a committed blob (for tampering tests): delete, then write again."""
    store.delete(key)
    with store.open_writer(key) as w:
        w.write(data)
        w.commit()


def blob_bytes(store: Store, key: str) -> bytes:
    return store.read_range(key, 0, store.size(key))
