"""Regions of the demo city 澜江市 (Lanjiang, fictional): districts, streets/towns, communities/villages.

The tree mirrors ``gongzhi.directory.models.Region`` (code, name, name_en, level, parent). Besides the
tree, each street carries the roads and residential estates (小区) that addresses are made of, and each
district a bounding box that demo coordinates fall into.
"""

from __future__ import annotations

from dataclasses import dataclass

CITY_CODE = "lanjiang"
CITY_NAME = "澜江市"
CITY_NAME_EN = "Lanjiang City"


@dataclass(frozen=True)
class DemoRegion:
    """One node of the region tree; ``level`` is "city", "district", "street" or "community"."""

    code: str
    name: str
    name_en: str
    level: str
    parent: str | None


@dataclass(frozen=True)
class StreetPlaces:
    """What addresses in one street are made of."""

    street: str
    roads: tuple[str, ...]
    estates: tuple[str, ...]


@dataclass(frozen=True)
class BoundingBox:
    """A district's extent in WGS-84 degrees."""

    south: float
    north: float
    west: float
    east: float


# fmt: off
# district code, name, English name, bounding box (S, N, W, E), streets:
#   (street code, name, roads, estates, "pinyin:社区名 …")
_DISTRICTS: tuple[tuple[str, str, str, tuple[float, float, float, float], tuple[tuple[str, ...], ...]], ...] = (
    ("lancheng", "澜城区", "Lancheng District", (36.60, 36.68, 117.30, 117.40), (
        ("dongmen", "东门街道", "东门大街 府前路 鼓楼巷 解放路", "鼓楼花园 府前小区 东门新村 锦绣华庭",
         "gulou:鼓楼社区 fuqian:府前社区 dongguan:东关社区"),
        ("nanguan", "南关街道", "南关路 文庙街 青年路", "文庙小区 南关佳苑 青年公寓 丽景湾",
         "wenmiao:文庙社区 nanguan:南关社区 qingnianlu:青年路社区 shuangjing:双井社区"),
        ("xihu", "西湖街道", "西湖路 柳岸街 人民西路", "西湖人家 柳岸名邸 翠湖苑 人民西路小区",
         "liuan:柳岸社区 cuihu:翠湖社区"),
        ("beiyuan", "北苑街道", "北苑路 建设北路 光明街", "北苑家园 光明小区 建设里 和美家园",
         "beiyuan:北苑社区 guangming:光明社区 jianbei:建北社区"),
    )),
    ("jiangbei", "江北区", "Jiangbei District", (36.68, 36.78, 117.28, 117.42), (
        ("binjiang", "滨江街道", "滨江大道 江北路 望江街", "滨江壹号 望江府 江北新城 临江花园",
         "wangjiang:望江社区 binjiang:滨江社区 jiangwan:江湾社区"),
        ("changxing", "长兴街道", "长兴路 兴业街 工人路", "长兴小区 兴业苑 工人新村 金色家园",
         "changxing:长兴社区 gongrenxincun:工人新村社区 xingye:兴业社区"),
        ("longwan", "龙湾街道", "龙湾路 振华路 学府路", "龙湾花园 学府华庭 振华里 书香门第",
         "longwan:龙湾社区 xuefu:学府社区"),
        ("shiqiao", "石桥镇", "石桥大街 镇北路 河沿路", "石桥新苑 镇北安置小区",
         "shiqiao:石桥社区 hekou:河口村 sangyuan:桑园村"),
    )),
    ("binhu", "滨湖区", "Binhu District", (36.54, 36.62, 117.40, 117.52), (
        ("hubin", "湖滨街道", "湖滨路 环湖东路 荷花路", "湖滨花园 荷塘苑 湖光苑 碧水蓝湾",
         "hehua:荷花社区 hubin:湖滨社区 bishui:碧水社区"),
        ("jinsha", "金沙街道", "金沙路 沙河街 体育路", "金沙小区 体育花园 沙河湾 御景华府",
         "jinsha:金沙社区 shahe:沙河社区 tiyulu:体育路社区"),
        ("luzhou", "鹭洲街道", "鹭洲路 白鹭大道 渔港路", "鹭洲新城 白鹭园 渔港小区 星河湾",
         "luzhou:鹭洲社区 bailu:白鹭社区 yugang:渔港社区"),
        ("xinhu", "新湖街道", "新湖大道 南湖路 文化路", "新湖雅苑 南湖公馆 文化小区 滨湖天地",
         "xinhu:新湖社区 nanhu:南湖社区"),
    )),
    ("xingang", "新港区", "Xingang District", (36.60, 36.70, 117.42, 117.56), (
        ("gangcheng", "港城街道", "港城大道 海关路 货运路", "港城花园 海关小区 港务新村 远洋城",
         "gangcheng:港城社区 gangwu:港务社区 haiguanlu:海关路社区"),
        ("chuangye", "创业街道", "创业大道 科技路 高新一路", "创业公寓 科技城人才公寓 高新花园 云栖苑",
         "kejicheng:科技城社区 chuangye:创业社区"),
        ("lingang", "临港街道", "临港路 物流大道 保税路", "临港佳园 物流园小区 港湾家园 海韵小区",
         "lingang:临港社区 gangwan:港湾社区 haiyun:海韵社区"),
        ("yantian", "盐田镇", "盐田大街 海堤路 渔村路", "盐田新村 海堤小区",
         "yantian:盐田社区 dongtan:东滩村 xitan:西滩村 haidi:海堤村"),
    )),
    ("xishan", "西山区", "Xishan District", (36.56, 36.66, 117.16, 117.30), (
        ("shanqian", "山前街道", "山前路 矿山路 西山大道", "矿山小区 西山新居 山前花园 松柏苑",
         "kuangshan:矿山社区 shanqian:山前社区 songbai:松柏社区"),
        ("fenglin", "枫林街道", "枫林路 红叶街 植物园路", "枫林湾 红叶小区 植物园小区 枫林雅居",
         "fenglin:枫林社区 hongye:红叶社区"),
        ("tielu", "铁路街道", "铁路东街 站前路 机务段路", "铁路新村 站前小区 机务段宿舍 铁苑小区",
         "zhanqian:站前社区 tieluxincun:铁路新村社区 jiwuduan:机务段社区"),
        ("quanshui", "泉水镇", "泉水大街 温泉路 镇西路", "温泉花园 泉水新村",
         "quanshui:泉水社区 shangquan:上泉村 xiaquan:下泉村"),
    )),
    ("qingshi", "青石县", "Qingshi County", (36.30, 36.54, 117.10, 117.40), (
        ("chengguan", "城关镇", "县前街 人民路 青石大道 建设路", "青石名苑 人民小区 城关新区 县前花园",
         "xianqian:县前社区 renminlu:人民路社区 chengnan:城南社区 chengxi:城西村"),
        ("liuwan", "柳湾镇", "柳湾正街 湾里路", "柳湾集镇安置区",
         "liuwan:柳湾村 lingxia:岭下村 zhangjiazhuang:张家庄村"),
        ("baishi", "白石乡", "白石街 乡政府路", "白石小区",
         "baishi:白石村 shimen:石门村"),
        ("taohua", "桃花镇", "桃花街 果园路 桃源路", "桃花新村",
         "taohua:桃花社区 taoyuan:桃园村 xinglin:杏林村"),
    )),
    ("yunling", "云岭县", "Yunling County", (36.78, 37.02, 117.30, 117.62), (
        ("yuncheng", "云城街道", "云城大道 岭南路 文昌街", "云城华府 文昌小区 岭南花园 教师新村",
         "wenchang:文昌社区 lingnan:岭南社区 yuncheng:云城社区"),
        ("gaoping", "高坪镇", "高坪街 坪上路", "高坪小区",
         "gaoping:高坪社区 pingshang:坪上村 majiaao:马家坳村"),
        ("qingquan", "清泉镇", "清泉街 茶园路", "清泉佳苑",
         "qingquan:清泉村 chayuan:茶园村 zhulin:竹林村"),
        ("songshan", "松山乡", "松山街 林场路", "松山小区",
         "songshan:松山村 yingzui:鹰嘴村"),
    )),
)
# fmt: on

