"""All topics of the demo corpus, one per third-level category of the catalogue."""

from __future__ import annotations

from functools import cache

from gongzhi.demo import topics_city, topics_env_transport, topics_people, topics_services
from gongzhi.demo.topics import Topic

TOPICS: tuple[Topic, ...] = (
    *topics_city.TOPICS,
    *topics_env_transport.TOPICS,
    *topics_people.TOPICS,
    *topics_services.TOPICS,
)


@cache
def _by_category() -> dict[str, Topic]:
    return {t.category: t for t in TOPICS}


def topic_for(category: str) -> Topic:
    """The topic of a third-level category code."""
    try:
        return _by_category()[category]
    except KeyError:
        raise KeyError(f"no demo topic for category {category!r}; add one to a gongzhi.demo.topics_* module") from None
