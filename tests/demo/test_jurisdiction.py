"""The demo jurisdiction hangs together: codes unique, every reference resolves, routing works."""

from __future__ import annotations

import re

import pytest

from gongzhi.demo import jurisdiction as j
from gongzhi.demo.compose import fits, problems_for
from gongzhi.demo.corpus import TOPICS, topic_for
from gongzhi.demo.messages import communities_for
from gongzhi.demo.templates_problem import IMPACTS, PROBLEM_TEMPLATES
from gongzhi.demo.templates_reply import ACTIONS, ALTERNATES, ANSWERS, DUTIES, EXPLAINS, NEXT_STEPS, REFUSALS
from gongzhi.demo.timing import SEASONS
from gongzhi.demo.topics import Topic

ASCII_CODE = re.compile(r"^[a-z0-9][a-z0-9-]*$|^[A-Z][0-9]*$")


def _level(level: str) -> list[j.DemoRegion]:
    return [r for r in j.REGIONS if r.level == level]


def test_codes_are_unique_and_ascii() -> None:
    for rows in (j.REGIONS, j.DEPARTMENTS, j.CATEGORIES):
        codes = [row.code for row in rows]
        assert len(codes) == len(set(codes))
        assert all(ASCII_CODE.match(code) for code in codes), [c for c in codes if not ASCII_CODE.match(c)]


def test_region_tree_is_big_enough_and_well_formed() -> None:
    assert len(_level("city")) == 1
    assert len(_level("district")) >= 6
    assert len(_level("street")) >= 24
    for street in _level("street"):
        assert j.region(street.parent or "").level == "district"
        assert 2 <= len(j.children(street.code)) <= 4
    for community in _level("community"):
        assert j.region(community.parent or "").level == "street"
        assert community.name.endswith(("社区", "村"))


def test_parents_come_before_children() -> None:
    seen: set[str] = set()
    for region in j.REGIONS:
        assert region.parent is None or region.parent in seen
        seen.add(region.code)
    seen = set()
    for category in j.CATEGORIES:
        assert category.parent is None or category.parent in seen
        seen.add(category.code)


def test_every_street_has_places_and_every_district_a_box() -> None:
    for street in _level("street"):
        places = j.STREET_PLACES[street.code]
        assert len(places.roads) >= 2 and places.estates
    for district in _level("district"):
        box = j.DISTRICT_BOUNDS[district.code]
        assert box.south < box.north and box.west < box.east


def test_departments_cover_the_city_and_supervisors_exist() -> None:
    assert len(j.DEPARTMENTS) >= 25
    kinds = {d.kind for d in j.DEPARTMENTS}
    assert kinds == {"hotline", "bureau", "district", "street", "enterprise"}
    for dept in j.DEPARTMENTS:
        if dept.supervisor is not None:
            j.department(dept.supervisor)
        if dept.region is not None:
            j.region(dept.region)
    for street in _level("street"):
        office = j.department(j.street_office_code(street.code))
        assert office.kind == "street"
        assert office.supervisor == j.district_government_code(street.parent or "")
    for district in _level("district"):
        assert j.department(j.district_government_code(district.code)).supervisor == j.HOTLINE_CODE


def test_every_supervision_chain_ends_at_the_inspection_office() -> None:
    for dept in j.DEPARTMENTS:
        chain = [dept.code]
        while (supervisor := j.department(chain[-1]).supervisor) is not None:
            assert supervisor not in chain, f"supervision cycle {chain + [supervisor]}"
            chain.append(supervisor)
        assert chain[-1] == j.INSPECTION_CODE


def test_catalogue_has_three_levels_and_routes_to_existing_departments() -> None:
    by_level = {n: [c for c in j.CATEGORIES if c.level == n] for n in (1, 2, 3)}
    assert len(by_level[1]) >= 8 and len(by_level[2]) >= 30 and len(by_level[3]) >= 90
    for category in j.CATEGORIES:
        assert category.urgency in j.URGENCIES
        if category.level == 3:
            assert category.department is not None
            j.department(category.department)
            assert category.code.startswith(category.parent or "") and len(category.code) == 5
        else:
            assert category.department is None and not category.route_by_region


def test_sla_defaults() -> None:
    assert {(s.urgency, s.respond, s.resolve) for s in j.SLA_DEFAULTS} == {
        ("emergency", "2h", "24h"),
        ("outage", "2h", "24wh"),
        ("normal", "24wh", "7wd"),
        ("complex", "24wh", "15wd"),
    }


def test_urgency_hints() -> None:
    assert j.category("J0101").urgency == "outage"  # 停水
    assert j.category("J0201").urgency == "outage"  # 停电
    assert j.category("J0301").urgency == "emergency"  # 燃气泄漏
    assert j.category("A0401").urgency == "complex"


def test_route_by_region_picks_the_street_office() -> None:
    assert j.route("L0201", "dongmen") == "st-dongmen"
    assert j.route("L0201", "dongmen-gulou") == "st-dongmen"  # a community routes via its street
    assert j.route("L0201") == "cgj"  # no place known: the fallback
    assert j.route("J0201", "dongmen") == "gdgs"
    with pytest.raises(ValueError, match="third-level"):
        j.route("L02")
    with pytest.raises(KeyError, match="demo catalogue"):
        j.route("Z9999")


def test_district_of() -> None:
    assert j.district_of("dongmen-gulou").code == "lancheng"
    assert j.district_of("liuwan").code == "qingshi"


def test_every_category_has_one_topic_with_enough_phrases() -> None:
    thirds = {c.code for c in j.CATEGORIES if c.level == 3}
    assert len(TOPICS) == len(thirds) and {t.category for t in TOPICS} == thirds
    for topic in TOPICS:
        assert topic_for(topic.category) is topic
        assert topic.subjects and topic.questions and topic.suggestions
        assert topic.season in SEASONS
        for setting in _settings(topic):
            assert len(problems_for(topic, setting)) >= 2, (topic.category, setting)


def _settings(topic: Topic) -> list[str]:
    """The settings ("urban", "rural") a topic's messages can be written in."""
    return ["urban", "rural"] if topic.setting == "any" else [topic.setting]


def test_templates_fit_every_topic() -> None:
    for letter, templates in PROBLEM_TEMPLATES.items():
        assert len(templates) >= 8, letter
    for topic in TOPICS:
        assert communities_for(topic.setting)[0], topic.category
        for setting in _settings(topic):
            fitting = [t for t in PROBLEM_TEMPLATES[topic.category[0]] if fits(t, topic, setting)]
            assert len(fitting) >= 5, (topic.category, setting)


def test_every_duty_holder_has_a_legal_basis() -> None:
    routed = {c.department for c in j.CATEGORIES if c.department}
    alternates = {code for codes in ALTERNATES.values() for code in codes}
    assert routed | alternates <= set(DUTIES)
    first_levels = {c.code for c in j.CATEGORIES if c.level == 1}
    assert first_levels == set(ALTERNATES)


def test_every_field_has_reply_phrases_and_impacts() -> None:
    first_levels = {c.code for c in j.CATEGORIES if c.level == 1}
    for table in (ACTIONS, EXPLAINS, REFUSALS, NEXT_STEPS, PROBLEM_TEMPLATES):
        assert set(table) == first_levels
    assert first_levels <= set(IMPACTS)
    assert all(j.category(key).level < 3 for key in IMPACTS)
    assert all(j.category(key) for key in ANSWERS)
