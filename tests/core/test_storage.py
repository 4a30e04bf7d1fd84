from __future__ import annotations

import os
import random
import stat
from pathlib import Path

import pytest

from evidentia.core.s3store import S3Store
from evidentia.core.storage import AlreadyExistsError, LocalStore, NotFoundError, Store

KEY = "ab/cd/blob-1"


def put(store: Store, key: str, data: bytes, chunk: int = 1000) -> None:
    with store.open_writer(key) as w:
        for i in range(0, len(data), chunk):
            w.write(data[i : i + chunk])
        w.commit()


def test_a_committed_blob_reads_back_exactly(store: Store) -> None:
    data = os.urandom(10_000)
    put(store, KEY, data)
    assert store.exists(KEY)
    assert store.size(KEY) == len(data)
    assert store.read_range(KEY, 0, len(data)) == data
    assert store.read_range(KEY, 1234, 100) == data[1234:1334]
    assert list(store.iter_keys()) == [KEY]


def test_range_reads_are_clamped_to_the_end_of_the_blob(store: Store) -> None:
    put(store, KEY, b"0123456789")
    assert store.read_range(KEY, 8, 100) == b"89"
    assert store.read_range(KEY, 10, 5) == b""
    assert store.read_range(KEY, 50, 5) == b""
    assert store.read_range(KEY, 3, 0) == b""


def test_a_key_can_be_committed_only_once(store: Store) -> None:
    put(store, KEY, b"first")
    with pytest.raises(AlreadyExistsError):
        store.open_writer(KEY)
    assert store.read_range(KEY, 0, 100) == b"first"


def test_of_two_writers_racing_for_one_key_only_the_first_commit_wins(store: Store) -> None:
    a, b = store.open_writer(KEY), store.open_writer(KEY)
    a.write(b"from a")
    b.write(b"from b")
    a.commit()
    with pytest.raises(AlreadyExistsError):
        b.commit()
    assert store.read_range(KEY, 0, 100) == b"from a"
    assert list(store.iter_incomplete()) == []


def test_an_aborted_writer_leaves_nothing_behind(store: Store) -> None:
    w = store.open_writer(KEY)
    w.write(b"partial")
    w.abort()
    w.abort()  # idempotent
    assert not store.exists(KEY)
    assert list(store.iter_keys()) == []
    assert list(store.iter_incomplete()) == []


def test_an_exception_inside_the_writer_context_aborts_it(store: Store) -> None:
    with pytest.raises(RuntimeError), store.open_writer(KEY) as w:
        w.write(b"partial")
        raise RuntimeError("source failed")
    assert list(store.iter_keys()) == [] and list(store.iter_incomplete()) == []


def test_an_abandoned_writer_shows_up_as_incomplete_until_removed(store: Store) -> None:
    w = store.open_writer(KEY)  # e.g. the process died before commit or abort
    w.write(b"partial")
    assert list(store.iter_keys()) == []
    (item,) = store.iter_incomplete()
    assert item.key == KEY
    store.remove_incomplete(item)
    assert list(store.iter_incomplete()) == []
    assert list(store.iter_keys()) == []


def test_delete_removes_a_blob_and_a_missing_key_raises_not_found(store: Store) -> None:
    put(store, KEY, b"x")
    store.delete(KEY)
    assert not store.exists(KEY)
    with pytest.raises(NotFoundError):
        store.delete(KEY)
    with pytest.raises(NotFoundError):
        store.size(KEY)
    with pytest.raises(NotFoundError):
        store.read_range(KEY, 0, 1)


@pytest.mark.parametrize("key", ["", "/abs", "a/../b", "a//b", ".hidden", "a/b.evtmp"])
def test_keys_that_could_escape_or_collide_with_temp_files_are_refused(
    store: Store, key: str
) -> None:
    with pytest.raises(ValueError):
        store.open_writer(key)


def test_listing_returns_every_committed_key(store: Store) -> None:
    keys = sorted(f"{i:02x}/00/blob-{i}" for i in range(5))
    for k in keys:
        put(store, k, k.encode())
    assert sorted(store.iter_keys()) == keys


def test_local_blobs_are_read_only_once_committed(local_store: LocalStore) -> None:
    put(local_store, KEY, b"x")
    assert stat.S_IMODE((local_store.root / KEY).stat().st_mode) == 0o400


@pytest.mark.parametrize(
    "size", [0, 1, 95, 4095, 4096, 4097, (8 << 20) - 1, 8 << 20, (8 << 20) + 4097, 20_000_001]
)
def test_local_writes_of_awkward_sizes_round_trip(local_store: LocalStore, size: int) -> None:
    # Exercises the aligned O_DIRECT path and the buffered tail.
    data = random.Random(size).randbytes(size)
    put(local_store, KEY, data, chunk=1_048_593)
    assert local_store.read_range(KEY, 0, size + 10) == data


@pytest.mark.skipif(not Path("/dev/shm").is_dir(), reason="no tmpfs at /dev/shm")
def test_local_store_falls_back_to_buffered_io_where_o_direct_is_refused(tmp_path: Path) -> None:
    import tempfile

    with tempfile.TemporaryDirectory(dir="/dev/shm") as d:
        store = LocalStore(d)
        data = os.urandom((8 << 20) + 123)
        put(store, KEY, data, chunk=3 << 20)
        assert store.read_range(KEY, 0, len(data)) == data


def test_s3_writes_stream_in_multiple_parts(s3_store: S3Store) -> None:
    data = random.Random(7).randbytes(s3_store.part_size * 2 + 12345)
    put(s3_store, KEY, data, chunk=3 << 20)
    assert s3_store.size(KEY) == len(data)
    assert (
        s3_store.read_range(KEY, s3_store.part_size - 5, 10)
        == data[s3_store.part_size - 5 : s3_store.part_size + 5]
    )
    assert list(s3_store.iter_incomplete()) == []


def test_s3_parts_below_the_minimum_size_are_refused() -> None:
    with pytest.raises(ValueError):
        S3Store("bucket", part_size=1 << 20, client=object())


def test_a_committed_blob_knows_when_it_was_written(store: Store) -> None:
    from datetime import UTC, datetime, timedelta

    with store.open_writer("ti/me/stamped") as writer:
        writer.write(b"when")
        writer.commit()
    written = store.modified_at("ti/me/stamped")
    assert abs(datetime.now(UTC) - written) < timedelta(minutes=5)


def test_asking_when_a_missing_blob_was_written_is_not_found(store: Store) -> None:
    with pytest.raises(NotFoundError):
        store.modified_at("no/such/blob")
