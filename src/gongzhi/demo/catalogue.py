"""The demo service catalogue (一级/二级/三级分类) with routing defaults, urgency hints and SLA defaults.

Mirrors ``gongzhi.directory.models.Category``, ``RoutingRule`` and ``SlaPolicy``. Codes are a letter for
the first level ("A"), two digits more for the second ("A01") and two more for the third ("A0103").
Only third-level categories carry a department; ``route_by_region`` means the case goes to the street
office of the case's street and ``department`` is the fallback when the street is unknown.
"""

from __future__ import annotations

from dataclasses import dataclass

URGENCIES = ("normal", "emergency", "outage", "complex")


@dataclass(frozen=True)
class DemoCategory:
    """One catalogue node; ``level`` is 1, 2 or 3."""

    code: str
    name: str
    name_en: str
    level: int
    parent: str | None
    department: str | None = None
    route_by_region: bool = False
    urgency: str = "normal"


@dataclass(frozen=True)
class DemoSla:
    """Default deadlines for an urgency: "2h" clock hours, "24wh" working hours, "7wd" working days."""

    urgency: str
    respond: str
    resolve: str


SLA_DEFAULTS: tuple[DemoSla, ...] = (
    DemoSla("emergency", "2h", "24h"),
    DemoSla("outage", "2h", "24wh"),
    DemoSla("normal", "24wh", "7wd"),
    DemoSla("complex", "24wh", "15wd"),
)

# Flags on a third-level entry: "r" route by region, "e" emergency, "o" outage, "x" complex.
_FLAG_URGENCY = {"e": "emergency", "o": "outage", "x": "complex"}

