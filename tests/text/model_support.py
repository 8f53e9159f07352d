"""Tiny trained models for the test world (tests.factories): trained once per session, registered per test.

Labels are the world's category codes at the level its routing rules name: A01 (供水, routed to the
water bureau), A0201 (占道经营, routed to the street office) and A0202 (其他市容, no rule).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from gongzhi.db import Database
from gongzhi.text import registry
from gongzhi.text.data import LabelledMessages
from gongzhi.text.models import Purpose
from gongzhi.text.training import fit_and_save

WATER, STALLS, TOWNSCAPE = "A01", "A0201", "A0202"

CATEGORY_MESSAGES: list[tuple[str, str, str]] = [
    ("自来水发黄", "小区自来水发黄有异味，水质很差，不敢饮用，请水务部门检测。", WATER),
    ("水压太低", "我家住六楼，自来水水压太低，洗澡都没有水，请供水公司处理。", WATER),
    ("水管爆裂", "小区门口供水管道爆裂，自来水流了一地，浪费严重。", WATER),
    ("水费太贵", "这个月的水费比上个月多了一倍，自来水公司抄表有误。", WATER),
    ("水龙头出水浑浊", "早上打开水龙头，自来水浑浊有沉淀，请检查供水水质。", WATER),
    ("二次供水水箱", "楼顶二次供水水箱多年不清洗，自来水有霉味。", WATER),
    ("供水管网老化", "老城区供水管网老化，经常漏水，自来水供应不稳定。", WATER),
    ("自来水有漂白粉味", "最近自来水漂白粉味道很重，供水水质是否达标？", WATER),
    ("路边摆摊占道", "菜市场门口小贩摆摊占道经营，行人无法通行。", STALLS),
    ("夜市占用人行道", "夜市摊贩占用人行道摆摊，油烟大，占道经营严重。", STALLS),
    ("水果摊占道", "学校门口水果摊占道经营，上下学时非常拥挤。", STALLS),
    ("流动摊贩", "地铁站出口流动摊贩占道摆卖，城管一走又回来。", STALLS),
    ("商铺出店经营", "沿街商铺把货物摆到人行道上出店经营，占道严重。", STALLS),
    ("早餐摊占道", "早餐摊占用人行道和盲道经营，行人只能走机动车道。", STALLS),
    ("小吃摊占道经营", "小吃摊晚上占道经营到凌晨，垃圾满地。", STALLS),
    ("路口摆摊", "十字路口有人摆摊卖菜占道经营，影响交通。", STALLS),
    ("广告牌破损", "街道两边广告牌破损严重，影响市容市貌。", TOWNSCAPE),
    ("墙面乱涂乱画", "小区外墙被乱涂乱画小广告，市容很差。", TOWNSCAPE),
    ("垃圾桶满了", "路边垃圾桶满了没人清理，臭味熏天，影响市容。", TOWNSCAPE),
    ("乱贴小广告", "电线杆和墙上贴满了小广告，严重影响城市形象。", TOWNSCAPE),
    ("招牌不规范", "商业街招牌五花八门不规范，破坏街道市容。", TOWNSCAPE),
    ("建筑垃圾乱堆", "路边乱堆建筑垃圾，市容环境脏乱差。", TOWNSCAPE),
    ("晾晒衣物", "临街阳台晾晒衣物影响市容，请管理。", TOWNSCAPE),
    ("绿化带垃圾", "绿化带里全是垃圾和烟头，市容市貌很差。", TOWNSCAPE),
]


def category_messages() -> LabelledMessages:
    return LabelledMessages(
        [m[0] for m in CATEGORY_MESSAGES], [m[1] for m in CATEGORY_MESSAGES], [m[2] for m in CATEGORY_MESSAGES]
    )


def train_dir(messages: LabelledMessages, out: Path, now: datetime) -> Path:
    """Train without cross-validation (tests want seconds) and save to ``out``."""
    fit_and_save(messages, out=out, created_at=now, folds=0)
    return out


def install(db: Database, path: Path, *, purpose: Purpose, now: datetime, activate: bool = True) -> int:
    """Register the model directory ``path`` as a version; returns its number."""
    with db.transaction() as session:
        row = registry.register(
            session, purpose=purpose, path=path, created_at=now, metrics={}, source="tests", activate_it=activate
        )
        return row.id
