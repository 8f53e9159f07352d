# ruff: noqa: E501
"""Slot vocabularies and templates shared by all categories: greetings, who is writing, how long,
what they tried, what they ask; titles per message type; consultation, suggestion and praise texts.

A template may start with a filter such as ``<home urban>`` or ``<D01,D02>``: every token must match
the topic's ``where``, the message's setting ("urban"/"rural") or a prefix of the category code
(a token may list alternatives separated by commas).
"""

from __future__ import annotations

GREETINGS = (
    "", "", "", "", "您好！", "你好，", "尊敬的领导：您好！", "领导您好！", "各位领导好，", "市长您好！",
    "尊敬的12345热线：", "相关部门领导：你们好！", "打扰了，", "尊敬的相关部门：",
)  # fmt: skip

# Who is writing, by (where, setting). Generic lines fit everywhere.
ME_GENERIC = (
    "我是{street}的一名普通居民",
    "本人在{district}生活了二十多年",
    "我是{community}的居民",
)
ME = {
    "urban": (
        "我是{estate}的业主",
        "我家住在{home_address}",
        "我是{street}{community}的居民，家住{estate}",
        "我住在{estate}{bldg}栋",
        "我是{estate}的一名退休职工",
        "本人是{estate}{bldg}栋的住户",
    ),
    "rural": (
        "我是{street}{village}{group}组的村民",
        "我家住在{home_address}",
        "本人是{district}{street}{village}人",
        "我是{village}的一名普通农民",
    ),
    "road": (
        "我每天上下班都要经过{road}",
        "我在{road}附近开了个小店",
        "我家就住在{road}边上",
    ),
    "venue": (
        "我家就在{place}附近",
        "我在{road}一带住了很多年",
    ),
    "area": (
        "我是{district}的一名普通市民",
        "我是一名在{city}打工的外地人",
        "本人在{district}工作生活多年",
    ),
}

SINCE = (
    "这种情况已经持续{months}个多月了",
    "从{date}开始就一直这样",
    "到现在已经{days}了",
    "前前后后已经{months}个月了",
    "今年以来反复出现",
    "差不多有半年了",
    "最近一周尤其严重",
    "去年就出现过，今年又开始了",
    "时间虽然不长，但已经严重影响到大家的生活",
)

TRIED = {
    "any": (
        "之前打过几次电话反映，都说会处理，但至今没有任何变化",
        "在网上留过言，到现在没有回音",
        "去{street}反映过，工作人员说要上报",
        "相关部门来看过一次，之后就没了下文",
        "自己想了很多办法，实在没办法才来求助",
        "找过好几个单位，都说不归自己管，互相推诿",
        "打过好几次12345，每次都说已经转给相关部门了",
        "大家写过联名信，一直没有回复",
    ),
    "urban": (
        "找过物业和社区，都说管不了",
        "社区网格员来看过，说会往上反映",
    ),
    "rural": (
        "找过村委会，村干部说这事他们管不了",
        "去镇上反映过两次，说让回去等消息",
    ),
}

EMOTIONS = (
    "实在是忍无可忍", "大家都非常着急", "心里很不是滋味", "老百姓真的很无奈", "希望政府能为我们做主",
    "我们真的很无助", "居民意见很大", "大家都很气愤", "真的让人寒心", "不知道还要等到什么时候",
    "我们也理解政府工作忙，但这个问题确实拖不起了", "心里一直很焦虑",
)  # fmt: skip

ASKS = {
    "complaint": (
        "请相关部门尽快调查处理",
        "希望有关部门尽快给个说法",
        "恳请领导督促整改",
        "请尽快派人来现场看看",
        "希望能彻底解决，而不是治标不治本",
        "请主管部门依法处理",
        "希望{dept}能重视起来",
    ),
    "help": (
        "恳请政府帮帮我们",
        "希望相关部门尽快协调解决",
        "请帮忙联系相关单位处理",
        "恳请领导帮忙想想办法",
        "请尽快安排人来处理",
        "希望{dept}能尽快帮我们解决",
    ),
    "report": (
        "请执法部门依法查处",
        "希望严肃处理，还大家一个公道",
        "请有关部门核实后依法处理，我愿意配合调查",
        "请对举报人信息保密，尽快查处",
        "请{dept}依法查处",
    ),
}

LEADS = {
    "complaint": ("现投诉如下：", "我要投诉：", "", "", "", ""),
    "help": ("有件急事想请政府帮忙：", "想求助一下：", "", "", ""),
    "report": ("现实名举报：", "我要举报一个情况：", "现向有关部门举报：", "", ""),
}

CLOSINGS = (
    "谢谢！", "盼复。", "万分感谢！", "望早日解决，谢谢！", "期待您的答复。", "", "", "", "辛苦了！",
    "在此先谢谢各位领导了！", "盼回复，谢谢！",
)  # fmt: skip