# fmt: off
_TREE: tuple[tuple[str, str, str, tuple[tuple[str, str, str, tuple[tuple[str, ...], ...]], ...]], ...] = (
    ("A", "城乡建设", "Urban and rural development", (
        ("01", "住房与房地产", "Housing and real estate", (
            ("01", "商品房交付与质量", "Delivery and quality of new homes", "zjj", ""),
            ("02", "不动产登记办证", "Property registration and title certificates", "zrzyj", ""),
            ("03", "保障性住房", "Public and affordable housing", "zjj", ""),
            ("04", "房屋租赁", "Residential tenancy", "zjj", ""),
            ("05", "住房公积金", "Housing provident fund", "gjj", ""),
        )),
        ("02", "物业管理", "Property management", (
            ("01", "物业服务质量", "Quality of property services", "zjj", "r"),
            ("02", "电梯运行安全", "Lift safety in residential buildings", "scjgj", ""),
            ("03", "专项维修资金", "Special maintenance funds", "zjj", ""),
            ("04", "业主委员会", "Owners' committees", "zjj", "r"),
        )),
        ("03", "规划与建设管理", "Planning and construction control", (
            ("01", "违法建设", "Illegal construction", "cgj", "r"),
            ("02", "规划审批与公示", "Planning approval and public notice", "zrzyj", ""),
            ("03", "建筑工地夜间施工", "Night-time construction work", "zjj", ""),
            ("04", "老旧小区改造", "Renovation of old residential estates", "zjj", ""),
            ("05", "既有住宅加装电梯", "Adding lifts to existing residential buildings", "zjj", ""),
        )),
        ("04", "征收与拆迁", "Expropriation and relocation", (
            ("01", "国有土地房屋征收补偿", "Compensation for expropriation on state-owned land", "zjj", "x"),
            ("02", "集体土地征收补偿", "Compensation for requisition of collective land", "zrzyj", "x"),
            ("03", "安置房建设与分配", "Construction and allocation of resettlement housing", "zjj", "x"),
        )),
        ("05", "市政设施", "Municipal facilities", (
            ("01", "道路与人行道破损", "Damaged roads and pavements", "cgj", ""),
            ("02", "井盖缺失破损", "Missing or broken manhole covers", "cgj", "e"),
            ("03", "路灯故障", "Street lights out of order", "cgj", ""),
            ("04", "园林绿化", "Street trees and green spaces", "cgj", ""),
        )),
    )),
    ("B", "环境保护", "Environmental protection", (
        ("01", "大气污染", "Air pollution", (
            ("01", "工业废气", "Industrial emissions", "sthjj", ""),
            ("02", "施工扬尘", "Dust from construction sites", "zjj", ""),
            ("03", "异味恶臭", "Odours", "sthjj", ""),
        )),
        ("02", "水污染", "Water pollution", (
            ("01", "企业偷排污水", "Illegal discharge of wastewater", "sthjj", ""),
            ("02", "河道黑臭与漂浮物", "Polluted and smelly rivers", "swj", ""),
        )),
        ("03", "噪声与辐射", "Noise and radiation", (
            ("01", "工业噪声", "Industrial noise", "sthjj", ""),
            ("02", "基站与电磁辐射", "Base stations and electromagnetic radiation", "sthjj", ""),
        )),
        ("04", "生态与资源", "Ecology and natural resources", (
            ("01", "非法采砂采石", "Illegal sand and stone quarrying", "zrzyj", ""),
            ("02", "毁林与非法捕猎", "Deforestation and illegal hunting", "zrzyj", ""),
            ("03", "危险废物", "Hazardous waste", "sthjj", "e"),
        )),
    )),
    ("C", "交通运输", "Transport", (
        ("01", "公共交通", "Public transport", (
            ("01", "公交线路与站点", "Bus routes and stops", "jtj", ""),
            ("02", "公交服务", "Bus service quality", "jtj", ""),
            ("03", "出租车与网约车", "Taxis and ride-hailing", "jtj", ""),
        )),
        ("02", "道路交通管理", "Road traffic management", (
            ("01", "交通信号与标志标线", "Traffic signals, signs and road markings", "jjzd", ""),
            ("02", "违法停车", "Illegal parking", "jjzd", ""),
            ("03", "交通拥堵", "Traffic congestion", "jjzd", ""),
            ("04", "车驾管业务", "Vehicle registration and driving licences", "jjzd", ""),
        )),
        ("03", "公路与停车", "Highways and parking", (
            ("01", "公路养护", "Highway maintenance", "jtj", ""),
            ("02", "停车场与停车收费", "Car parks and parking fees", "jtj", ""),
        )),
        ("04", "邮政快递", "Postal and express delivery", (
            ("01", "快递服务", "Express delivery services", "yzj", ""),
        )),
    )),
    ("D", "教育文体", "Education, culture and sports", (
        ("01", "基础教育", "Basic education", (
            ("01", "入学与学位", "School admission and places", "jyj", ""),
            ("02", "教育收费", "School fees and charges", "jyj", ""),
            ("03", "校外培训", "Private tutoring", "jyj", ""),
            ("04", "校园及周边安全", "Safety in and around schools", "jyj", ""),
            ("05", "学前教育", "Pre-school education", "jyj", ""),
        )),
        ("02", "教师与考试", "Teachers and examinations", (
            ("01", "师德师风与教师待遇", "Teachers' conduct and pay", "jyj", ""),
            ("02", "中考高考", "Senior-school and university entrance examinations", "jyj", ""),
        )),
        ("03", "文化体育", "Culture and sports", (
            ("01", "公共文化设施", "Libraries, museums and cultural venues", "whlyj", ""),
            ("02", "全民健身设施", "Public fitness facilities", "whlyj", ""),
            ("03", "广场舞扰民", "Noise from square dancing", "cgj", "r"),
        )),
    )),
    ("E", "劳动和社会保障", "Labour and social security", (
        ("01", "劳动关系", "Labour relations", (
            ("01", "拖欠工资", "Unpaid wages", "rsj", ""),
            ("02", "劳动合同与社保缴纳", "Labour contracts and social insurance contributions", "rsj", ""),
            ("03", "工伤认定", "Recognition of work injuries", "rsj", ""),
        )),
        ("02", "社会保险", "Social insurance", (
            ("01", "养老保险", "Pension insurance", "rsj", ""),
            ("02", "失业保险", "Unemployment insurance", "rsj", ""),
            ("03", "医保缴费与报销", "Medical insurance contributions and reimbursement", "ybj", ""),
            ("04", "异地就医", "Medical treatment outside the city", "ybj", ""),
        )),
        ("03", "就业创业", "Employment and enterprise", (
            ("01", "就业服务与技能培训", "Job services and vocational training", "rsj", ""),
            ("02", "创业扶持", "Support for start-ups", "rsj", ""),
        )),
        ("04", "退休", "Retirement", (
            ("01", "退休审批与待遇", "Retirement approval and benefits", "rsj", ""),
        )),
    )),
    ("F", "卫生健康", "Health", (
        ("01", "医疗服务", "Medical services", (
            ("01", "医院服务", "Hospital service", "wjw", ""),
            ("02", "医疗纠纷", "Medical disputes", "wjw", "x"),
            ("03", "基层医疗", "Community health services", "wjw", ""),
        )),
        ("02", "公共卫生", "Public health", (
            ("01", "疫苗接种", "Vaccination", "wjw", ""),
            ("02", "病媒生物防制", "Pest and vector control", "wjw", ""),
            ("03", "生育登记与母婴保健", "Birth registration and maternal care", "wjw", ""),
        )),
        ("03", "医药监管", "Medicines and medical practice", (
            ("01", "药品销售", "Sale of medicines", "scjgj", ""),
            ("02", "非法行医", "Unlicensed medical practice", "wjw", ""),
        )),
    )),
    ("G", "商贸旅游", "Commerce and tourism", (
        ("01", "市场监管", "Market regulation", (
            ("01", "食品安全", "Food safety", "scjgj", ""),
            ("02", "消费纠纷", "Consumer disputes", "scjgj", ""),
            ("03", "价格违法", "Price violations", "scjgj", ""),
            ("04", "虚假广告与宣传", "False advertising", "scjgj", ""),
        )),
        ("02", "商业服务", "Commercial services", (
            ("01", "预付卡消费", "Prepaid consumer cards", "swuj", ""),
            ("02", "农贸市场", "Farmers' markets", "swuj", ""),
        )),
        ("03", "旅游管理", "Tourism", (
            ("01", "景区服务", "Scenic spots", "whlyj", ""),
            ("02", "旅行社与导游", "Travel agencies and tour guides", "whlyj", ""),
        )),
    )),
    ("H", "公共安全", "Public safety", (
        ("01", "社会治安", "Public order", (
            ("01", "治安问题", "Public order problems", "gaj", ""),
            ("02", "电信网络诈骗", "Telecom and online fraud", "gaj", ""),
            ("03", "户籍与身份证", "Household registration and identity cards", "gaj", ""),
        )),
        ("02", "消防安全", "Fire safety", (
            ("01", "消防通道堵塞", "Blocked fire lanes", "xfzd", "e"),
            ("02", "电动自行车违规充电", "Unsafe charging of e-bikes", "xfzd", "e"),
        )),
        ("03", "安全生产与防灾", "Work safety and disaster prevention", (
            ("01", "安全生产隐患", "Work safety hazards", "yjj", "e"),
            ("02", "城市内涝", "Urban flooding", "swj", "e"),
            ("03", "地质灾害隐患", "Landslides and other geological hazards", "zrzyj", "e"),
        )),
    )),
    ("J", "水电气暖", "Water, power, gas and heating", (
        ("01", "供水", "Water supply", (
            ("01", "停水", "Water outages", "sjt", "o"),
            ("02", "水质", "Water quality", "sjt", ""),
            ("03", "水压不足", "Low water pressure", "sjt", ""),
            ("04", "水费与水表", "Water bills and meters", "sjt", ""),
        )),
        ("02", "供电", "Power supply", (
            ("01", "停电", "Power cuts", "gdgs", "o"),
            ("02", "电压不稳", "Unstable voltage", "gdgs", ""),
            ("03", "电力设施隐患", "Hazardous power installations", "gdgs", "e"),
        )),
        ("03", "燃气", "Gas", (
            ("01", "燃气泄漏", "Gas leaks", "rqjt", "e"),
            ("02", "停气", "Gas supply interruptions", "rqjt", "o"),
            ("03", "燃气开户与收费", "Gas connections and bills", "rqjt", ""),
        )),
        ("04", "供暖", "Heating", (
            ("01", "暖气不热", "Insufficient heating", "rljt", "o"),
            ("02", "供暖收费与报停", "Heating fees and suspension", "rljt", ""),
            ("03", "供热管网漏水", "Leaking heating pipes", "rljt", "e"),
        )),
    )),
    ("K", "民政", "Civil affairs", (
        ("01", "社会救助", "Social assistance", (
            ("01", "最低生活保障", "Minimum living allowance", "mzj", ""),
            ("02", "临时救助", "Temporary assistance", "mzj", ""),
        )),
        ("02", "养老服务", "Elderly care", (
            ("01", "养老机构", "Care homes", "mzj", ""),
            ("02", "高龄津贴与居家养老", "Old-age allowance and home care", "mzj", ""),
        )),
        ("03", "社会事务", "Social affairs", (
            ("01", "婚姻登记", "Marriage registration", "mzj", ""),
            ("02", "殡葬服务", "Funeral services", "mzj", ""),
            ("03", "残疾人补贴", "Disability allowances", "cl", ""),
            ("04", "退役军人优待", "Benefits for veterans", "tyjrj", ""),
        )),
        ("04", "基层治理", "Community governance", (
            ("01", "社区服务", "Community services and residents' committees", "mzj", "r"),
            ("02", "地名门牌", "Place names and house numbers", "mzj", ""),
        )),
    )),
    ("L", "城市管理", "City management", (
        ("01", "市容环境卫生", "City appearance and sanitation", (
            ("01", "生活垃圾清运", "Household waste collection", "cgj", "r"),
            ("02", "垃圾分类", "Waste sorting", "cgj", ""),
            ("03", "公共厕所", "Public toilets", "cgj", ""),
            ("04", "建筑垃圾与渣土", "Construction waste and spoil", "cgj", ""),
        )),
        ("02", "街面秩序", "Street order", (
            ("01", "占道经营", "Street vending on public roads", "cgj", "r"),
            ("02", "户外广告与招牌", "Billboards and shop signs", "cgj", "r"),
            ("03", "共享单车乱停放", "Badly parked shared bikes", "cgj", ""),
        )),
        ("03", "生活扰民", "Neighbourhood nuisances", (
            ("01", "社会生活噪声", "Noise from shops and entertainment", "cgj", "r"),
            ("02", "餐饮油烟", "Restaurant cooking fumes", "cgj", ""),
            ("03", "露天烧烤与焚烧", "Open-air barbecues and burning", "cgj", "r"),
            ("04", "养犬管理", "Dog ownership and stray dogs", "gaj", ""),
        )),
    )),
    ("M", "农村农业", "Agriculture and rural affairs", (
        ("01", "农业生产", "Farming", (
            ("01", "农资质量", "Quality of seeds, fertiliser and pesticides", "nyj", ""),
            ("02", "惠农补贴", "Farm subsidies", "nyj", ""),
            ("03", "动物防疫", "Animal epidemic prevention", "nyj", ""),
        )),
        ("02", "农村管理", "Rural affairs", (
            ("01", "土地承包经营", "Rural land contracts", "nyj", "x"),
            ("02", "村务公开", "Village affairs and finances", "nyj", "r"),
            ("03", "农村人居环境", "Rural living environment", "nyj", "r"),
            ("04", "农田水利", "Irrigation", "swj", ""),
        )),
    )),
    ("N", "政务服务", "Government services", (
        ("01", "政务服务", "Government services", (
            ("01", "办事效率与态度", "Efficiency and attitude of service counters", "zwfw", ""),
            ("02", "网上办事", "Online services", "zwfw", ""),
            ("03", "营商环境", "Business environment", "zwfw", ""),
        )),
        ("02", "法律服务", "Legal services", (
            ("01", "法律援助", "Legal aid", "sfj", ""),
            ("02", "矛盾纠纷调解", "Dispute mediation", "sfj", "r"),
        )),
    )),
)
# fmt: on


def _build() -> tuple[DemoCategory, ...]:
    nodes: list[DemoCategory] = []
    for code1, name1, en1, seconds in _TREE:
        nodes.append(DemoCategory(code1, name1, en1, 1, None))
        for digits2, name2, en2, thirds in seconds:
            code2 = code1 + digits2
            nodes.append(DemoCategory(code2, name2, en2, 2, code1))
            for digits3, name3, en3, department, flags in thirds:
                urgency = next((_FLAG_URGENCY[f] for f in flags if f in _FLAG_URGENCY), "normal")
                nodes.append(DemoCategory(code2 + digits3, name3, en3, 3, code2, department, "r" in flags, urgency))
    return tuple(nodes)


CATEGORIES: tuple[DemoCategory, ...] = _build()
"""The whole catalogue, parents before children."""
