"""What follows a message: the department's reply, the citizen's rating comment, a return (退单) reason
and an extension reason, in the style of Chinese government hotline work. All take the caller's
``random.Random`` so a seeded simulation stays deterministic.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from gongzhi.demo import templates_reply as t
from gongzhi.demo.jurisdiction import CITY_NAME, category, department, region
from gongzhi.demo.timing import LOCAL

if TYPE_CHECKING:
    from gongzhi.demo.messages import DemoMessage

OUTCOMES = ("solved", "explained", "refused")
SATISFACTION_LEVELS = ("satisfied", "basically_satisfied", "unsatisfied")

_WE = (
    ("委员会", "我委"), ("督查室", "我室"), ("办公室", "我办"), ("街道办事处", "我街道"), ("镇人民政府", "我镇"),
    ("乡人民政府", "我乡"), ("区人民政府", "我区"), ("县人民政府", "我县"), ("中心", "我中心"),
    ("支队", "我支队"), ("联合会", "我会"), ("公司", "我公司"), ("局", "我局"),
)  # fmt: skip

_PARTNERS = ("属地街道（乡镇）", "社区（村）工作人员", "相关职能部门")
_OPENINGS = (
    "网友您好！您反映的{place}{subject}问题收悉。",
    "市民朋友：您好！您于{d0}反映的“{title}”一事已收悉，{we}高度重视，现将办理情况答复如下：",
    "您好！您反映的关于{subject}的诉求已收悉，现答复如下：",
    "尊敬的市民：您好！您通过12345热线反映的{place}{subject}问题，{we}已收悉。",
)
_INVESTIGATIONS = (
    "接件后，{we}立即安排工作人员于{d1}到现场进行了核查。",
    "{we}接到工单后高度重视，第一时间与您电话联系了解具体情况，并于{d1}会同{partner}到现场实地查看。",
    "收到诉求后，{we}随即组织相关科室工作人员调查核实。",
    "{we}于{d1}会同{partner}对您反映的情况进行了调查核实。",
)
_FINDINGS = {
    "solved": ("经调查核实，您反映的情况属实。{action}。{result}", "经核实，情况基本属实。{action}。{result}"),
    "explained": ("经核实，{explain}。", "经调查了解，{explain}。"),
    "refused": (
        "经核实，您反映的情况基本属实，但{refusal}，敬请理解。",
        "经研究，{refusal}。对此给您带来的不便，我们深表歉意。",
    ),
}
_RESULTS = (
    "目前该问题已整改到位。",
    "截至{d2}，相关问题已处理完毕，工作人员已电话告知您处理结果。",
    "经回访，现场情况已明显改善。",
)
_NEXT = ("下一步，{we}将{next}。", "今后，我们将{next}。")
_CONTACT = ("如有疑问，可拨打12345热线或与{we}联系。", "如您还有其他问题，欢迎继续通过12345平台反映。", "")
_THANKS = (
    "感谢您对我们工作的关心和支持！",
    "感谢您对{city}各项工作的关心、监督与支持！",
    "再次感谢您的理解与支持。",
    "感谢您的监督！",
)
_CONSULT_OPENINGS = ("网友您好！您咨询的{subject}问题收悉，现答复如下：", "您好！关于您咨询的“{subject}”，答复如下：")
_SUGGESTION_REPLIES = (
    "您的建议很有价值，{we}已将其纳入下一步工作统筹研究。",
    "经研究，您的建议具有较强的可操作性，{we}将结合实际逐步推进。",
    "目前受资金和场地条件限制，该建议暂不具备全面实施的条件，{we}将在今后的工作中统筹考虑。",
)
_PRAISE_REPLIES = (
    "感谢您对{we}工作的肯定和鼓励！为群众排忧解难是我们应尽的职责，我们将再接再厉，不断提升服务水平。",
    "感谢您的表扬！您的肯定是对我们工作的最大鼓励，我们已将您的表扬转达给相关工作人员。今后我们将继续努力，为群众提供更好的服务。",
)


def we_of(department_name: str) -> str:
    """How a department names itself in a reply: 我局, 我委, 我中心, 我街道 …"""
    return next((we for suffix, we in _WE if department_name.endswith(suffix)), "我单位")


def _day(at: datetime) -> str:
    local = at.astimezone(LOCAL)
    return f"{local.year}年{local.month}月{local.day}日"


def generate_reply(
    message: DemoMessage,
    department_name: str,
    rng: random.Random,
    *,
    outcome: str | None = None,
    replied_at: datetime | None = None,
) -> str:
    """A department's formal reply to a message; ``outcome`` is "solved", "explained" or "refused"
    (drawn when not given; consultations are always answered, praise and suggestions thanked).
    With ``replied_at`` the reply ends with the department's name and the date, as published replies do.
    """
    if outcome is not None and outcome not in OUTCOMES:
        raise ValueError(f"outcome {outcome!r} is not one of {', '.join(OUTCOMES)}")
    t0 = message.submitted_at
    s = {
        "we": we_of(department_name),
        "city": CITY_NAME,
        "place": message.place,
        "subject": message.subject,
        "title": message.title,
        "partner": rng.choice(_PARTNERS + (f"{region(message.street).name}工作人员",)),
        "d0": _day(t0),
        "d1": _day(t0 + timedelta(days=rng.randint(0, 2))),
        "d2": _day(t0 + timedelta(days=rng.randint(1, 3))),
    }
    letter = message.category[0]
    if message.type == "praise":
        parts = [rng.choice(("网友您好！", "您好！", "")), rng.choice(_PRAISE_REPLIES)]
    elif message.type == "suggestion":
        parts = ["网友您好！您提出的关于{subject}的建议收悉。", rng.choice(_SUGGESTION_REPLIES), rng.choice(_THANKS)]
    elif message.type == "consultation":
        pool = t.answers_for(message.category)
        answers = rng.sample(pool, rng.randint(1, 2))
        parts = [rng.choice(_CONSULT_OPENINGS), "；".join(answers) + "。", rng.choice(_CONTACT), rng.choice(_THANKS)]
    else:
        parts = _handling(rng, letter, outcome or rng.choices(OUTCOMES, weights=(6, 2.5, 1.5))[0], s)
    text = "".join(parts).format_map(s)
    if replied_at is not None:
        text += f"\n{department_name}\n{_day(replied_at)}"
    return text


def _handling(rng: random.Random, letter: str, outcome: str, s: dict[str, str]) -> list[str]:
    s.update(
        action=rng.choice(t.ACTIONS[letter]).format_map(s),
        result=rng.choice(_RESULTS).format_map(s),
        explain=rng.choice(t.EXPLAINS[letter]).format_map(s),
        refusal=rng.choice(t.REFUSALS[letter]).format_map(s),
        next=rng.choice(t.NEXT_STEPS[letter]).format_map(s),
    )
    return [
        rng.choice(_OPENINGS),
        rng.choice(_INVESTIGATIONS),
        rng.choice(_FINDINGS[outcome]),
        rng.choice(_NEXT),
        rng.choice(_CONTACT),
        rng.choice(_THANKS),
    ]


# ---- rating comments (回访) ---------------------------------------------------------------------

_COMMENTS = {
    "satisfied": (
        "问题已经解决，非常满意！",
        "处理及时，态度很好，点赞。",
        "工作人员很负责，谢谢！",
        "效率很高，第二天就处理好了。",
        "满意，感谢政府。",
        "回复详细，问题解决了。",
        "没想到这么快就有结果，感谢！",
        "办得很好，给工作人员点赞。",
    ),
    "basically_satisfied": (
        "问题基本解决了，但是拖的时间有点长。",
        "处理了，不过还需要持续关注。",
        "态度还可以，效果一般。",
        "暂时解决了，担心以后还会反复。",
        "回复了，但有些问题没说清楚。",
        "比之前好一些，希望能彻底解决。",
    ),
    "unsatisfied": (
        "问题根本没有解决，回复和实际情况不符。",
        "只是打了个电话，根本没人来现场。",
        "回复全是套话，没有实质内容。",
        "说是已经整改了，现在还是老样子。",
        "互相推诿，还是没人管。",
        "答复说不归他们管，那到底归谁管？",
        "拖了这么久才回复，问题还是没解决。",
    ),
}
_COMMENT_TAILS = {
    "satisfied": ("", "", "希望继续保持。", "谢谢12345！"),
    "basically_satisfied": ("", "", "希望后续能跟进。", "还请多上心。"),
    "unsatisfied": ("", "", "要求重新办理。", "希望领导督办。", "请不要敷衍了事。"),
}


def generate_rating_comment(satisfied_level: str, rng: random.Random) -> str:
    """The citizen's words at follow-up; ``satisfied_level`` is "satisfied", "basically_satisfied" or
    "unsatisfied" (the values of ``gongzhi.cases.models.Satisfaction``).
    """
    if satisfied_level not in _COMMENTS:
        raise ValueError(f"satisfaction {satisfied_level!r} is not one of {', '.join(SATISFACTION_LEVELS)}")
    return rng.choice(_COMMENTS[satisfied_level]) + rng.choice(_COMMENT_TAILS[satisfied_level])


# ---- returns (退单) and extensions (延期) ----------------------------------------------------------

_RETURNS = (
    "经核实，该工单反映的{cat}问题不属于{we}职责范围。根据{law}的规定，{duty}，建议改派{other}办理。",
    "该事项属于{other}职责。依据{law}及相关职能配置规定，{duty}。{we}无相应执法权限，特申请退回，请重新派单。",
    "经现场核查，诉求所涉{cat}事项属于{other}管辖范围。依据{law}，{duty}，{we}不具备处置权限，申请退单。",
    "该诉求反映的是{cat}方面的问题，属于{other}职责范围。依据{law}，{duty}。{we}已与{other}电话沟通，请派单至{other}办理。",
)


def _duty_key(code: str) -> str:
    kind = department(code).kind
    return kind if kind in ("street", "district") else code


def _duty_holder(key: str) -> str:
    if key == "street":
        return "属地街道办事处（乡镇人民政府）"
    if key == "district":
        return "属地区（县）人民政府"
    return department(key).name


def generate_return_reason(category_code: str, rng: random.Random, *, returning_department: str | None = None) -> str:
    """A return (退单) reason for a case of this third-level category: whose duty it is and the legal
    basis. When ``returning_department`` is the one normally responsible, the reason points to the
    unit the matter is most often confused with.
    """
    entry = category(category_code)
    if entry.level != 3 or entry.department is None:
        raise ValueError(f"category {category_code!r} is level {entry.level}; returns concern third-level categories")
    responsible = "street" if entry.route_by_region else entry.department
    returning = _duty_key(returning_department) if returning_department else None
    other = responsible
    if returning == responsible:
        other = rng.choice([a for a in t.ALTERNATES[category_code[0]] if a != responsible])
    law, duty = t.DUTIES[other]
    s = {
        "cat": entry.name,
        "we": we_of(department(returning_department).name) if returning_department else "我单位",
        "other": _duty_holder(other),
        "law": law,
        "duty": duty,
    }
    return rng.choice(_RETURNS).format_map(s)


_EXTENSIONS = (
    "该问题涉及多个部门职责，需进一步协调会商，无法在规定时限内办结",
    "需委托第三方检测机构出具检测报告，检测周期较长",
    "整改涉及资金申请和政府采购程序，需要一定时间",
    "受连续降雨天气影响，现场施工无法正常进行",
    "多次联系诉求人未果，需进一步核实具体情况",
    "涉及历史遗留问题，需调阅档案资料、厘清权属",
    "需组织相关当事人进行调解，双方暂未达成一致",
)
_EXTENSIONS_BY_LETTER = {
    "A": ("维修方案须经业主大会表决，表决程序需要时间", "需核查项目规划和验收资料，涉及多个审批环节"),
    "B": ("需开展连续监测以确定污染来源", "涉事企业需停产整改，整改方案尚在审核"),
    "E": ("需调取用人单位的用工和工资发放记录", "用人单位负责人外出，需待其返回后约谈"),
    "J": ("需更换老旧管网设备，材料采购和施工需要时间", "抢修涉及道路开挖，需办理占道挖掘审批"),
    "M": ("需召开村民代表会议研究处理方案", "需实地丈量土地面积并核对确权资料"),
}


def generate_extension_reason(rng: random.Random, category_code: str | None = None) -> str:
    """Why a department asks for more time (延期申请理由); more specific when the category is given."""
    pool = _EXTENSIONS
    if category_code is not None:
        pool = pool + _EXTENSIONS_BY_LETTER.get(category(category_code).code[0], ())
    return rng.choice(pool) + rng.choice(("，特申请延期办理。", "，申请延长办理时限。", "，恳请批准延期。"))
