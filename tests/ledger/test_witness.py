"""The witness (c2sp.org/tlog-witness) over real HTTP requests: every answer of the spec, and its state.

The log under witness is Tessera's published test log (its checkpoints after 0 … 15 entries and its
signer key, in tests/fixtures/tlog), so every checkpoint submitted here is one a real log signed.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient

from gongzhi.errors import GongzhiError
from gongzhi.ledger.checkpoint import Checkpoint, CosignatureSigner, CosignatureVerifier, sign_checkpoint
from gongzhi.ledger.errors import MalformedKeyError
from gongzhi.ledger.merkle import MemoryHashes, consistency_proof, tree_root
from gongzhi.ledger.note import Ed25519Signer, generate_key, parse_note, sign_note
from gongzhi.ledger.witness import (
    EMPTY_HEAD,
    MAX_REQUEST_BYTES,
    TreeHead,
    Witness,
    WitnessStore,
    format_add_checkpoint,
    known_logs,
    load_witness_key,
    parse_add_checkpoint,
    parse_known_log,
)
from gongzhi.ledger.witness_http import SIZE_TYPE, create_witness_app
from tests.ledger.test_checkpoint import C2SP, SKYLIGHT_TIME, TESSERA, TESSERA_ENTRIES, TESSERA_ORIGIN, TESSERA_VKEY

WITNESS_SEED = hashlib.sha256(b"skylight test witness key").digest()  # Sunlight's test witness (gen.go)
WITNESS = CosignatureSigner("witness.example.org", WITNESS_SEED, 0)
TREE = MemoryHashes.from_entries(TESSERA_ENTRIES)
TREE_ROOTS = {size: tree_root(TREE, size) for size in range(16)}


def tessera(size: int) -> str:
    """Tessera's published checkpoint after ``size`` entries, signed by the log."""
    return (TESSERA / f"checkpoint.{size}").read_text()


def body(old: int, size: int, *, proof: list[bytes] | None = None, note: str | None = None) -> bytes:
    """An add-checkpoint request from ``old`` to Tessera's checkpoint ``size``, with the right proof by default."""
    return format_add_checkpoint(
        old, consistency_proof(TREE, old, size) if proof is None else proof, tessera(size) if note is None else note
    )


def make_witness(state: Path) -> Witness:
    return Witness(WITNESS, known_logs([TESSERA_VKEY]), WitnessStore(state))


@pytest.fixture
def state(tmp_path: Path) -> Path:
    return tmp_path / "witness.db"


@pytest.fixture
def witness(state: Path) -> Witness:
    return make_witness(state)


@pytest.fixture
def client(witness: Witness) -> TestClient:
    return TestClient(create_witness_app(witness, clock=lambda: SKYLIGHT_TIME))


def held(witness: Witness) -> int:
    return witness.store.latest(TESSERA_ORIGIN).size


# --- the request format ----------------------------------------------------------------------------


def test_the_spec_example_request_parses() -> None:
    request = parse_add_checkpoint(C2SP["witness_add_checkpoint_request_example"].encode())
    assert request.old_size == 20852014
    assert len(request.proof) == 4 and all(len(value) == 32 for value in request.proof)
    assert base64.b64encode(request.proof[0]).decode() == "PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw="
    assert request.origin == "example.com/behind-the-sofa"
    assert (
        format_add_checkpoint(request.old_size, request.proof, request.note).decode()
        == (C2SP["witness_add_checkpoint_request_example"])
    )


# --- the happy path: cosignatures, byte for byte ---------------------------------------------------


def test_a_first_checkpoint_is_cosigned_and_its_head_kept(client: TestClient, witness: Witness) -> None:
    response = client.post("/add-checkpoint", content=body(0, 5))
    assert response.status_code == 200, response.text
    (line,) = response.text.splitlines(keepends=True)
    # Independently of our note code: cosignature/v1 is Ed25519 over header, time line and checkpoint body.
    text = parse_note(tessera(5)).text
    message = f"cosignature/v1\ntime {SKYLIGHT_TIME}\n{text}".encode()
    signature = Ed25519PrivateKey.from_private_bytes(WITNESS_SEED).sign(message)
    key_id = WITNESS.verifier().key_id.to_bytes(4, "big")
    blob = base64.b64encode(key_id + SKYLIGHT_TIME.to_bytes(8, "big") + signature).decode()
    assert line == f"— witness.example.org {blob}\n"
    # … and it verifies with the witness's published verifier key (Sunlight's witness.v0.json).
    published = CosignatureVerifier.from_vkey(
        "witness.example.org+b8a2cf20+BFLN3yikSfFkVAJtrnh/CiY3Zozkoy7clp+P7XB28qUN"
    )
    assert published.verify(text.encode(), parse_note(text + "\n" + line).signatures[0].signature)
    assert witness.store.latest(TESSERA_ORIGIN) == TreeHead(5, TREE_ROOTS[5])


