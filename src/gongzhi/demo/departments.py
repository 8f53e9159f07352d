"""Departments of the demo city: the 12345 office, municipal bureaus, utilities, districts and streets.

Mirrors ``gongzhi.directory.models.Department``. ``kind`` is one of "hotline", "bureau", "district",
"street", "enterprise"; ``supervisor`` is the code of the unit that presses (督办) this one when it is
late: bureaus and district governments answer to the 12345 office, which answers to the city
government's inspection office (督查室); utilities answer to the bureau that regulates them; street
offices and town governments to their district government.
"""

from __future__ import annotations

from dataclasses import dataclass

from gongzhi.demo.regions import CITY_CODE, CITY_NAME, REGIONS

HOTLINE_CODE = "rx12345"
INSPECTION_CODE = "dcs"


@dataclass(frozen=True)
class DemoDepartment:
    """One department; ``region`` is the code of the area it serves, ``short_name`` how replies name it."""

    code: str
    name: str
    name_en: str
    kind: str
    supervisor: str | None
    region: str | None
    short_name: str


# code, name without the city prefix, English name, short name, supervisor
# fmt: off
_BUREAUS: tuple[tuple[str, str, str, str, str], ...] = (
    ("zjj", "住房和城乡建设局", "Housing and Urban-Rural Development Bureau", "市住建局", HOTLINE_CODE),
    ("sthjj", "生态环境局", "Ecology and Environment Bureau", "市生态环境局", HOTLINE_CODE),
    ("jtj", "交通运输局", "Transport Bureau", "市交通运输局", HOTLINE_CODE),
    ("jyj", "教育局", "Education Bureau", "市教育局", HOTLINE_CODE),
    ("wjw", "卫生健康委员会", "Health Commission", "市卫健委", HOTLINE_CODE),
    ("rsj", "人力资源和社会保障局", "Human Resources and Social Security Bureau", "市人社局", HOTLINE_CODE),
    ("scjgj", "市场监督管理局", "Administration for Market Regulation", "市市场监管局", HOTLINE_CODE),
    ("cgj", "城市管理局", "Urban Management Bureau", "市城管局", HOTLINE_CODE),
    ("gaj", "公安局", "Public Security Bureau", "市公安局", HOTLINE_CODE),
    ("jjzd", "公安局交通警察支队", "Traffic Police Detachment of the Public Security Bureau", "市交警支队",
     "gaj"),
    ("swj", "水务局", "Water Resources Bureau", "市水务局", HOTLINE_CODE),
    ("zrzyj", "自然资源和规划局", "Natural Resources and Planning Bureau", "市自然资源和规划局",
     HOTLINE_CODE),
    ("mzj", "民政局", "Civil Affairs Bureau", "市民政局", HOTLINE_CODE),
    ("whlyj", "文化旅游广电局", "Culture, Tourism, Radio and Television Bureau", "市文旅广电局",
     HOTLINE_CODE),
    ("ybj", "医疗保障局", "Healthcare Security Administration", "市医保局", HOTLINE_CODE),
    ("gjj", "住房公积金管理中心", "Housing Provident Fund Management Centre", "市公积金中心", HOTLINE_CODE),
    ("yjj", "应急管理局", "Emergency Management Bureau", "市应急管理局", HOTLINE_CODE),
    ("swuj", "商务局", "Commerce Bureau", "市商务局", HOTLINE_CODE),
    ("nyj", "农业农村局", "Agriculture and Rural Affairs Bureau", "市农业农村局", HOTLINE_CODE),
    ("fgw", "发展和改革委员会", "Development and Reform Commission", "市发改委", HOTLINE_CODE),
    ("sfj", "司法局", "Justice Bureau", "市司法局", HOTLINE_CODE),
    ("tyjrj", "退役军人事务局", "Veterans Affairs Bureau", "市退役军人事务局", HOTLINE_CODE),
    ("zwfw", "政务服务和大数据管理局", "Government Services and Big Data Administration", "市政务服务局",
     HOTLINE_CODE),
    ("xfzd", "消防救援支队", "Fire and Rescue Detachment", "市消防救援支队", HOTLINE_CODE),
    ("yzj", "邮政管理局", "Postal Administration", "市邮政管理局", HOTLINE_CODE),
    ("cl", "残疾人联合会", "Disabled Persons' Federation", "市残联", HOTLINE_CODE),
)

# code, full name, English name, short name, supervising bureau
_ENTERPRISES: tuple[tuple[str, str, str, str, str], ...] = (
    ("gdgs", "国网澜江供电公司", "State Grid Lanjiang Power Supply Company", "供电公司", "fgw"),
    ("sjt", "澜江水务集团有限公司", "Lanjiang Water Group Co., Ltd.", "水务集团", "swj"),
    ("rqjt", "澜江燃气集团有限公司", "Lanjiang Gas Group Co., Ltd.", "燃气集团", "zjj"),
    ("rljt", "澜江热力有限公司", "Lanjiang Heating Co., Ltd.", "热力公司", "cgj"),
)
# fmt: on

_STREET_OFFICE = {"街道": ("办事处", "Office"), "镇": ("人民政府", "Government"), "乡": ("人民政府", "Government")}


def street_office_code(street: str) -> str:
    """The department code of a street office or town government, from the street's region code."""
    return f"st-{street}"


def district_government_code(district: str) -> str:
    """The department code of a district or county government, from the district's region code."""
    return f"gov-{district}"


def _city_units() -> list[DemoDepartment]:
    units = [
        DemoDepartment(
            INSPECTION_CODE,
            f"{CITY_NAME}人民政府督查室",
            "Inspection Office of the Lanjiang Municipal People's Government",
            "hotline",
            None,
            CITY_CODE,
            "市政府督查室",
        ),
        DemoDepartment(
            HOTLINE_CODE,
            f"{CITY_NAME}12345政务服务便民热线管理办公室",
            "Lanjiang 12345 Government Service Hotline Office",
            "hotline",
            INSPECTION_CODE,
            CITY_CODE,
            "12345热线办",
        ),
    ]
    for code, name, name_en, short, supervisor in _BUREAUS:
        units.append(
            DemoDepartment(code, CITY_NAME + name, f"Lanjiang {name_en}", "bureau", supervisor, CITY_CODE, short)
        )
    for code, name, name_en, short, supervisor in _ENTERPRISES:
        units.append(DemoDepartment(code, name, name_en, "enterprise", supervisor, CITY_CODE, short))
    return units


def _local_units() -> list[DemoDepartment]:
    districts: list[DemoDepartment] = []
    streets: list[DemoDepartment] = []
    names = {r.code: r for r in REGIONS}
    for region in REGIONS:
        if region.level == "district":
            districts.append(
                DemoDepartment(
                    district_government_code(region.code),
                    f"{CITY_NAME}{region.name}人民政府",
                    f"{region.name_en} People's Government",
                    "district",
                    HOTLINE_CODE,
                    region.code,
                    f"{region.name}政府",
                )
            )
        elif region.level == "street":
            district = names[region.parent or ""]
            office, office_en = next(v for k, v in _STREET_OFFICE.items() if region.name.endswith(k))
            streets.append(
                DemoDepartment(
                    street_office_code(region.code),
                    f"{district.name}{region.name}{office}",
                    f"{region.name_en} {office_en}, {district.name_en}",
                    "street",
                    district_government_code(district.code),
                    region.code,
                    region.name + ("办事处" if region.name.endswith("街道") else "政府"),
                )
            )
    return districts + streets


DEPARTMENTS: tuple[DemoDepartment, ...] = tuple(_city_units() + _local_units())
"""Every department, each listed after the unit that supervises it."""
