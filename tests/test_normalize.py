"""Japanese match keys: one person, typed many ways, one key."""
import pytest

from saleor_attention.normalize import digits_key, email_key, phone_key, text_key


@pytest.mark.parametrize(
    "typed",
    ["ヤマダ タロウ", "ﾔﾏﾀﾞ ﾀﾛｳ", "やまだ　たろう", "やまだたろう", " ヤマダ　　タロウ "],
)
def test_kana_names_in_every_width_and_script(typed):
    assert text_key(typed) == "ヤマダタロウ"


@pytest.mark.parametrize("typed", ["山田 太郎", "山田　太郎", "山田太郎"])
def test_kanji_names_ignore_spaces(typed):
    assert text_key(typed) == "山田太郎"


@pytest.mark.parametrize(
    "typed",
    ["東京都千代田区千代田1-1", "東京都千代田区千代田１－１", "東京都千代田区千代田1ー1",
     "東京都 千代田区 千代田 １‐１"],
)
def test_addresses_ignore_width_spaces_and_hyphens(typed):
    assert text_key(typed) == "東京都千代田区千代田11"


def test_long_vowel_mark_in_a_name_is_kept():
    assert text_key("スズキ ユーコ") == "スズキユーコ"


@pytest.mark.parametrize("typed", ["090-1234-5678", "０９０－１２３４－５６７８", "090 1234 5678",
                                   "(090)1234-5678", "+81 90-1234-5678", "＋８１９０１２３４５６７８"])
def test_phone_numbers(typed):
    assert phone_key(typed) == "09012345678"


@pytest.mark.parametrize("typed", ["100-0001", "〒100-0001", "１００－０００１", "1000001", "〒１００ー０００１"])
def test_postal_codes(typed):
    assert digits_key(typed) == "1000001"


def test_emails():
    assert email_key(" Taro.Yamada@Example.JP ") == email_key("ｔａｒｏ.yamada@example.jp")


@pytest.mark.parametrize(
    "typed", ["ﾔﾏﾀﾞ", "やまだ", "ヤマダ", "ヤマタ゛", "やまた゛", "ﾔﾏﾀ゛"],
)
def test_half_width_full_width_and_hiragana_readings_give_one_key(typed):
    assert text_key(typed) == "ヤマダ"


@pytest.mark.parametrize("typed", ["ユーコ", "ユ-コ", "ﾕｰｺ", "ゆーこ", "ユ－コ"])
def test_a_minus_between_kana_is_the_long_vowel_mark(typed):
    assert text_key(typed) == "ユーコ"


@pytest.mark.parametrize("typed", ["ジョン・スミス", "ｼﾞｮﾝ･ｽﾐｽ", "じょん すみす"])
def test_a_middle_dot_between_name_parts_is_a_space(typed):
    assert text_key(typed) == "ジョンスミス"


def test_a_hyphen_before_a_room_number_is_still_dropped():
    assert text_key("ハイツ-101") == text_key("ハイツ101") == "ハイツ101"