def test_the_log_grows_step_by_step_with_consistency_proofs(client: TestClient, witness: Witness) -> None:
    for old, new in [(0, 1), (1, 2), (2, 7), (7, 8), (8, 15), (15, 15)]:
        response = client.post("/add-checkpoint", content=body(old, new))
        assert response.status_code == 200, (old, new, response.text)
        assert held(witness) == new


def test_old_size_zero_to_size_zero(client: TestClient, witness: Witness) -> None:
    assert client.post("/add-checkpoint", content=body(0, 0)).status_code == 200
    assert witness.store.latest(TESSERA_ORIGIN) == EMPTY_HEAD


# --- 409: stale old size, and forks at the same size -----------------------------------------------


def test_a_stale_old_size_gets_409_with_the_held_size(client: TestClient, witness: Witness) -> None:
    assert client.post("/add-checkpoint", content=body(0, 9)).status_code == 200
    for old in (0, 5, 12):
        response = client.post("/add-checkpoint", content=body(old, 13))
        assert response.status_code == 409
        assert response.headers["content-type"] == SIZE_TYPE
        assert response.text == "9\n"
    assert held(witness) == 9
    assert client.post("/add-checkpoint", content=body(9, 13)).status_code == 200  # the retry the log makes


def test_same_size_with_another_root_is_a_fork(client: TestClient, witness: Witness, tmp_path: Path) -> None:
    assert client.post("/add-checkpoint", content=body(0, 3)).status_code == 200
    forked = sign_checkpoint(
        Checkpoint(TESSERA_ORIGIN, 3, hashlib.sha256(b"another tree").digest()), [_tessera_signer()]
    )
    response = client.post("/add-checkpoint", content=format_add_checkpoint(3, [], forked))
    assert response.status_code == 409 and response.text == "3\n"
    assert witness.store.latest(TESSERA_ORIGIN).root == TREE_ROOTS[3]


def _tessera_signer() -> Ed25519Signer:
    return Ed25519Signer.from_skey(
        "PRIVATE+KEY+example.com/log/testdata+33d7b496+AeymY/SZAX0jZcJ8enZ5FY1Dz+wTML2yWSkK+9DSF3eg"
    )


# --- 422: proofs that do not prove ------------------------------------------------------------------


@pytest.mark.parametrize(
    "proof",
    [
        pytest.param(lambda p: p[:-1], id="truncated"),
        pytest.param(lambda p: [*p, p[0]], id="extended"),
        pytest.param(lambda p: [bytes([p[0][0] ^ 1]) + p[0][1:], *p[1:]], id="bit-flipped"),
        pytest.param(lambda p: list(reversed(p)), id="reordered"),
        pytest.param(lambda p: [], id="empty"),
    ],
)
def test_a_bad_consistency_proof_gets_422_and_changes_nothing(client: TestClient, witness: Witness, proof) -> None:  # type: ignore[no-untyped-def]
    assert client.post("/add-checkpoint", content=body(0, 5)).status_code == 200
    bad = proof(consistency_proof(TREE, 5, 13))
    response = client.post("/add-checkpoint", content=body(5, 13, proof=bad))
    assert response.status_code == 422, response.text
    assert "consistency proof" in response.text
    assert held(witness) == 5


def test_a_proof_from_old_size_zero_must_be_empty(client: TestClient, witness: Witness) -> None:
    response = client.post("/add-checkpoint", content=body(0, 4, proof=[TREE_ROOTS[2]]))
    assert response.status_code == 422
    assert held(witness) == 0


def test_a_checkpoint_of_a_different_tree_is_not_consistent(client: TestClient, witness: Witness) -> None:
    assert client.post("/add-checkpoint", content=body(0, 5)).status_code == 200
    other = MemoryHashes.from_entries([b"x%d" % i for i in range(9)])
    note = sign_checkpoint(Checkpoint(TESSERA_ORIGIN, 9, tree_root(other, 9)), [_tessera_signer()])
    response = client.post("/add-checkpoint", content=format_add_checkpoint(5, consistency_proof(other, 5, 9), note))
    assert response.status_code == 422
    assert held(witness) == 5


