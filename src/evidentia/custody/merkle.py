"""RFC 6962 / RFC 9162 Merkle tree hashing, proofs and their verification.

Proof generation is split into planning (which subtree ranges are needed, pure
arithmetic) and hashing (ranges resolved through a lookup of stored perfect
subtrees), so the ledger can fetch every hash a proof needs in one query.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence

EMPTY_ROOT = hashlib.sha256(b"").digest()
NodeKey = tuple[int, int]  # (level, index): the perfect subtree of 2**level leaves


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def split_point(n: int) -> int:
    """The largest power of two strictly less than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


class CompactRange:
    """The perfect subtree roots ("peaks") covering leaves [0, size), largest first."""

    def __init__(self, size: int = 0, peaks: Sequence[bytes] = ()) -> None:
        if len(peaks) != bin(size).count("1"):
            raise ValueError("peak count does not match tree size")
        self.size = size
        self.peaks = list(peaks)

    def append(self, leaf: bytes) -> list[tuple[NodeKey, bytes]]:
        """Add a leaf hash; return the interior perfect nodes this completed."""
        created: list[tuple[NodeKey, bytes]] = []
        index, level, current = self.size, 0, leaf
        self.peaks.append(leaf)
        while index & 1:
            right = self.peaks.pop()
            left = self.peaks.pop()
            current = node_hash(left, right)
            level += 1
            index >>= 1
            self.peaks.append(current)
            created.append(((level, index), current))
        self.size += 1
        return created

    def root(self) -> bytes:
        if not self.peaks:
            return EMPTY_ROOT
        acc = self.peaks[-1]
        for peak in reversed(self.peaks[:-1]):
            acc = node_hash(peak, acc)
        return acc

    def pack(self) -> bytes:
        return b"".join(self.peaks)

    @classmethod
    def unpack(cls, size: int, packed: bytes) -> CompactRange:
        return cls(size, [packed[i : i + 32] for i in range(0, len(packed), 32)])


def root_of(leaves: Iterable[bytes]) -> bytes:
    cr = CompactRange()
    for leaf in leaves:
        cr.append(leaf)
    return cr.root()


def decompose(start: int, end: int) -> list[NodeKey]:
    """Perfect aligned subtrees covering [start, end), largest first.

    Valid for the ranges RFC 6962 recursion produces: start is a multiple of a
    power of two at least as large as end - start.
    """
    keys: list[NodeKey] = []
    pos, remaining = start, end - start
    for level in range(remaining.bit_length() - 1, -1, -1):
        if remaining >> level & 1:
            keys.append((level, pos >> level))
            pos += 1 << level
    return keys


def inclusion_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """Sibling ranges of RFC 6962 PATH(index, D[size]), leaf to root."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of size {size}")
    path: list[tuple[int, int]] = []
    start, end = 0, size
    while end - start > 1:
        k = split_point(end - start)
        if index < start + k:
            path.append((start + k, end))
            end = start + k
        else:
            path.append((start, start + k))
            start += k
    return path[::-1]


def consistency_ranges(old: int, new: int) -> list[tuple[int, int]]:
    """Ranges of RFC 6962 PROOF(old, D[new]), in proof order."""
    if not 0 < old <= new:
        raise ValueError(f"no consistency proof from size {old} to {new}")
    out: list[tuple[int, int]] = []

    def sub(m: int, start: int, end: int, whole: bool) -> None:
        n = end - start
        if m == n:
            if not whole:
                out.append((start, end))
            return
        k = split_point(n)
        if m <= k:
            sub(m, start, start + k, whole)
            out.append((start + k, end))
        else:
            sub(m - k, start + k, end, False)
            out.append((start, start + k))

    sub(old, 0, new, True)
    return out


def needed_nodes(ranges: Iterable[tuple[int, int]]) -> set[NodeKey]:
    return {key for start, end in ranges for key in decompose(start, end)}


def range_hash(start: int, end: int, nodes: Mapping[NodeKey, bytes]) -> bytes:
    keys = decompose(start, end)
    acc = nodes[keys[-1]]
    for key in reversed(keys[:-1]):
        acc = node_hash(nodes[key], acc)
    return acc


def resolve(
    ranges: Sequence[tuple[int, int]], fetch: Callable[[set[NodeKey]], Mapping[NodeKey, bytes]]
) -> list[bytes]:
    nodes = fetch(needed_nodes(ranges))
    return [range_hash(start, end, nodes) for start, end in ranges]


# Verification (RFC 9162 section 2.1.3.2 and 2.1.4.2).


def verify_inclusion(
    index: int, size: int, leaf: bytes, path: Sequence[bytes], root: bytes
) -> bool:
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(
    old: int, new: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    if old == new:
        return not proof and old_root == new_root
    if old == 0 or old > new or not proof:
        return False
    items = list(proof)
    if old & (old - 1) == 0:  # old is a power of two: its root is implied
        items.insert(0, old_root)
    fn, sn = old - 1, new - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = items[0]
    for c in items[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == new_root
