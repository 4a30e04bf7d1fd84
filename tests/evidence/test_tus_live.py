"""tus against a real server (pytest-django's live_server): the tuspy client, uploads
cut off mid-request and resumed, and concurrent completions."""

from __future__ import annotations

import hashlib
import os
import random
import socket
import threading
import time
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from django.db import connection
from django.test import Client
from tusclient.client import TusClient
from tusclient.uploader import Uploader

from evidentia.custody import events
from evidentia.custody.models import Event
from evidentia.evidence.models import Blob, Item, Upload
from evidentia.evidence.vaultio import store
from tests.evidence.test_tus import TUS, patch, started, token_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _own_upload_dir(settings, tmp_path):
    settings.UPLOAD_DIR = tmp_path / "uploads"


class Sha256Uploader(Uploader):
    """tuspy checksums with sha1 unless told otherwise; this server speaks sha256."""

    CHECKSUM_ALGORITHM_PAIR = ("sha256", hashlib.sha256)


def tus_client(live_server, token: str) -> TusClient:
    return TusClient(
        f"{live_server.url}/api/v1/uploads/", headers={"Authorization": f"Bearer {token}"}
    )


def item_of(url: str) -> Item:
    up = Upload.objects.get(pk=url.rsplit("/", 1)[1])
    assert up.state == "complete", up.error
    return up.item


def random_file(tmp_path, size: int, name: str = "footage.bin"):
    path = tmp_path / name
    path.write_bytes(os.urandom(size))
    return path


def test_tuspy_uploads_a_clip_that_becomes_evidence(live_server, olivia, clip_path):
    client = tus_client(live_server, token_for(olivia))
    uploader = Sha256Uploader(
        file_path=str(clip_path),
        client=client,
        chunk_size=64 * 1024,
        metadata={"filename": clip_path.name, "filetype": "video/mp4", "device_id": "BWC-7"},
        upload_checksum=True,
    )
    uploader.upload()
    item = item_of(uploader.url)
    assert item.blob.sha256 == hashlib.sha256(clip_path.read_bytes()).hexdigest()
    assert (item.officer, item.device_id, item.kind, item.source) == (
        olivia,
        "BWC-7",
        "video",
        "upload",
    )
    assert uploader.request.response_headers["evidentia-item"] == str(item.pk)


def test_an_interrupted_tuspy_upload_resumes_with_a_new_uploader(live_server, olivia, tmp_path):
    path = random_file(tmp_path, 3 * 1024 * 1024 + 17)
    client = tus_client(live_server, token_for(olivia))
    first = client.uploader(
        file_path=str(path), chunk_size=256 * 1024, metadata={"filename": "a.bin"}
    )
    first.upload(stop_at=1024 * 1024)  # the connection "drops" after 1 MiB
    assert first.offset == 1024 * 1024
    assert not Item.objects.exists()
    second = client.uploader(file_path=str(path), url=first.url, chunk_size=512 * 1024)
    assert second.offset == 1024 * 1024  # asked the server with HEAD
    second.upload()
    assert item_of(first.url).blob.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def _cut_patch(url: str, token: str, offset: int, data: bytes, send: int) -> None:
    """A PATCH announcing all of `data` whose connection dies after `send` bytes."""
    parts = urlsplit(url)
    request = (
        f"PATCH {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\nTus-Resumable: 1.0.0\r\n"
        f"Authorization: Bearer {token}\r\nUpload-Offset: {offset}\r\n"
        f"Content-Type: application/offset+octet-stream\r\nContent-Length: {len(data)}\r\n"
        "Connection: close\r\n\r\n"
    )
    with socket.create_connection((parts.hostname, parts.port)) as sock:
        sock.sendall(request.encode() + data[:send])


