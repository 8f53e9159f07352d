"""Fake citizens: common Chinese names and mobile numbers in a block no real subscriber holds.

Numbers are 170/171 (virtual carriers) followed by 555 and five digits, so demo data cannot ring a
real phone by accident as long as nobody treats it as real; do not use them outside demos.
"""

from __future__ import annotations

import random

# The most common surnames with rough relative frequencies (per mille of the population).
_SURNAMES = (
    ("王", 72), ("李", 72), ("张", 68), ("刘", 54), ("陈", 46), ("杨", 32), ("黄", 23), ("赵", 22),
    ("吴", 20), ("周", 19), ("徐", 14), ("孙", 14), ("马", 13), ("朱", 12), ("胡", 11), ("郭", 11),
    ("何", 10), ("林", 10), ("高", 10), ("罗", 9), ("郑", 9), ("梁", 8), ("谢", 7), ("宋", 7),
    ("唐", 7), ("许", 6), ("韩", 6), ("邓", 6), ("冯", 6), ("曹", 5), ("彭", 5), ("曾", 5),
    ("肖", 5), ("田", 5), ("董", 5), ("潘", 4), ("袁", 4), ("蔡", 4), ("蒋", 4), ("余", 4),
    ("于", 4), ("杜", 4), ("叶", 4), ("程", 4), ("魏", 3), ("苏", 3), ("吕", 3), ("丁", 3),
    ("任", 3), ("卢", 3), ("姚", 3), ("沈", 3), ("钟", 3), ("姜", 3), ("崔", 3), ("谭", 3),
    ("陆", 3), ("范", 2), ("汪", 2), ("廖", 2), ("石", 2), ("金", 2), ("贾", 2), ("夏", 2),
    ("韦", 2), ("付", 2), ("方", 2), ("邹", 2), ("熊", 2), ("白", 2), ("孟", 2), ("秦", 2),
    ("欧阳", 1), ("司马", 0.3), ("诸葛", 0.2),
)  # fmt: skip
_SURNAME_NAMES = tuple(s for s, _ in _SURNAMES)
_SURNAME_WEIGHTS = tuple(w for _, w in _SURNAMES)

_GIVEN_FIRST = "建国志伟秀丽海桂玉红晓春国明永嘉子雨思欣佳梓浩宇俊文婷丽静敏立德慧淑宏亚雪华兰金凤小"
_GIVEN_SECOND = "华平军强英芳娟敏杰磊涛斌勇刚霞燕琳洁萍辉鹏飞宇轩涵萱怡琪博然晨阳明东霖林峰玲梅珍"


def random_name(rng: random.Random) -> str:
    """A plausible full name: a common surname and a one- or two-character given name."""
    surname = rng.choices(_SURNAME_NAMES, weights=_SURNAME_WEIGHTS)[0]
    if rng.random() < 0.25:
        return surname + rng.choice(_GIVEN_SECOND)
    return surname + rng.choice(_GIVEN_FIRST) + rng.choice(_GIVEN_SECOND)


def random_mobile(rng: random.Random) -> str:
    """An 11-digit mobile number in the demo block 170555xxxxx / 171555xxxxx."""
    return f"{rng.choice(('170', '171'))}555{rng.randrange(100000):05d}"
