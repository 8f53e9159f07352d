"""Check a reply before it is published: does it answer the message, completely, and in time? (Teddy Cup problem 3)

A reply that thanks the citizen and says nothing about their problem (or answers another case's
message, pasted by mistake) is the commonest complaint about hotlines. Three scores in [0, 1]:

- **relevance**: does the reply talk about what the message asked? The message's *key terms* — the
  words of its title and of the head of its details (jieba, without stop words) and the places it
  names (``text.duplicates.places``) — are looked up in the reply (``coverage``, places and title
  words weighted up), blended with the character-bigram cosine of the two texts. Real replies quote
  the title and name the place; a reply to another message names other places.
- **completeness**: a good answer states the *facts* found (经调查核实…), the *action* taken (已责成…),
  the *result or plan* (目前已…, 下一步将…), the *basis* (根据《…》) and a *contact* for questions
  (联系电话…). Each is a documented pattern (``ELEMENTS``); the score is their weighted share, reduced for
  replies too short to say anything.
- **timeliness**: working days from message to reply on China's official calendar
  (``directory.worktime``), 1.0 within the deadline, falling to 0 at three times the deadline.

:func:`check_reply` also lists *warnings* a handler sees before publishing (non-blocking). Nothing
here raises on odd text: empty, foreign or huge input gives low scores and a warning that says why.
``benchmarks/replycheck.py`` evaluates relevance on 附件4 (true reply vs a mismatched one, AUC).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache

from gongzhi.directory.worktime import TimeUnit, WorkingCalendar
from gongzhi.text.duplicates import bigrams, cosine, places
from gongzhi.text.normalise import han_count, normalise
from gongzhi.text.segment import Segmenter

#: Below this relevance a reply is flagged as not addressing the message (see benchmarks/replycheck.py).
RELEVANCE_WARN = 0.12
#: Below this completeness a reply is flagged as saying too little.
COMPLETENESS_WARN = 0.4
#: Replies shorter than this (characters) cannot state facts, action and result.
SHORT_REPLY = 60
MESSAGE_HEAD = 120  # characters of the message's details whose words are key terms

#: What a complete answer contains: name → (weight, pattern). Patterns match normalised simplified text.
ELEMENTS: dict[str, tuple[float, re.Pattern[str]]] = {
    "facts": (
        0.25,
        re.compile(r"经(?:查|了解|现场|实地)|调查|核实|核查|查明|得知|了解到|据查|现场|实地|走访|询问"),
    ),
    "action": (
        0.25,
        re.compile(
            r"已(?:经)?(?:安排|责成|组织|要求|督促|联系|约谈|处理|整改|完成|下达|开展|协调|派|对|将|把|向|与|进行|拆除|清理|修复|维修|立案|查处)|"
            r"责令|立即|派员|组织人员|进行了|开展了|约谈|督促"
        ),
    ),
    "result": (
        0.25,
        re.compile(
            r"目前|现已|下一步|将(?:继续|进一步|加强|于|在|尽快|按)|计划|预计|整改到位|已恢复|恢复正常|已解决|得到解决|完成|办结"
        ),
    ),
    "basis": (0.15, re.compile(r"根据|依据|按照|依照|《[^》]{2,40}》|规定|条例|办法|政策|文件精神|标准")),
    "contact": (
        0.10,
        re.compile(r"电话|联系人|联系方式|热线|12345|[0-9]{7,}|咨询(?:窗口|科)|来电|可(?:与|向|到)[^，。]{0,20}联系"),
    ),
}
_STOP = frozenset(
    "的 了 是 在 和 与 及 或 我 我们 你 您 他 她 它 这 那 有 没有 没 也 都 就 还 又 被 把 让 给 对 从 到 向 为 为了 "
    "请 请问 关于 问题 情况 反映 投诉 咨询 建议 举报 希望 要求 恳请 能否 是否 怎么 什么 为什么 如何 何时 什么时候 "
    "一下 一个 这个 那个 现在 目前 已经 非常 严重 相关 有关 部门 政府 领导 市民 网友 谢谢 感谢 您好 你好 "
    "市 区 县 A市 可以 能 会 要 不 很 多 大 小 等 上 下 中 里 后 前 时 年 月 日 号 "
    "旁边 附近 周边 很大 很多 新建 居民 无法 不能 不敢 一直 每天 今天 昨天 最近 经常 导致 造成 影响".split()
)
_ADMIN_CODE = re.compile(r"^[A-Za-z]\d*[市县区]?$")


@dataclass(frozen=True)
class ReplyCheck:
    relevance: float
    completeness: float
    timeliness: float | None  # None when the message's or the reply's time is unknown
    working_days: float | None
    elements: dict[str, bool]
    matched_terms: tuple[str, ...]
    missing_terms: tuple[str, ...]
    warnings: tuple[str, ...] = field(default=())

    @property
    def addresses_question(self) -> bool:
        return self.relevance >= RELEVANCE_WARN

    @property
    def overall(self) -> float:
        """One figure for lists: relevance counts most, a late answer loses a little."""
        parts = [(0.5, self.relevance), (0.35, self.completeness)]
        if self.timeliness is not None:
            parts.append((0.15, self.timeliness))
        return round(sum(w * v for w, v in parts) / sum(w for w, _ in parts), 3)


@lru_cache(maxsize=1)
def _segmenter() -> Segmenter:
    return Segmenter()


def key_terms(title: str, content: str) -> dict[str, float]:
    """The message's key terms with weights: places 2, title words 1.5, words of the details' head 1."""
    title = normalise(title or "", max_chars=200)
    head = normalise(content or "", max_chars=MESSAGE_HEAD)
    terms: dict[str, float] = {}
    for weight, text in ((1.0, head), (1.5, title)):
        for word in _segmenter().cut(text):
            if len(word) >= 2 and han_count(word) >= 1 and word not in _STOP and not _ADMIN_CODE.match(word):
                terms[word] = max(terms.get(word, 0.0), weight)
    for place in places(title + " " + head):
        terms[place] = 2.0
    return terms


def relevance(title: str, content: str, reply: str) -> tuple[float, tuple[str, ...], tuple[str, ...]]:
    """Relevance in [0, 1] and the key terms the reply mentions and misses (most important first)."""
    terms = key_terms(title, content)
    text = normalise(reply or "")
    if not terms or han_count(text) == 0:
        return 0.0, (), tuple(sorted(terms, key=lambda t: -terms[t]))
    matched = [t for t in terms if t in text]
    coverage = sum(terms[t] for t in matched) / sum(terms.values())
    message = normalise((title or "") + " " + (content or ""), max_chars=MESSAGE_HEAD + 200)
    similarity = cosine(bigrams(message), bigrams(text))
    score = min(1.0, 0.5 * coverage + 0.5 * min(1.0, 2 * similarity))
    order = sorted(terms, key=lambda t: (-terms[t], t))
    return (
        round(score, 3),
        tuple(t for t in order if t in matched),
        tuple(t for t in order if t not in matched),
    )


def completeness(reply: str) -> tuple[float, dict[str, bool]]:
    """Weighted share of ``ELEMENTS`` the reply contains, scaled down below ``SHORT_REPLY`` characters."""
    text = normalise(reply or "")
    found = {name: bool(pattern.search(text)) for name, (_, pattern) in ELEMENTS.items()}
    score = sum(ELEMENTS[name][0] for name, hit in found.items() if hit)
    length = han_count(text)
    if length < SHORT_REPLY:
        score *= length / SHORT_REPLY
    return round(score, 3), found


def timeliness(
    asked_at: datetime | None,
    replied_at: datetime | None,
    *,
    calendar: WorkingCalendar,
    deadline_days: float,
) -> tuple[float | None, float | None]:
    """(score, working days taken): 1 within ``deadline_days``, linear to 0 at three times it."""
    if asked_at is None or replied_at is None:
        return None, None
    days = calendar.elapsed(asked_at, replied_at, TimeUnit.WORKING_HOURS) / timedelta(days=1)
    if days <= deadline_days:
        return 1.0, round(days, 2)
    return round(max(0.0, 1 - (days - deadline_days) / (2 * deadline_days)), 3), round(days, 2)


def check_reply(
    title: str,
    content: str,
    reply: str,
    *,
    asked_at: datetime | None = None,
    replied_at: datetime | None = None,
    calendar: WorkingCalendar | None = None,
    deadline_days: float = 7,
) -> ReplyCheck:
    """All three scores and the warnings to show before publishing; never raises on odd text."""
    rel, matched, missing = relevance(title, content, reply)
    comp, elements = completeness(reply)
    timely, days = timeliness(asked_at, replied_at, calendar=calendar or WorkingCalendar(), deadline_days=deadline_days)
    return ReplyCheck(
        relevance=rel,
        completeness=comp,
        timeliness=timely,
        working_days=days,
        elements=elements,
        matched_terms=matched,
        missing_terms=missing,
        warnings=_warnings(reply, rel, comp, timely, elements, missing),
    )


def _warnings(
    reply: str, rel: float, comp: float, timely: float | None, elements: dict[str, bool], missing: tuple[str, ...]
) -> tuple[str, ...]:
    """Warning codes, most serious first; the web layer words them in the page's language."""
    text = normalise(reply or "")
    if not text:
        return ("empty",)
    if han_count(text) == 0:
        return ("not_chinese",)
    warnings = []
    if rel < RELEVANCE_WARN:
        warnings.append("off_topic")
    if comp < COMPLETENESS_WARN:
        warnings.append("incomplete")
    if not elements["action"] and not elements["result"]:
        warnings.append("no_action")
    if timely is not None and timely < 1.0:
        warnings.append("late")
    return tuple(warnings)
