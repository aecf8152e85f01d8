"""The catalogue is the one place texts are declared: every text is there in both
languages, and what a text names in {braces} is declared."""
import string

import pytest

from saleor_attention.reasons import (
    CATALOGUE, EN, EVIDENCE_CODES, EVIDENCE_LABELS, JA, SYSTEM_TEXTS, system_text,
)


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


@pytest.mark.parametrize("code", list(CATALOGUE))
def test_a_reasons_evidence_is_labelled_in_both_languages_and_never_a_parameter(code):
    reason = CATALOGUE[code]
    for name in reason.evidence:
        ja, en = EVIDENCE_LABELS[name]
        assert ja and en
        assert name not in reason.parameters  # evidence is optional, parameters are not


def test_evidence_codes_have_both_languages():
    for ja, en in EVIDENCE_CODES.values():
        assert ja and en and ja != en


def test_evidence_follows_the_staff_text_and_never_the_customers():
    reason = CATALOGUE["BLACKLIST_CANDIDATE"]
    params = {"entry": "QXR0ZW50aW9uQmxhY2tsaXN0RW50cnk6Nw==", "matched": "PHONE,ADDRESS"}

    assert reason.staff_message(params, JA) == (
        "ブラックリスト客候補（一致した項目: 電話番号・住所、"
        "ブラックリスト登録: QXR0ZW50aW9uQmxhY2tsaXN0RW50cnk6Nw==）"
    )
    assert reason.staff_message(params, EN) == (
        "Possible blacklisted customer (matched: phone, address; "
        "blacklist entry: QXR0ZW50aW9uQmxhY2tsaXN0RW50cnk6Nw==)"
    )
    assert reason.staff_message({}, EN) == "Possible blacklisted customer"
    assert reason.customer_message(JA) == CATALOGUE["BLACKLIST_CANDIDATE"].customer[0]
