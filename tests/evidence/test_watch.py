"""The docking-station watcher."""

from __future__ import annotations

import pytest

from evidentia.evidence.models import Item
from evidentia.evidence.services.watch import Watcher


@pytest.fixture
def dock(tmp_path):
    root = tmp_path / "dock"
    root.mkdir()
    return root


def test_a_stable_file_is_ingested_and_moved_to_ingested(db, olivia, dock):
    (dock / "N-1042").mkdir()
    (dock / "N-1042" / "clip.mp4").write_bytes(b"docked footage")
    counts = Watcher(dock, stable_seconds=0).scan()
    assert counts == {"ingested": 1}
    assert (dock / "ingested" / "clip.mp4").exists()
    assert Item.objects.get().officer == olivia


def test_a_growing_file_waits_until_it_is_stable(db, olivia, dock):
    watcher = Watcher(dock, officer_badge="N-1042", stable_seconds=5)
    path = dock / "clip.mp4"
    path.write_bytes(b"part one")
    assert watcher.scan(now=100.0) == {}
    path.write_bytes(b"part one, part two")
    assert watcher.scan(now=104.0) == {}
    assert watcher.scan(now=106.0) == {}
    assert watcher.scan(now=110.0) == {"ingested": 1}


def test_an_empty_file_goes_to_failed_with_a_reason(db, olivia, dock):
    (dock / "empty.mp4").write_bytes(b"")
    Watcher(dock, officer_badge="N-1042", stable_seconds=0).scan()
    reason = (dock / "failed" / "empty.mp4.reason.txt").read_text()
    assert "empty" in reason
    assert (dock / "failed" / "empty.mp4").exists()
    assert not Item.objects.exists()


def test_an_unknown_badge_folder_goes_to_failed(db, dock):
    (dock / "X-999").mkdir()
    (dock / "X-999" / "clip.mp4").write_bytes(b"bytes")
    Watcher(dock, stable_seconds=0).scan()
    assert "X-999" in (dock / "failed" / "clip.mp4.reason.txt").read_text()


def test_a_second_copy_of_the_same_file_is_recognised(db, olivia, dock):
    (dock / "a.mp4").write_bytes(b"same")
    (dock / "b.mp4").write_bytes(b"same")
    counts = Watcher(dock, officer_badge="N-1042", stable_seconds=0).scan()
    assert counts == {"ingested": 1, "duplicate": 1}
    assert Item.objects.count() == 1
