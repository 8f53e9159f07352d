"""The log's public status: the newest checkpoint and each configured witness's standing, on /verify."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from gongzhi import worker
from gongzhi.config import Settings
from gongzhi.ledger import cosign
from gongzhi.ledger.status import log_status
from gongzhi.ledger.witness import Witness, WitnessStore, known_logs
from gongzhi.ledger.witness_http import create_witness_app
from tests.cases.steps import Desk
from tests.ledger.conftest import VKEY
from tests.ledger.test_cosign import KEY_1, KEY_2, asgi_transport, create_app_for, with_witnesses
from tests.web.pages_support import HTML


def test_the_status_names_each_witness_its_size_error_and_next_retry(
    desk: Desk, settings: Settings, tmp_path: Path
) -> None:
    good = Witness(KEY_1, known_logs([VKEY]), WitnessStore(tmp_path / "good.db"))
    wrong_key = Witness(KEY_1, known_logs([VKEY]), WitnessStore(tmp_path / "bad.db"))  # signs as KEY_1, not KEY_2
    transport = asgi_transport({"good.test": create_witness_app(good), "bad.test": create_witness_app(wrong_key)})
    cosigning = with_witnesses(
        settings, f"http://good.test={KEY_1.verifier().vkey()}", f"http://bad.test={KEY_2.verifier().vkey()}"
    )
    with desk.db.reading() as session:
        before = log_status(session, cosigning)
    assert (before.checkpoint_size, before.cosigned, before.quorum_met) == (None, 0, False)
    assert [(w.name, w.size, w.last_error) for w in before.witnesses] == [
        (KEY_1.name, None, None),
        (KEY_2.name, None, None),
    ]

    desk.submit(category="A0101")
    worker.run_ledger(desk.db, settings, now=desk.clock.now)  # publish; these witnesses answer in-process only
    report = cosign.collect(desk.db, cosigning, now=desk.clock.now, transport=transport)
    assert report.cosigned == [KEY_1.name] and KEY_2.name in report.failed
    with desk.db.reading() as session:
        status = log_status(session, cosigning)
    assert status.checkpoint_size == report.size and status.checkpoint_at == desk.clock.now
    assert (status.cosigned, status.quorum, status.quorum_met) == (1, 2, False)
    first, second = status.witnesses
    assert (first.size, first.cosigned_latest, first.last_error, first.next_attempt_at) == (
        report.size,
        True,
        None,
        None,
    )
    assert second.size == 0 and not second.cosigned_latest and second.failures == 1
    assert "no line is a valid cosignature" in (second.last_error or "")
    assert second.next_attempt_at is not None and second.next_attempt_at > desk.clock.now

    client = TestClient(create_app_for(desk, cosigning))
    client.cookies.set("gz_lang", "en")
    page = client.get("/verify", headers=HTML)
    assert page.status_code == 200
    section = page.text[page.text.index('id="ledger-status"') :]
    assert f'data-checkpoint-size="{report.size}"' in section
    assert "1 of 2 witnesses cosigned the latest checkpoint; 2 required." in section
    good_row = section[section.index(f'data-witness="{KEY_1.name}"') :].split("</tr>")[0]
    bad_row = section[section.index(f'data-witness="{KEY_2.name}"') :].split("</tr>")[0]
    assert KEY_1.verifier().vkey() in good_row and f"<td>{report.size}" in good_row and ">cosigned<" in good_row
    assert "not cosigned" in bad_row and "no line is a valid cosignature" in bad_row
    assert second.next_attempt_at.isoformat() in bad_row  # the next retry
    client.cookies.set("gz_lang", "zh_CN")
    chinese = client.get("/verify", headers=HTML)
    assert "账本状态" in chinese.text and "未联署" in chinese.text


def test_without_witnesses_or_checkpoint_the_status_says_so(client: TestClient) -> None:
    client.cookies.set("gz_lang", "en")
    page = client.get("/verify", headers=HTML)
    assert page.status_code == 200
    assert "No checkpoint has been signed yet." in page.text
    assert "No witnesses are configured" in page.text
