"""The demo jurisdiction in one place: 澜江市 (a fictional city), its regions, departments and catalogue.

Seeding code reads the tuples (each lists parents before children, so rows can be inserted in order)
and uses the look-ups here; the data itself lives in ``regions``, ``departments`` and ``catalogue``.

    >>> route("L0201", "dongmen")      # 占道经营 goes to the street office of the place
    'st-dongmen'
    >>> route("J0201", "dongmen")      # 停电 goes to the power company wherever it happens
    'gdgs'
"""

from __future__ import annotations

from functools import cache

from gongzhi.demo.catalogue import CATEGORIES, SLA_DEFAULTS, URGENCIES, DemoCategory, DemoSla
from gongzhi.demo.departments import (
    DEPARTMENTS,
    HOTLINE_CODE,
    INSPECTION_CODE,
    DemoDepartment,
    district_government_code,
    street_office_code,
)
from gongzhi.demo.regions import (
    CITY_CODE,
    CITY_NAME,
    CITY_NAME_EN,
    DISTRICT_BOUNDS,
    REGIONS,
    STREET_PLACES,
    BoundingBox,
    DemoRegion,
    StreetPlaces,
    is_village,
)

__all__ = [
    "CATEGORIES",
    "CITY_CODE",
    "CITY_NAME",
    "CITY_NAME_EN",
    "DEPARTMENTS",
    "DISTRICT_BOUNDS",
    "HOTLINE_CODE",
    "INSPECTION_CODE",
    "REGIONS",
    "SLA_DEFAULTS",
    "STREET_PLACES",
    "URGENCIES",
    "BoundingBox",
    "DemoCategory",
    "DemoDepartment",
    "DemoRegion",
    "DemoSla",
    "StreetPlaces",
    "category",
    "children",
    "department",
    "district_government_code",
    "district_of",
    "is_village",
    "region",
    "route",
    "street_office_code",
]


@cache
def _regions() -> dict[str, DemoRegion]:
    return {r.code: r for r in REGIONS}


@cache
def _departments() -> dict[str, DemoDepartment]:
    return {d.code: d for d in DEPARTMENTS}


@cache
def _categories() -> dict[str, DemoCategory]:
    return {c.code: c for c in CATEGORIES}


def region(code: str) -> DemoRegion:
    """The region with this code; KeyError names where to look if there is none."""
    try:
        return _regions()[code]
    except KeyError:
        raise KeyError(f"region {code!r} is not in the demo jurisdiction; see gongzhi.demo.regions") from None


def department(code: str) -> DemoDepartment:
    """The department with this code."""
    try:
        return _departments()[code]
    except KeyError:
        raise KeyError(f"department {code!r} is not in the demo jurisdiction; see gongzhi.demo.departments") from None


def category(code: str) -> DemoCategory:
    """The catalogue entry with this code."""
    try:
        return _categories()[code]
    except KeyError:
        raise KeyError(f"category {code!r} is not in the demo catalogue; see gongzhi.demo.catalogue") from None


def children(code: str) -> tuple[DemoRegion, ...]:
    """The regions directly under a region (districts of the city, streets of a district …)."""
    return tuple(r for r in REGIONS if r.parent == code)


def district_of(region_code: str) -> DemoRegion:
    """The district that a street or community lies in (a district is its own district)."""
    node = region(region_code)
    while node.level not in ("district", "city"):
        node = region(node.parent or "")
    if node.level != "district":
        raise ValueError(f"region {region_code!r} is the city, which lies in no district")
    return node


def route(category_code: str, street_code: str | None = None) -> str:
    """The department code that answers for a third-level category at a street (or anywhere)."""
    entry = category(category_code)
    if entry.department is None:
        raise ValueError(f"category {category_code!r} is level {entry.level}; only third-level categories route")
    if entry.route_by_region and street_code is not None:
        street = region(street_code)
        if street.level == "community":
            street = region(street.parent or "")
        return street_office_code(street.code)
    return entry.department
