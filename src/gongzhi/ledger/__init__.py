"""The trust ledger: a transparency log of public records, with signed checkpoints and witnesses.

The pure core lives in ``merkle`` (RFC 6962 hashing and proofs), ``note`` (signed notes and keys),
``checkpoint`` (tree heads and witness cosignatures), ``tiles`` (the static tile layout) and
``errors``. None of it touches a database or the network; storage is injected.
"""