# --- 404, 403: who the log is and who signed ---------------------------------------------------------


def test_an_unknown_log_gets_404(client: TestClient) -> None:
    response = client.post("/add-checkpoint", content=C2SP["witness_add_checkpoint_request_example"].encode())
    assert response.status_code == 404
    assert "does not know the log 'example.com/behind-the-sofa'" in response.text


def test_a_checkpoint_signed_by_another_key_gets_403(client: TestClient, witness: Witness) -> None:
    impostor = Ed25519Signer.from_skey(generate_key(TESSERA_ORIGIN, seed=bytes(32))[0])
    note = sign_checkpoint(Checkpoint(TESSERA_ORIGIN, 5, TREE_ROOTS[5]), [impostor])
    response = client.post("/add-checkpoint", content=format_add_checkpoint(0, [], note))
    assert response.status_code == 403 and "not signed by a key this witness trusts" in response.text
    assert held(witness) == 0


def test_an_altered_checkpoint_gets_403(client: TestClient, witness: Witness) -> None:
    note = tessera(5).replace("\n5\n", "\n6\n", 1)
    response = client.post("/add-checkpoint", content=format_add_checkpoint(0, [], note))
    assert response.status_code == 403
    assert held(witness) == 0


# --- 400 and 413: malformed requests ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"old 0\n" + tessera(1).encode().replace(b"\n\n", b"\n"), "no blank line"),
        (b"old 05\n\n" + tessera(5).encode(), "without leading zeroes"),
        (b"old -1\n\n" + tessera(5).encode(), "must be 'old <size>'"),
        (b"old 18446744073709551616\n\n" + tessera(5).encode(), "must be 'old <size>'"),
        (b"new 0\n\n" + tessera(5).encode(), "must be 'old <size>'"),
        (b"old 0\nnot base64!\n\n" + tessera(5).encode(), "proof line 1"),
        (b"old 0\nAAAA\n\n" + tessera(5).encode(), "holds 3 bytes"),
        (b"old 0\n" + b"".join([base64.b64encode(bytes(32)) + b"\n"] * 64) + b"\n" + tessera(5).encode(), "64 proof"),
        (b"old 0\n\n" + tessera(5).encode().replace(b"\n\n", b"\n"), "malformed"),
        (b"old \xff\n\n" + tessera(5).encode(), "ASCII"),
        (b"old 9\n\n" + tessera(5).encode(), "larger than the checkpoint's size 5"),
        (b"old 0\n\n", "no checkpoint after its blank line"),
    ],
)
def test_malformed_requests_get_400_with_a_reason(
    client: TestClient, witness: Witness, raw: bytes, message: str
) -> None:
    response = client.post("/add-checkpoint", content=raw)
    assert response.status_code == 400, response.text
    assert message in response.text
    assert held(witness) == 0


def test_sizes_beyond_uint64_are_refused(client: TestClient) -> None:
    text = f"{TESSERA_ORIGIN}\n{2**64}\n{base64.b64encode(TREE_ROOTS[5]).decode()}\n"
    note = sign_note(text, [_tessera_signer()])
    response = client.post("/add-checkpoint", content=format_add_checkpoint(0, [], note))
    assert response.status_code == 400 and "outside 0 to 2^64 - 1" in response.text


