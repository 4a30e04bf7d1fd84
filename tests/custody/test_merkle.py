"""The Merkle code against RFC 6962 test vectors and an independent verifier."""

from __future__ import annotations

import hashlib
import random

import pytest

from evidentia.custody import merkle
from tests.custody import rfc6962

# From Certificate Transparency's reference test data (RFC 6962 section 2.1).
CT_LEAVES = [
    b"",
    b"\x00",
    b"\x10",
    b"\x20\x21",
    b"\x30\x31",
    b"\x40\x41\x42\x43",
    b"\x50\x51\x52\x53\x54\x55\x56\x57",
    b"\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f",
]
CT_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


def table(leaves: list[bytes]) -> dict[merkle.NodeKey, bytes]:
    """Every perfect subtree of a tree, keyed as the ledger stores them."""
    nodes = {(0, i): h for i, h in enumerate(leaves)}
    level = 0
    while True:
        pairs = [
            (i, nodes[(level, 2 * i)], nodes[(level, 2 * i + 1)])
            for i in range(len(leaves) >> (level + 1))
        ]
        if not pairs:
            return nodes
        level += 1
        for i, left, right in pairs:
            nodes[(level, i)] = merkle.node_hash(left, right)


def test_roots_match_the_rfc6962_reference_vectors():
    leaves = [merkle.leaf_hash(d) for d in CT_LEAVES]
    for size in range(1, 9):
        assert merkle.root_of(leaves[:size]).hex() == CT_ROOTS[size - 1]


def test_an_empty_tree_has_the_hash_of_nothing_as_root():
    assert merkle.root_of([]) == hashlib.sha256(b"").digest()


def test_compact_range_survives_pack_and_unpack():
    cr = merkle.CompactRange()
    for i in range(37):
        cr.append(merkle.leaf_hash(str(i).encode()))
    again = merkle.CompactRange.unpack(cr.size, cr.pack())
    assert again.root() == cr.root()


@pytest.mark.parametrize("size", [1, 2, 3, 5, 7, 8, 9, 31, 64, 100])
def test_every_inclusion_proof_verifies_independently(size):
    leaves = [merkle.leaf_hash(f"event {i}".encode()) for i in range(size)]
    nodes = table(leaves)
    root = merkle.root_of(leaves)
    for index in range(size):
        path = merkle.resolve(merkle.inclusion_ranges(index, size), lambda keys: nodes)
        assert rfc6962.root_from_inclusion(index, size, leaves[index], path) == root
        assert merkle.verify_inclusion(index, size, leaves[index], path, root)


def test_an_inclusion_proof_for_the_wrong_leaf_fails():
    leaves = [merkle.leaf_hash(f"e{i}".encode()) for i in range(10)]
    nodes = table(leaves)
    path = merkle.resolve(merkle.inclusion_ranges(4, 10), lambda keys: nodes)
    assert not merkle.verify_inclusion(4, 10, leaves[5], path, merkle.root_of(leaves))


def test_consistency_proofs_verify_between_every_pair_of_sizes():
    leaves = [merkle.leaf_hash(f"e{i}".encode()) for i in range(40)]
    nodes = table(leaves)
    for old in range(1, 41):
        for new in range(old, 41):
            proof = (
                merkle.resolve(merkle.consistency_ranges(old, new), lambda keys: nodes)
                if old != new
                else []
            )
            assert merkle.verify_consistency(
                old, new, merkle.root_of(leaves[:old]), merkle.root_of(leaves[:new]), proof
            ), (old, new)


def test_a_consistency_proof_does_not_verify_a_rewritten_history():
    leaves = [merkle.leaf_hash(f"e{i}".encode()) for i in range(12)]
    forged = list(leaves)
    forged[2] = merkle.leaf_hash(b"forged")
    nodes = table(forged)
    proof = merkle.resolve(merkle.consistency_ranges(5, 12), lambda keys: nodes)
    assert not merkle.verify_consistency(
        5, 12, merkle.root_of(leaves[:5]), merkle.root_of(forged), proof
    )


def test_random_trees_agree_with_the_independent_verifier():
    rng = random.Random(7)
    for _ in range(20):
        size = rng.randint(1, 300)
        leaves = [merkle.leaf_hash(rng.randbytes(8)) for _ in range(size)]
        nodes = table(leaves)
        index = rng.randrange(size)
        path = merkle.resolve(merkle.inclusion_ranges(index, size), lambda keys, n=nodes: n)
        assert rfc6962.root_from_inclusion(index, size, leaves[index], path) == merkle.root_of(
            leaves
        )
