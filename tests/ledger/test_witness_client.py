"""The log's witness client against a real witness: retries on 409, refusals, concurrent submissions over HTTP."""

from __future__ import annotations

import socket
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from gongzhi.errors import GongzhiError
from gongzhi.ledger.merkle import consistency_proof
from gongzhi.ledger.witness import Witness, WitnessStore, known_logs
from gongzhi.ledger.witness_client import (
    WitnessEndpoint,
    WitnessRefused,
    http_post,
    parse_witness_list,
    request_cosignature,
)
from gongzhi.ledger.witness_http import create_witness_app, serve_in_background
from tests.ledger.test_checkpoint import TESSERA_ORIGIN, TESSERA_VKEY
from tests.ledger.test_cosign import asgi_transport
from tests.ledger.test_witness import TREE, WITNESS, body, tessera

ENDPOINT = WitnessEndpoint("http://w.test", WITNESS.verifier())


@pytest.fixture
def witness(tmp_path: Path) -> Witness:
    return Witness(WITNESS, known_logs([TESSERA_VKEY]), WitnessStore(tmp_path / "w.db"))


def ask(witness: Witness, size: int, *, believed: int, endpoint: WitnessEndpoint = ENDPOINT):  # type: ignore[no-untyped-def]
    return request_cosignature(
        endpoint,
        tessera(size),
        size=size,
        old_size=believed,
        proof_from=lambda old: consistency_proof(TREE, old, size),
        transport=asgi_transport({"w.test": create_witness_app(witness)}),
    )


def test_a_cosignature_is_returned_verified(witness: Witness) -> None:
    cosigned = ask(witness, 6, believed=0)
    assert cosigned.size == 6 and cosigned.signature.name == WITNESS.name
    assert WITNESS.verifier().verify(tessera(6).split("\n\n")[0].encode() + b"\n", cosigned.signature.signature)


def test_a_409_is_followed_by_one_retry_from_the_size_the_witness_holds(witness: Witness) -> None:
    ask(witness, 6, believed=0)
    assert ask(witness, 10, believed=2).size == 10  # the log believed 2; the witness said 6; proof 6 → 10 worked
    assert witness.store.latest(TESSERA_ORIGIN).size == 10


def test_a_witness_ahead_of_the_checkpoint_is_refused_with_the_reason(witness: Witness) -> None:
    ask(witness, 12, believed=0)
    with pytest.raises(WitnessRefused, match="holds size 12, beyond this checkpoint's 7") as caught:
        ask(witness, 7, believed=0)
    assert caught.value.known_size == 12


def test_refusals_carry_the_witness_message(witness: Witness) -> None:
    ask(witness, 4, believed=0)

    def bad_proof(old: int) -> list[bytes]:
        return consistency_proof(TREE, old, 9)[:-1]

    with pytest.raises(WitnessRefused, match="answered 422: consistency proof does not verify"):
        request_cosignature(
            ENDPOINT,
            tessera(9),
            size=9,
            old_size=4,
            proof_from=bad_proof,
            transport=asgi_transport({"w.test": create_witness_app(witness)}),
        )


def test_an_unreachable_witness_is_a_refusal_not_a_crash() -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(WitnessRefused, match="cannot reach witness"):
        http_post(f"http://127.0.0.1:{port}/add-checkpoint", b"old 0\n\n", 2)


def test_concurrent_submissions_over_http_are_serialised(witness: Witness) -> None:
    server = serve_in_background(create_witness_app(witness))
    try:
        with ThreadPoolExecutor(max_workers=6) as pool:
            answers = list(
                pool.map(lambda size: http_post(server.url + "/add-checkpoint", body(0, size), 10), range(4, 16))
            )
    finally:
        server.stop()
    statuses = [answer.status for answer in answers]
    assert statuses.count(200) == 1 and set(statuses) == {200, 409}
    winner = range(4, 16)[statuses.index(200)]
    assert witness.store.latest(TESSERA_ORIGIN).size == winner
    assert {answer.body for answer in answers if answer.status == 409} == {f"{winner}\n".encode()}
    assert all(answer.content_type == "text/x.tlog.size" for answer in answers if answer.status == 409)


def test_the_witness_list_setting() -> None:
    vkey = WITNESS.verifier().vkey()
    (endpoint,) = parse_witness_list(f" http://127.0.0.1:7381/w={vkey} ")
    assert (endpoint.submit_url, endpoint.vkey) == ("http://127.0.0.1:7381/w/add-checkpoint", vkey)
    assert len(parse_witness_list(f"http://a.example={vkey},\nhttps://b.example/x={_other()}")) == 2
    assert parse_witness_list("") == []
    with pytest.raises(GongzhiError, match="is not URL=VKEY"):
        parse_witness_list(vkey)
    with pytest.raises(GongzhiError, match="same key name"):
        parse_witness_list(f"http://a.example={vkey},http://b.example={vkey}")
    with pytest.raises(GongzhiError, match="type 0x01, expected 0x04"):
        parse_witness_list(f"http://a.example={TESSERA_VKEY}")


def _other() -> str:
    from gongzhi.ledger.checkpoint import generate_cosigner_key

    return generate_cosigner_key("b.witness.example", seed=bytes(32))[1]