TITLES = {
    "complaint": (
        "{place_short}{subject}",
        "{place_short}{subject}，望尽快处理",
        "投诉{place_short}{subject}",
        "关于{place_short}{subject}的投诉",
        "{district}{place_short}{subject}问题",
        "{place_short}{subject}问题何时能解决？",
        "{street}{place_short}{subject}",
        "再次反映{place_short}{subject}",
        "{place_short}{subject}，多次反映无果",
        "反映{district}{place_short}{subject}",
        "{place_short}{subject}，居民苦不堪言",
        "{subject}——{district}{place_short}",
    ),
    "help": (
        "求助：{place_short}{subject}",
        "{place_short}{subject}，请求帮助",
        "恳请解决{place_short}{subject}问题",
        "{place_short}{subject}怎么办？",
        "{district}{place_short}{subject}，急！",
        "请帮忙解决{place_short}{subject}",
        "{street}{place_short}{subject}，盼解决",
    ),
    "report": (
        "举报{place_short}{subject}",
        "实名举报{place_short}{subject}",
        "关于{place_short}{subject}的举报",
        "{place_short}{subject}，请依法查处",
        "举报：{district}{place_short}{subject}",
    ),
    "consultation": (
        "请问{q}？",
        "{q}？",
        "咨询：{q}？",
        "{district}居民咨询：{q}？",
        "想问一下，{q}？",
        "{street}居民求教：{q}？",
    ),
    "suggestion": (
        "建议{sug}",
        "关于{sug}的建议",
        "对{subject}问题的建议",
        "市民建议：{sug}",
        "建议{dept}{sug}",
    ),
    "praise": (
        "为{dept}点赞",
        "感谢{dept}解决{place_short}{subject}问题",
        "{place_short}{subject}问题解决了，点赞{dept}",
        "表扬{dept}工作人员",
        "点赞！{place_short}{subject}问题很快得到处理",
        "感谢{dept}的高效服务",
    ),
}

QUESTION_BACKGROUNDS = (
    "我在网上查了很多资料，说法都不一样。",
    "打电话问过几次，每次回答都不太一样。",
    "去窗口问的时候人太多，没来得及问清楚。",
    "身边很多人也有同样的疑问。",
    "最近家里遇到了这个问题，想提前了解清楚。",
    "看新闻说出了新政策，但具体细则没看明白。",
)

CONSULTATIONS = (
    "{greet}{me}，想咨询一下：{qbare}{qbg}麻烦给个准确答复，谢谢！",
    "{greet}{qbg}{qfull}{qcontext}{close}",
    "{greet}{me}。{qbg}想请问：{qbare}希望相关部门能给个明确的答复。{close}",
    "{greet}咨询一个问题：{qbare}{qcontext}{qbg}{close}",
    "{greet}{me}，最近遇到这样一个情况：{problem}。想问一下：{qbare}{close}",
    "{greet}您好，我是{district}居民。{qcontext}{qfull}谢谢！",
    "{greet}{me}。{qfull}另外，{qbare2}{qbg}{close}",
    "{greet}{me}。{qcontext}请问{qbare}如果需要到现场办理，需要带哪些材料？{close}",
)

# Why the citizen is asking (said before or after the question).
QUESTION_CONTEXTS = (
    "家里老人年纪大了，想提前帮他问清楚。",
    "这件事关系到一家人的切身利益，想弄明白政策。",
    "平时工作比较忙，不想白跑一趟。",
    "我们单位好几个同事也想了解这个问题。",
    "之前听别人说法不一，心里没底。",
    "网上的办事指南是前几年的，不知道现在有没有变化。",
)

# Said after who the citizen is, sometimes.
ME_TAILS = ("", "", "", "", "，在这里住了十多年了", "，家里有两位老人和一个上小学的孩子", "，平时上班比较忙",
            "，去年刚搬过来", "，是一名退休教师")  # fmt: skip

BENEFITS = (
    "方便群众办事", "减少安全隐患", "让老百姓有更多获得感", "从源头上减少类似问题", "提升城市形象",
    "减轻基层工作压力", "让群众少跑腿", "节约行政成本",
)  # fmt: skip

SUGGESTIONS = (
    "{greet}{me}。身边经常遇到这样的情况：{problem}。建议{sug}，这样既能{benefit}，也能{benefit2}。{close}",
    "{greet}针对{subject}的问题，提个小建议：{sug}。希望相关部门研究采纳。{close}",
    "{greet}建议{sug}。理由是：{problem}，{impact}。{close}",
    "{greet}{me}，看到{city}这几年变化很大，心里很高兴。也有一点小建议：{sug}，希望能被采纳。{close}",
    "{greet}关于{subject}，我有个想法：{sug}。其他城市已经有类似的做法，能够{benefit}。{close}",
    "{greet}作为一名{city}市民，建议{dept}{sug}，{benefit}。{close}",
    "{greet}{me}。{problem}，{since}。建议{sug}，{benefit}。{close}",
)

PRAISE_DETAILS = (
    "不到一周问题就解决了",
    "工作人员态度特别好，耐心细致地解释政策",
    "第二天就组织人员进行了处理",
    "处理完还多次打电话回访，询问效果",
    "前后只用了三天时间",
    "连夜组织人员处理，第二天一早就恢复了正常",
    "工作人员冒着大雨到现场查看",
)
PRAISE_THANKS = (
    "必须给他们点个赞！",
    "特此表扬，希望政府多一些这样的好干部！",
    "感谢政府，感谢12345热线！",
    "真心感谢！",
    "这样的服务让老百姓心里暖暖的，谢谢！",
    "希望能对相关工作人员给予表扬。",
)
PRAISES = (
    "{greet}{me}。{date}我通过12345反映了{place}{subject}的问题，没想到{dept}很快就派人到现场查看，{praise_detail}。{praise_thanks}",
    "{greet}点赞{dept}！之前反映的{place}{subject}问题，{praise_detail}。{praise_thanks}",
    "{greet}我要表扬{dept}的工作人员。{place}{subject}的问题困扰我们很久了，这次{praise_detail}，{praise_thanks}",
    "{greet}{me}。前段时间{problem}，向热线反映后，{dept}高度重视，{praise_detail}。{praise_thanks}",
    "{greet}{place}{subject}的问题终于解决了！{praise_detail}。{praise_thanks}",
    "{greet}给{dept}的工作人员点个赞。{place}{subject}的事情，{praise_detail}，办事效率真高。{praise_thanks}",
)
