from __future__ import annotations

import unicodedata

import pytest

from gongzhi.errors import InvalidInput
from gongzhi.text import normalise as normalise_module
from gongzhi.text.normalise import (
    BANK_CARD_MASK,
    ID_CARD_MASK,
    PHONE_MASK,
    clean,
    mask_personal_data,
    normalise,
    require_chinese,
)


def test_traditional_becomes_simplified() -> None:
    assert clean("關於學校門口交通擁堵的問題") == "关于学校门口交通拥堵的问题"


def test_teddy_leading_whitespace_and_odd_spaces_are_collapsed() -> None:
    raw = "\n\t\t\t\t\t\tA3区大道\u3000西行便道\u00a0人行道\t\t\n"
    assert clean(raw) == "A3区大道 西行便道 人行道"


def test_zero_width_and_bom_are_dropped() -> None:
    assert clean("\ufeff路灯\u200b不亮\u200d了\u00ad") == "路灯不亮了"


def test_full_width_letters_and_digits_are_folded() -> None:
    assert clean("Ａ市１２路公交车（ＫＴＶ）") == "A市12路公交车(KTV)"


def test_huge_text_is_cut() -> None:
    assert len(clean("噪音" * 100_000, max_chars=1000)) == 1000


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("我的电话13812345678，请回电", f"我的电话{PHONE_MASK},请回电"),
        ("联系方式：+86 139-1234-5678", f"联系方式:{PHONE_MASK}"),
        ("手机１５９ ８７６５ ４３２１谢谢", f"手机{PHONE_MASK}谢谢"),
        ("身份证号430102198807153216", f"身份证号{ID_CARD_MASK}"),
        ("身份证43010219900101123X办理", f"身份证{ID_CARD_MASK}办理"),
        ("工资卡6222021234567890123没到账", f"工资卡{BANK_CARD_MASK}没到账"),
        ("卡号 6217 0012 3456 7890 请核实", f"卡号 {BANK_CARD_MASK} 请核实"),
    ],
)
def test_personal_data_is_masked(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


def test_ordinary_numbers_are_not_masked() -> None:
    text = "2019年12月投诉了3次，12345热线，金额5000元，12路公交"
    assert mask_personal_data(text) == text


def test_masking_can_be_switched_off() -> None:
    assert normalise("电话13812345678", mask=False) == "电话13812345678"


def test_non_text_is_refused() -> None:
    with pytest.raises(InvalidInput, match="expected the message as text"):
        normalise(None)  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["", "   \u3000\n\t"])
def test_empty_text_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput, match="empty"):
        require_chinese(clean(text))


def test_text_without_chinese_is_refused() -> None:
    with pytest.raises(InvalidInput, match="no Chinese characters"):
        require_chinese("The street light on Main Road is broken")


@pytest.mark.parametrize(
    "raw",
    [
        "\n\t\t\t市民来信：路灯坏了\r\n请修理",
        "零宽\u200b空格\ufeff和\u00ad软连字符",
        "控制\x07字符\x1b与\x85换行\u2028段落",
        "普通的一句话，没有任何特殊字符。",
        "\x00\x01混合\u200d\t\n末尾 ",
    ],
)
def test_skipping_the_translate_changes_nothing(raw: str) -> None:
    """``clean`` skips the invisible-character table when a search finds nothing it would change."""
    expected = unicodedata.normalize("NFKC", raw)
    expected = normalise_module._t2s().convert(expected).translate(normalise_module._invisible_table())
    assert clean(raw) == normalise_module._SPACE_RUN.sub(" ", expected).strip()
