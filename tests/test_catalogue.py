"""The catalogue is the one place texts are declared: every text is there in both
languages, and what a text names in {braces} is declared."""
import string

import pytest

from saleor_attention.reasons import CATALOGUE, EN, JA, SYSTEM_TEXTS, system_text


def named(text):
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("code", list(CATALOGUE))
def test_a_reasons_texts_name_only_its_declared_parameters(code):
    reason = CATALOGUE[code]
    for ja, en in reason.staff.values():
        assert ja and en
        assert named(ja) | named(en) <= set(reason.parameters)
    for ja, en in (reason.customer, reason.guidance):
        assert ja and en and not named(ja) | named(en)


@pytest.mark.parametrize("key", list(SYSTEM_TEXTS))
def test_system_texts_have_both_languages_with_the_same_parameters(key):
    ja, en = SYSTEM_TEXTS[key]
    assert named(ja) == named(en)
    values = {name: "x" for name in named(ja)}
    assert system_text(key, JA, **values) != system_text(key, EN, **values)


def test_customer_texts_never_reveal_the_staff_reason():
    for reason in CATALOGUE.values():
        for language in (0, 1):
            customer = reason.customer[language]
            assert "ブラックリスト" not in customer and "blacklist" not in customer.lower()