def _offset(url: str, token: str) -> int:
    """The offset once the server has settled: no 423, the same answer three times running."""
    deadline = time.monotonic() + 30
    seen: list[int] = []
    while True:
        r = requests.head(url, headers={**TUS, "Authorization": f"Bearer {token}"}, timeout=10)
        if r.status_code == 200:
            seen.append(int(r.headers["Upload-Offset"]))
            if len(seen) >= 3 and len(set(seen[-3:])) == 1:
                return seen[-1]
        assert time.monotonic() < deadline, (r.status_code, seen[-5:])
        time.sleep(0.05)


def test_an_upload_cut_at_random_offsets_resumes_to_the_same_sha256(live_server, olivia):
    rng = random.Random(20260302)
    data = rng.randbytes(2 * 1024 * 1024 + 333)
    token = token_for(olivia)
    created = requests.post(
        f"{live_server.url}/api/v1/uploads/",
        headers={**TUS, "Authorization": f"Bearer {token}", "Upload-Length": str(len(data))},
        timeout=10,
    )
    url = urljoin(live_server.url, created.headers["Location"])
    offset, cuts = 0, 0
    while offset < len(data):
        size = rng.randint(1, len(data) - offset)
        chunk = data[offset : offset + size]
        if cuts < 5:  # the connection dies somewhere inside this request
            send = rng.randint(0, size - 1)
            _cut_patch(url, token, offset, chunk, send)
            cuts += 1
            settled = _offset(url, token)
            # A server may keep any prefix of what arrived, never more, never less than before.
            assert offset <= settled <= offset + send
            offset = settled
            continue
        r = requests.patch(
            url,
            data=chunk,
            headers={
                **TUS,
                "Authorization": f"Bearer {token}",
                "Upload-Offset": str(offset),
                "Content-Type": "application/offset+octet-stream",
            },
            timeout=30,
        )
        if r.status_code == 409:  # a cut request finished late: ask again, as clients do
            offset = _offset(url, token)
            continue
        assert r.status_code == 204, r.text
        offset = int(r.headers["Upload-Offset"])
    assert cuts == 5
    assert item_of(url).blob.sha256 == hashlib.sha256(data).hexdigest()


def _in_threads(*jobs):
    results: list = [None] * len(jobs)
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(jobs))

    def run(i: int, job) -> None:
        try:
            barrier.wait()
            results[i] = job()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, j)) for i, j in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    return results


def test_concurrent_uploads_of_the_same_bytes_make_one_blob(olivia, carmen):
    data = os.urandom(300_000)
    uploads = [(t, started(t, data)) for t in (token_for(olivia), token_for(carmen))]
    for token, url in uploads:
        assert patch(Client(), url, token, 0, data[:-10]).status_code == 204
    answers = _in_threads(
        *[lambda t=t, u=u: patch(Client(), u, t, len(data) - 10, data[-10:]) for t, u in uploads]
    )
    assert [a.status_code for a in answers] == [204, 204]
    assert answers[0]["Evidentia-Item"] == answers[1]["Evidentia-Item"]
    assert sorted(a["Evidentia-Duplicate"] for a in answers) == ["false", "true"]
    assert Blob.objects.count() == 1 and Item.objects.count() == 1
    assert len(list(store().iter_keys())) == 1
    assert Event.objects.filter(kind=events.INGESTED).count() == 1
    assert Event.objects.filter(kind=events.DEDUPLICATED).count() == 1


def test_the_same_final_patch_sent_twice_at_once_ingests_once(olivia):
    data = os.urandom(2_000_000)
    token = token_for(olivia)
    url = started(token, data)
    patch(Client(), url, token, 0, data[:1000])
    answers = _in_threads(
        *[lambda: patch(Client(), url, token, 1000, data[1000:]) for _ in range(2)]
    )
    codes = sorted(a.status_code for a in answers)
    assert codes[0] == 204 and codes[1] in (204, 409, 423)
    assert Item.objects.count() == 1
    assert Event.objects.filter(kind=events.INGESTED).count() == 1
    assert item_of(url).blob.sha256 == hashlib.sha256(data).hexdigest()
