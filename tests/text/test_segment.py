from __future__ import annotations

import pickle

from gongzhi.text.segment import Segmenter


def test_user_words_stay_whole() -> None:
    text = "燕子山路的路灯坏了"
    assert "燕子山路" not in Segmenter().cut(text)
    assert Segmenter(["燕子山路"]).cut(text)[0] == "燕子山路"


def test_user_dictionaries_do_not_leak_between_segmenters() -> None:
    Segmenter(["望月湖街道办"]).cut("望月湖街道办")
    assert "望月湖街道办" not in Segmenter().cut("望月湖街道办门口")


def test_whitespace_is_not_a_word_and_joined_uses_single_spaces() -> None:
    seg = Segmenter()
    assert all(not w.isspace() for w in seg.cut("路灯  坏了 "))
    assert "  " not in seg.joined("路灯  坏了")


def test_segmenter_survives_pickling_with_its_words() -> None:
    seg = pickle.loads(pickle.dumps(Segmenter(["燕子山路"])))
    assert seg.cut("燕子山路")[0] == "燕子山路"
