"""The log's side of c2sp.org/tlog-witness: submit a checkpoint to one witness, get its cosignature.

``request_cosignature`` sends ``add-checkpoint`` with a consistency proof from the size the log
believes the witness holds. A 409 answer names the size the witness really holds; the client then
asks for a proof from that size and tries once more (a witness that restarted from a backup, or a
log whose record of the witness was lost, both end up here). The answer's signature lines are
checked against the witness's verifier key: lines by other keys are ignored, as the spec says, and
a 200 without a valid cosignature by the expected key is a failure.

HTTP goes through a ``Transport`` (URL, body, timeout → status, content type, body): ``http_post``
uses the standard library; tests hand in one that calls an ASGI app directly.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from gongzhi.errors import GongzhiError
from gongzhi.ledger.checkpoint import CosignatureVerifier, cosignature_timestamp
from gongzhi.ledger.errors import MalformedKeyError
from gongzhi.ledger.note import Signature, parse_note
from gongzhi.ledger.witness import format_add_checkpoint

MAX_ANSWER_BYTES = 64 * 1024
_SIZE = re.compile(rb"(0|[1-9][0-9]{0,19})\n?")
_ENTRY = re.compile(r"(?P<url>https?://\S+?)=(?P<vkey>[^\s=+]+\+[0-9a-fA-F]{8}\+[A-Za-z0-9+/]+=*)")


class HttpAnswer(NamedTuple):
    status: int
    content_type: str
    body: bytes


Transport = Callable[[str, bytes, float], HttpAnswer]
ProofSource = Callable[[int], Sequence[bytes]]  # consistency proof from an old size to the checkpoint's


@dataclass(frozen=True)
class WitnessEndpoint:
    """A witness as the log knows it: where to submit, and the key its cosignatures must verify with."""

    url: str
    verifier: CosignatureVerifier

    @property
    def name(self) -> str:
        return self.verifier.name

    @property
    def vkey(self) -> str:
        return self.verifier.vkey()

    @property
    def submit_url(self) -> str:
        return self.url.rstrip("/") + "/add-checkpoint"


@dataclass(frozen=True)
class Cosigned:
    """A witness cosigned: its signature line, and the size it now holds."""

    signature: Signature
    size: int

    @property
    def timestamp(self) -> int:
        return cosignature_timestamp(self.signature)


class WitnessRefused(GongzhiError):
    """The witness did not cosign; ``known_size`` is the size it holds when it said so (409)."""

    def __init__(self, message: str, *, known_size: int | None = None) -> None:
        super().__init__(message)
        self.known_size = known_size


def parse_witness_list(text: str) -> list[WitnessEndpoint]:
    """Read ``URL=VKEY`` entries separated by commas or white space (``GONGZHI_LEDGER_WITNESSES``)."""
    endpoints = []
    for item in re.split(r"[,\s]+", text.strip()):
        if not item:
            continue
        match = _ENTRY.fullmatch(item)
        if match is None:
            raise MalformedKeyError(
                f"witness entry {item[:80]!r} is not URL=VKEY, like http://127.0.0.1:8001=witness.example+1a2b3c4d+BF…"
            )
        endpoints.append(WitnessEndpoint(match["url"], CosignatureVerifier.from_vkey(match["vkey"])))
    names = [endpoint.name for endpoint in endpoints]
    if len(set(names)) != len(names):
        raise MalformedKeyError("two witness entries have the same key name; each witness needs its own name")
    return endpoints


def request_cosignature(
    endpoint: WitnessEndpoint,
    note: str,
    *,
    size: int,
    old_size: int,
    proof_from: ProofSource,
    transport: Transport,
    timeout: float = 10.0,
) -> Cosigned:
    """Submit the checkpoint ``note`` (of ``size`` entries), retrying once with the size a 409 names."""
    try:
        return Cosigned(_submit(endpoint, note, old_size, proof_from, transport, timeout), size)
    except WitnessRefused as exc:
        known = exc.known_size
        if known is None or known == old_size:
            raise
        if known > size:
            raise WitnessRefused(
                f"witness {endpoint.name} holds size {known}, beyond this checkpoint's {size}: it saw a larger tree "
                "of this log (the log was reset, or a newer checkpoint reached it first)",
                known_size=known,
            ) from exc
        return Cosigned(_submit(endpoint, note, known, proof_from, transport, timeout), size)


def _submit(
    endpoint: WitnessEndpoint, note: str, old_size: int, proof_from: ProofSource, transport: Transport, timeout: float
) -> Signature:
    body = format_add_checkpoint(old_size, proof_from(old_size), note)
    answer = transport(endpoint.submit_url, body, timeout)
    if answer.status == 200:
        return _cosignature(endpoint, note, answer.body)
    message = answer.body[:300].decode("utf-8", "replace").strip()
    if answer.status == 409:
        match = _SIZE.fullmatch(answer.body)
        known = int(match.group(1)) if match else None
        raise WitnessRefused(
            f"witness {endpoint.name} answered 409: it holds size {known if known is not None else '?'}, "
            f"not {old_size}",
            known_size=known,
        )
    raise WitnessRefused(f"witness {endpoint.name} answered {answer.status}: {message or '(no message)'}")


def _cosignature(endpoint: WitnessEndpoint, note: str, body: bytes) -> Signature:
    """The one valid cosignature by the endpoint's key among the answer's signature lines."""
    text = parse_note(note).text
    try:
        lines = parse_note(text + "\n" + body.decode()).signatures
    except (GongzhiError, UnicodeDecodeError) as exc:
        raise WitnessRefused(f"witness {endpoint.name} answered 200 without valid signature lines: {exc}") from exc
    verifier = endpoint.verifier
    for sig in lines:
        if (sig.name, sig.key_id) == (verifier.name, verifier.key_id) and verifier.verify(text.encode(), sig.signature):
            return sig
    raise WitnessRefused(
        f"witness {endpoint.name} answered 200, but no line is a valid cosignature by {endpoint.vkey}: "
        "check the witness's verifier key in GONGZHI_LEDGER_WITNESSES"
    )


def http_post(url: str, body: bytes, timeout: float) -> HttpAnswer:
    """POST with the standard library; network failures become ``WitnessRefused`` with the reason."""
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "text/plain"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - URLs come from settings
            return HttpAnswer(
                response.status, response.headers.get("Content-Type", ""), response.read(MAX_ANSWER_BYTES)
            )
    except urllib.error.HTTPError as exc:
        with exc:
            return HttpAnswer(exc.code, exc.headers.get("Content-Type", ""), exc.read(MAX_ANSWER_BYTES))
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise WitnessRefused(f"cannot reach witness at {url}: {reason}") from exc
