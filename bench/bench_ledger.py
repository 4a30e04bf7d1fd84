"""Ledger benchmarks (issue 2): appends, full verification and inclusion proofs.

    EVIDENTIA_HOME=$(mktemp -d) .venv/bin/python bench/bench_ledger.py \
        [--appends 100000] [--events 1000000]

Appends go through `ledger.record`, one transaction each, as services do. The
1M-event ledger for `verify` and proofs is built by a bulk path that uses the same
canonical encoding and Merkle code, since a million single appends would only
re-measure the first figure.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta

os.environ.setdefault("EVIDENTIA_HOME", tempfile.mkdtemp(prefix="evidentia-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "evidentia.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from evidentia.core.canonical import canonical_json  # noqa: E402
from evidentia.custody import checkpoint as notes  # noqa: E402
from evidentia.custody import events, ledger, merkle  # noqa: E402
from evidentia.custody.models import Checkpoint, Event, Head, Node  # noqa: E402
from evidentia.custody.signing import key_name, signing_key  # noqa: E402
from evidentia.custody.verify import verify  # noqa: E402


def reset() -> None:
    with transaction.atomic():
        for model in (Event, Node, Head, Checkpoint):
            model.objects.all().delete()


def bench_appends(n: int) -> float:
    reset()
    start = time.perf_counter()
    for i in range(n):
        ledger.record(events.METADATA_VIEWED, actor="bench", detail={"i": i})
    return time.perf_counter() - start


def bulk_build(n: int, checkpoint_every: int = 10_000) -> None:
    reset()
    tree = merkle.CompactRange()
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    batch_events: list[Event] = []
    batch_nodes: list[Node] = []
    for seq in range(n):
        when = t0 + timedelta(seconds=seq)
        body = canonical_json(
            {
                "seq": seq,
                "time": when,
                "kind": events.METADATA_VIEWED,
                "actor": {"system": "bench"},
                "outcome": "success",
                "item": None,
                "case": None,
                "detail": {"i": seq},
            }
        )
        leaf = merkle.leaf_hash(body)
        batch_events.append(
            Event(
                seq=seq,
                recorded_at=when,
                kind=events.METADATA_VIEWED,
                actor="system:bench",
                body=body.decode(),
                leaf_hash=leaf,
            )
        )
        for (level, index), h in tree.append(leaf):
            batch_nodes.append(Node(key=Node.make_key(level, index), hash=h))
        if len(batch_events) == 20_000 or seq == n - 1:
            with transaction.atomic():
                Event.objects.bulk_create(batch_events)
                Node.objects.bulk_create(batch_nodes)
                Head.objects.update_or_create(
                    pk=1, defaults={"size": tree.size, "peaks": tree.pack()}
                )
            batch_events, batch_nodes = [], []
        if tree.size % checkpoint_every == 0 or seq == n - 1:
            note = notes.sign(
                settings.LEDGER_ORIGIN, tree.size, tree.root(), key_name(), signing_key()
            )
            Checkpoint.objects.create(
                tree_size=tree.size,
                root_hash=tree.root(),
                note=note,
                key_name=key_name(),
                signed_at=timezone.now(),
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--appends", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--proofs", type=int, default=200)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}; EVIDENTIA_HOME={os.environ['EVIDENTIA_HOME']}")

    appends = [bench_appends(args.appends) for _ in range(args.runs)]
    print(
        f"append {args.appends} events: runs {[round(a, 1) for a in appends]} s, "
        f"median {statistics.median(appends):.1f} s "
        f"({args.appends / statistics.median(appends):.0f} events/s)"
    )

    t = time.perf_counter()
    bulk_build(args.events)
    print(f"built a {args.events}-event ledger in {time.perf_counter() - t:.0f} s (setup)")

    keys = {key_name(): signing_key().public_key()}
    verifies = []
    for _ in range(args.runs):
        t = time.perf_counter()
        report = verify(keys)
        verifies.append(time.perf_counter() - t)
        assert report.ok and report.events == args.events, report.problems
    print(
        f"custody verify over {args.events} events: runs {[round(v, 1) for v in verifies]} s, "
        f"median {statistics.median(verifies):.1f} s"
    )

    rng = random.Random(1)
    timings = []
    for _ in range(args.proofs):
        seq = rng.randrange(args.events)
        t = time.perf_counter()
        ledger.inclusion_proof(seq, args.events)
        timings.append((time.perf_counter() - t) * 1000)
    print(
        f"inclusion proof at {args.events} events: median {statistics.median(timings):.2f} ms, "
        f"p95 {sorted(timings)[int(len(timings) * 0.95)]:.2f} ms over {args.proofs} proofs"
    )


if __name__ == "__main__":
    sys.exit(main())
