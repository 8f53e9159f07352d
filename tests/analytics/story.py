"""A small history with every outcome the facts count, and its figures computed by hand.

Monday 2 March 2026, 09:00 Shanghai (the test clock's start): four messages arrive.
Water cases go to the water bureau by routing rule as they arrive; the others wait for a dispatcher.
- A: 停水 (an outage: respond in 2 h), help, in 柳岸社区 (street 湖畔街道) → water accepts at 10:00,
  replies at 13:00 (4 h); Tuesday the citizen is satisfied, solved → closed.
- B: 其他市容, complaint, 柳岸社区 → urban returns it at 10:00; at 11:00 the street office gets it and
  accepts; it replies Tuesday 09:00 (22 h); Tuesday 15:00 the citizen is unsatisfied → reopened.
- C: no category, consultation, in 石巷街道 → never dispatched.
- D: 爆管 (an emergency: respond in 2 h, resolve in 24 h), report, 柳岸社区 → water accepts at 10:00,
  replies Tuesday 15:00 (30 h, late); basically satisfied, solved → closed.
"""

from __future__ import annotations

from dataclasses import dataclass

from gongzhi.cases.models import Satisfaction
from tests.cases.steps import Desk, urgent_category


@dataclass
class History:
    codes: dict[str, str]
    desk: Desk


def play(desk: Desk) -> History:
    burst = urgent_category(desk)
    a, sa = desk.submit(type="help", category="A0101")
    b, sb = desk.submit(type="complaint", category="A0202", title="湖畔路占道经营")
    c, _ = desk.submit(type="consultation", category=None, region="cn-sx", title="自来水发黄")
    d, sd = desk.submit(type="report", category=burst, title="湖畔路爆管")
    desk.dispatch(b, "urban")
    desk.clock.advance(hours=1)  # Mon 10:00
    desk.accept(a, by="handler_water")
    desk.return_(b, by="handler_urban")
    desk.accept(d, by="handler_water")
    desk.clock.advance(hours=1)  # Mon 11:00
    desk.dispatch(b, "st-hp")
    desk.accept(b, by="handler_street")
    desk.clock.advance(hours=2)  # Mon 13:00
    desk.reply(a, by="handler_water")
    desk.clock.advance(hours=20)  # Tue 09:00
    desk.reply(b, by="handler_street")
    desk.rate(a, sa, Satisfaction.SATISFIED, solved=True)
    desk.clock.advance(hours=6)  # Tue 15:00
    desk.reply(d, by="handler_water")
    desk.rate(b, sb, Satisfaction.UNSATISFIED, solved=False)
    desk.rate(d, sd, Satisfaction.BASIC, solved=True)
    return History(codes={"A": a, "B": b, "C": c, "D": d}, desk=desk)
