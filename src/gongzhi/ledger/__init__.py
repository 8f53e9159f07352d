"""The trust ledger: a transparency log of public records, with signed checkpoints and witnesses.

The pure core lives in ``merkle`` (RFC 6962 hashing and proofs), ``note`` (signed notes and keys),
``checkpoint`` (tree heads and witness cosignatures), ``tiles`` (the static tile layout),
``entries`` (canonical JSON entries and commitments), ``verify`` (a receipt, offline) and
``errors``. None of it touches a database or the network; storage is injected.

Over the database: ``models`` (tables), ``log`` (append, and the sequencer), ``storage`` (tiles as a
hash reader), ``publish`` (signed checkpoints and the log's key), ``receipts`` (building them),
``caselog`` (case events as entries, citizens' receipts), ``export`` (static tiles) and
``selfcheck`` (re-verify the stored log). ``cli`` is the ``gongzhi ledger`` command.
"""
