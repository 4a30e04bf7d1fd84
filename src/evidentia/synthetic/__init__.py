"""Synthetic accountability history (CAD calls, use-of-force reports, complaints,
community reports) for the demo and the benchmarks. Not a Django app: it only writes
other apps' models, in bulk, with no ledger events, because none of it happened.

Everything it makes is flagged: call numbers start "SYN", calls point at a CAD import
named "Synthetic data", and every free-text field starts "Synthetic:". See
docs/decisions/0024-policies-and-synthetic-data.md.
"""