_STREET_SUFFIX_EN = {"街道": "Subdistrict", "镇": "Town", "乡": "Township"}


def _street_en(code: str, name: str) -> str:
    suffix = next(en for zh, en in _STREET_SUFFIX_EN.items() if name.endswith(zh))
    return f"{code.capitalize()} {suffix}"


def _community_en(pinyin: str, name: str) -> str:
    return f"{pinyin.capitalize()} {'Village' if name.endswith('村') else 'Community'}"


def _build() -> tuple[tuple[DemoRegion, ...], dict[str, StreetPlaces], dict[str, BoundingBox]]:
    regions = [DemoRegion(CITY_CODE, CITY_NAME, CITY_NAME_EN, "city", None)]
    places: dict[str, StreetPlaces] = {}
    boxes: dict[str, BoundingBox] = {}
    for code, name, name_en, box, streets in _DISTRICTS:
        regions.append(DemoRegion(code, name, name_en, "district", CITY_CODE))
        boxes[code] = BoundingBox(*box)
        for street, street_name, roads, estates, communities in streets:
            regions.append(DemoRegion(street, street_name, _street_en(street, street_name), "street", code))
            places[street] = StreetPlaces(street, tuple(roads.split()), tuple(estates.split()))
            for item in communities.split():
                pinyin, community_name = item.split(":")
                regions.append(
                    DemoRegion(
                        f"{street}-{pinyin}",
                        community_name,
                        _community_en(pinyin, community_name),
                        "community",
                        street,
                    )
                )
    return tuple(regions), places, boxes


REGIONS, STREET_PLACES, DISTRICT_BOUNDS = _build()
"""All regions, parents before children; roads and estates per street code; bounding box per district."""


def is_village(region: DemoRegion) -> bool:
    """True for a rural community (村), whose addresses are village groups rather than estates."""
    return region.level == "community" and region.name.endswith("村")