def test_oversized_bodies_get_413_before_being_read_whole(client: TestClient, witness: Witness) -> None:
    huge = body(0, 5) + b"x" * MAX_REQUEST_BYTES
    assert client.post("/add-checkpoint", content=huge).status_code == 413

    def chunks():  # type: ignore[no-untyped-def]  # no Content-Length: the limit applies while streaming
        yield body(0, 5)
        for _ in range(MAX_REQUEST_BYTES // 1024 + 1):
            yield b"y" * 1024

    response = client.post("/add-checkpoint", content=chunks())
    assert response.status_code == 413 and "more than an add-checkpoint request needs" in response.text
    assert held(witness) == 0


def test_only_post_is_allowed(client: TestClient) -> None:
    assert client.get("/add-checkpoint").status_code == 405


# --- state: durable, atomic, serialised ------------------------------------------------------------


def test_a_restarted_witness_remembers_what_it_cosigned(state: Path) -> None:
    first = TestClient(create_witness_app(make_witness(state)))
    assert first.post("/add-checkpoint", content=body(0, 11)).status_code == 200
    again = TestClient(create_witness_app(make_witness(state)))  # a new process, the same file
    response = again.post("/add-checkpoint", content=body(0, 12))
    assert (response.status_code, response.text) == (409, "11\n")
    assert again.post("/add-checkpoint", content=body(11, 12)).status_code == 200


def test_racing_submissions_never_roll_the_witness_back(witness: Witness) -> None:
    """All from old size 0 at once: exactly one wins, the others learn its size; no rollback."""
    from concurrent.futures import ThreadPoolExecutor

    def submit(size: int) -> int | str:
        try:
            witness.add_checkpoint(body(0, size), now=SKYLIGHT_TIME)
        except GongzhiError as exc:
            return exc.status_code
        return "cosigned"

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(submit, range(3, 15)))
    assert outcomes.count("cosigned") == 1
    assert set(outcomes) == {"cosigned", 409}
    assert held(witness) == range(3, 15)[outcomes.index("cosigned")]


def test_a_racing_stale_write_cannot_overwrite_a_newer_head(witness: Witness) -> None:
    """The spec's rollback race: B's newer head is stored while A waits; A must then fail, not store."""
    import threading

    from gongzhi.ledger import witness as module

    witness.add_checkpoint(body(0, 4), now=SKYLIGHT_TIME)
    checked = threading.Event()
    proceed = threading.Event()
    original = module.check_advance
    results: dict[str, object] = {}

    def slow_check(held_head, request, new):  # type: ignore[no-untyped-def]
        if new.size == 6:
            checked.set()
            proceed.wait(5)
        return original(held_head, request, new)

    module.check_advance = slow_check
    try:

        def run(name: str, size: int) -> None:
            try:
                results[name] = witness.add_checkpoint(body(4, size), now=SKYLIGHT_TIME)
            except GongzhiError as exc:
                results[name] = exc.status_code

        a = threading.Thread(target=run, args=("A", 6))
        a.start()
        checked.wait(5)
        b = threading.Thread(target=run, args=("B", 10))  # queues behind A's transaction
        b.start()
        proceed.set()
        a.join(5)
        b.join(5)
    finally:
        module.check_advance = original
    assert isinstance(results["A"], str)  # A held the lock and won
    assert results["B"] == 409  # B was checked against A's stored head, not the stale one
    assert held(witness) == 6


def test_the_status_page_names_the_witness_and_what_it_holds(client: TestClient) -> None:
    client.post("/add-checkpoint", content=body(0, 7))
    page = client.get("/").text
    assert "witness witness.example.org" in page and WITNESS.verifier().vkey() in page
    assert f"{TESSERA_ORIGIN} 7" in page


# --- keys and configuration ------------------------------------------------------------------------


def test_known_logs_from_options() -> None:
    assert parse_known_log(TESSERA_VKEY)[0] == TESSERA_ORIGIN
    assert parse_known_log(f"other.example/log={TESSERA_VKEY}")[0] == "other.example/log"
    logs = known_logs([TESSERA_VKEY, f"{TESSERA_ORIGIN}={generate_key(TESSERA_ORIGIN)[1]}"])
    assert list(logs) == [TESSERA_ORIGIN] and len(logs[TESSERA_ORIGIN]) == 2
    with pytest.raises(MalformedKeyError):
        parse_known_log("example.com/log=not-a-key")


def test_the_witness_key_must_be_a_cosignature_key() -> None:
    skey = WITNESS.skey()
    assert load_witness_key(skey + "\n").verifier() == WITNESS.verifier()
    with pytest.raises(MalformedKeyError, match="witness key: .*type 0x01, expected 0x04"):
        load_witness_key(generate_key("w.example")[0])


def test_the_largest_tree_size_is_kept_exactly(client: TestClient, witness: Witness, state: Path) -> None:
    top = 2**64 - 1  # SQLite integers stop at 2^63 - 1; the state keeps sizes as text
    note = sign_checkpoint(Checkpoint(TESSERA_ORIGIN, top, TREE_ROOTS[5]), [_tessera_signer()])
    assert client.post("/add-checkpoint", content=format_add_checkpoint(0, [], note)).status_code == 200
    assert WitnessStore(state).latest(TESSERA_ORIGIN) == TreeHead(top, TREE_ROOTS[5])
