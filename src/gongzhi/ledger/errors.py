"""What can go wrong when the ledger checks proofs, notes, checkpoints and tiles.

Every error here is a verdict on data handed to the ledger (a proof, a signed note, a tile), so the
tree hangs under ``InvalidInput``: the web layer answers 400 and the CLI prints the message. The
messages name the value that is wrong and what it should have been.

    InvalidInput (gongzhi.errors)
    └── LedgerError
        ├── ProofError                 a Merkle proof does not prove what it claims
        │   ├── TreeSizeError          impossible sizes: negative, or old size above new size
        │   ├── IndexOutOfRangeError   leaf index not below the tree size
        │   ├── HashLengthError        a leaf hash, root or proof hash is not 32 bytes
        │   ├── ProofLengthError       the proof has too few or too many hashes
        │   └── RootMismatchError      the root computed from the proof is not the expected root
        │                              (or a size-0 root is not the empty-tree hash)
        ├── NoteError                  a signed note (c2sp.org/signed-note) is not acceptable
        │   ├── MalformedNoteError     the bytes break the note syntax or its limits
        │   ├── MalformedKeyError      a signer or verifier key string is malformed
        │   ├── InvalidSignatureError  a signature by a known key does not verify
        │   └── UnverifiedNoteError    no signature by any known key
        ├── CheckpointError            a checkpoint is not the one wanted (e.g. another log's origin)
        │   └── MalformedCheckpointError   the note text is not a c2sp.org/tlog-checkpoint body
        ├── TileError                  a tile path, tile or entry bundle breaks c2sp.org/tlog-tiles
        ├── EntryError                 an entry is not canonical JSON with a type and version, or too big
        ├── ReceiptError               a receipt is malformed or its parts do not prove what it says
        │   ├── CommitmentError        the salt and committed fields do not give the entry's commitment
        │   └── WitnessQuorumError     too few of the required witnesses cosigned the checkpoint
        └── StoredLogError             the stored log disagrees with itself or with a published checkpoint
"""

from __future__ import annotations

from gongzhi.errors import InvalidInput


class LedgerError(InvalidInput):
    """Base of the ledger's errors: catch this to treat any bad ledger data alike."""


class ProofError(LedgerError):
    """A Merkle inclusion or consistency proof does not prove what it claims."""


class TreeSizeError(ProofError):
    """The tree sizes cannot be right: negative, or the old size above the new size."""


class IndexOutOfRangeError(ProofError):
    """The leaf index is not inside the tree."""


class HashLengthError(ProofError):
    """A hash is not 32 bytes long, so it cannot be a SHA-256 tree hash."""


class ProofLengthError(ProofError):
    """The proof has a different number of hashes than the sizes and index require."""


class RootMismatchError(ProofError):
    """The proof is well formed but leads to another root: the data or the tree differ."""


class NoteError(LedgerError):
    """A signed note cannot be accepted."""


class MalformedNoteError(NoteError):
    """The note is not valid signed-note syntax (or exceeds our limits)."""


class MalformedKeyError(NoteError):
    """A signer (``PRIVATE+KEY+…``) or verifier (``name+hash+key``) key string is malformed."""


class InvalidSignatureError(NoteError):
    """A signature from a known key fails to verify: the whole note is rejected."""


class UnverifiedNoteError(NoteError):
    """No signature from a known key: the note's text must not be trusted."""


class CheckpointError(LedgerError):
    """A signed checkpoint cannot be used: it is malformed or belongs to another log."""


class MalformedCheckpointError(CheckpointError):
    """The note text is not a valid checkpoint body (origin, size, root hash, extension lines)."""


class TileError(LedgerError):
    """A tile path, tile contents or entry bundle is malformed."""


class EntryError(LedgerError):
    """An entry is not canonical JSON (sorted keys, no whitespace, no floats), lacks type/v, or is too big."""


class ReceiptError(LedgerError):
    """A receipt cannot be read, or its entry, proof and checkpoint do not fit together."""


class CommitmentError(ReceiptError):
    """The salt and the committed fields do not hash to the commitment in the entry."""


class WitnessQuorumError(ReceiptError):
    """The checkpoint lacks valid cosignatures from enough of the witnesses the verifier requires."""


class StoredLogError(LedgerError):
    """What the database holds is not one consistent log: an entry, tile or checkpoint was altered or lost."""
