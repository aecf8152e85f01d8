"""The reason catalogue: every reason an order can need attention, declared once.

Rules, services, GraphQL and emails read their texts from here; no other module
spells a message. Staff texts are the shop manual's Japanese wording (SPEC §4) with an
English twin; customer texts never reveal blacklists or fraud suspicion.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Mapping, Optional, Tuple

JA = "ja"
EN = "en"
LANGUAGES = (JA, EN)

DEFAULT_VARIANT = "default"


def language_of(code: str) -> str:
    """The plugin's language for a language code ("ja", "ja-JP" → ja; any other → en)."""
    return JA if str(code or "").lower().replace("_", "-").split("-")[0] == JA else EN

# A text in both languages: (ja, en).
Text = Tuple[str, str]


class MissingParameter(KeyError):
    """A reason's text names a parameter the flag was not given."""


@dataclass(frozen=True)
class Reason:
    code: str
    # Staff-facing texts by variant; most reasons have only DEFAULT_VARIANT.
    staff: Mapping[str, Text]
    customer: Text
    guidance: Text
    # What the customer can do about it, told in an e-mail (notifications.emails) with
    # the shop's storefront link; reasons without one e-mail no one.
    customer_action: Optional[Text] = None
    # Set only by staff or apps, never by a rule.
    manual: bool = False
    # What its staff texts name in {braces}: a flag of this reason must carry them.
    parameters: Tuple[str, ...] = field(default=())
    # The flag parameters that say why it was raised (EVIDENCE_LABELS names each),
    # shown after the staff text, in this order, when the flag carries them. Flags
    # set by hand or before a rule kept evidence show the text alone.
    evidence: Tuple[str, ...] = field(default=())

    def staff_message(self, params: Optional[Mapping] = None, language: str = JA) -> str:
        params = dict(params or {})
        texts = self.staff.get(params.get("variant", DEFAULT_VARIANT))
        if texts is None:
            raise MissingParameter(f"{self.code} has no variant {params['variant']!r}")
        missing = [name for name in self.parameters if name not in params]
        if missing:
            raise MissingParameter(f"{self.code} needs parameter {missing[0]!r}")
        text = _pick(texts, language).format(**params)
        shown = [f"{label}: {value}" for _key, label, value in self.evidence_of(params, language)]
        if not shown:
            return text
        if language == EN:
            return f"{text} ({'; '.join(shown)})"
        return f"{text}（{'、'.join(shown)}）"

    def evidence_of(self, params: Optional[Mapping], language: str = JA) -> List[Tuple[str, str, str]]:
        """(parameter, label, value as staff read it) of each piece of evidence the
        flag's parameters carry."""
        params = params or {}
        return [
            (name, _pick(EVIDENCE_LABELS[name], language), evidence_value(name, params[name], language))
            for name in self.evidence
            if params.get(name) not in (None, "")
        ]

    @property
    def emails_customer(self) -> bool:
        return self.customer_action is not None

    def customer_message(self, language: str = JA) -> str:
        return _pick(self.customer, language)

    def customer_action_text(self, language: str = JA) -> str:
        return _pick(self.customer_action, language) if self.customer_action else ""

    def guidance_text(self, language: str = JA) -> str:
        return _pick(self.guidance, language)


def _pick(texts: Text, language: str) -> str:
    return texts[1] if language == EN else texts[0]


# What each piece of evidence a flag keeps is called (its parameter → ja, en).
EVIDENCE_LABELS: Dict[str, Text] = {
    "matched": ("一致した項目", "matched"),
    "entry": ("ブラックリスト登録", "blacklist entry"),
    "other_entries": ("ほかに一致した登録", "other matching entries"),
    "code": ("与信結果コード", "result code"),
    "event": ("連携イベントID", "provider event"),
    "postal_code": ("郵便番号", "postal code"),
    "island_list": ("該当リスト", "listed in"),
    "gateway": ("決済方法", "payment gateway"),
    "message": ("決済代行のメッセージ", "gateway message"),
    "reference": ("決済番号", "payment reference"),
    "carrier": ("配送業者", "carrier"),
    "tracking_number": ("伝票番号", "tracking number"),
    "return_reason": ("戻り理由", "return reason"),
    "subscription": ("一致した定期", "matching subscription"),
}
# Evidence whose value is a comma-separated list of codes, shown in staff's words.
CODED_EVIDENCE = ("matched", "island_list")
EVIDENCE_CODES: Dict[str, Text] = {
    "CUSTOMER": ("会員アカウント", "customer account"),
    "PHONE": ("電話番号", "phone"),
    "EMAIL": ("メールアドレス", "email"),
    "NAME_POSTAL_CODE": ("氏名+郵便番号", "name + postal code"),
    "NAME": ("氏名", "name"),
    "POSTAL_CODE": ("郵便番号", "postal code"),
    "NAME_READING_POSTAL_CODE": ("フリガナ+郵便番号", "name reading + postal code"),
    "ADDRESS": ("住所", "address"),
    "BUILT_IN": ("標準の離島リスト", "the built-in remote-island list"),
    "ADDED": ("ショップが追加した郵便番号", "the shop's added postal codes"),
}


def evidence_value(name: str, value, language: str = JA) -> str:
    """A piece of evidence as staff read it: codes in words, the rest as kept."""
    if name not in CODED_EVIDENCE:
        return str(value)
    words = [
        _pick(EVIDENCE_CODES[code], language) if code in EVIDENCE_CODES else code
        for code in str(value).split(",") if code
    ]
    return ", ".join(words) if language == EN else "・".join(words)


_CUSTOMER_CONTACT: Text = (
    "ご注文内容の確認が必要なため、現在この操作はご利用いただけません。ショップまでお問い合わせください。",
    "We need to check your order before it can be changed. Please contact the shop.",
)
_CUSTOMER_PAYMENT: Text = (
    "お支払いの確認ができなかったため、ご注文を保留しています。ショップからのご連絡をお待ちください。",
    "We could not confirm your payment, so your order is on hold. The shop will contact you.",
)
_ACTION_CHANGE_PAYMENT: Text = (
    "お手数ですが、下記のページからお支払い方法の変更をお願いいたします。",
    "Please change the payment method on the page below.",
)
_CUSTOMER_DELIVERY: Text = (
    "お届けについて確認が必要なため、ご注文を保留しています。ショップまでお問い合わせください。",
    "Your delivery needs to be checked, so your order is on hold. Please contact the shop.",
)
_GUIDE_PROVIDER: Text = (
    "決済代行会社に与信結果を問い合わせてください。",
    "Contact the payment provider about the credit check result.",
)
_GUIDE_CARD: Text = (
    "お客様にカード情報の確認またはお支払い方法の変更を依頼し、決済し直してから解除してください。",
    "Ask the customer to check the card or change the payment method, charge again, "
    "then release.",
)
_GUIDE_BLACKLIST: Text = (
    "注文者情報とブラックリストを照合し、出荷するか判断してから解除してください。",
    "Compare the purchaser with the blacklist, decide whether to ship, then release.",
)

_REJECTED = "注文ステータスを「与信NG」、「要対応」に変更"

CATALOGUE: Dict[str, Reason] = {
    reason.code: reason
    for reason in (
        Reason(
            code="DEFERRED_PAYMENT_REJECTED",
            staff={
                "first_order_no_cod": (
                    "初回注文だったが、選択中の配送方法が「代引き」を指定できないため、" + _REJECTED,
                    "First order, but the chosen shipping method cannot take cash on "
                    "delivery: credit check rejected, attention required.",
                ),
                "repeat_order": (
                    "注文二回目以降のため、" + _REJECTED,
                    "Second or later order: credit check rejected, attention required.",
                ),
                "no_cod": (
                    "選択中の配送方法が「代引き」を指定できないため、" + _REJECTED,
                    "The chosen shipping method cannot take cash on delivery: credit "
                    "check rejected, attention required.",
                ),
                DEFAULT_VARIANT: (
                    _REJECTED,
                    "Credit check rejected, attention required.",
                ),
            },
            customer=_CUSTOMER_PAYMENT,
            guidance=(
                "お客様に確認のうえ、お支払い方法を変更してから解除してください。",
                "Confirm with the customer and change the payment method, then release.",
            ),
            evidence=("code", "event"),
            customer_action=_ACTION_CHANGE_PAYMENT,
        ),
        Reason(
            code="DEFERRED_PAYMENT_UNRECOGNIZED",
            staff={
                DEFAULT_VARIANT: (
                    "与信結果「{code}」は、識別できないステータスです。",
                    "Credit check result “{code}” is not a recognised status.",
                )
            },
            customer=_CUSTOMER_PAYMENT,
            guidance=_GUIDE_PROVIDER,
            parameters=("code",),
            evidence=("event",),
        ),
        Reason(
            code="DEFERRED_PAYMENT_AMOUNT_MISMATCH",
            staff={
                DEFAULT_VARIANT: (
                    "入金額【{paid}】が注文金額【{total}】と一致しません。",
                    "The credit-checked amount [{paid}] does not match the order total "
                    "[{total}].",
                )
            },
            customer=_CUSTOMER_PAYMENT,
            guidance=(
                "与信をやり直してから出荷報告をしてください。",
                "Run the credit check again, then report the shipment.",
            ),
            parameters=("paid", "total"),
        ),
        Reason(
            code="BLACKLIST_CANDIDATE",
            staff={DEFAULT_VARIANT: ("ブラックリスト客候補", "Possible blacklisted customer")},
            customer=_CUSTOMER_CONTACT,
            guidance=_GUIDE_BLACKLIST,
            evidence=("matched", "entry", "other_entries"),
        ),
        Reason(
            code="BLACKLISTED_CUSTOMER",
            staff={DEFAULT_VARIANT: ("ブラックリスト客", "Blacklisted customer")},
            customer=_CUSTOMER_CONTACT,
            guidance=_GUIDE_BLACKLIST,
            evidence=("matched", "entry", "other_entries"),
        ),
        Reason(
            code="RENEWAL_PAYMENT_FAILED",
            staff={DEFAULT_VARIANT: ("定期決済失敗", "Subscription renewal payment failed")},
            customer=_CUSTOMER_PAYMENT,
            guidance=(
                "お客様にカードの確認を依頼してください。この注文を取り消すと、"
                "次回の定期注文が取り消されます(今回の注文ではありません)。",
                "Ask the customer to check the card. Cancelling this order cancels the "
                "upcoming renewal, not the current order.",
            ),
            evidence=("gateway", "message", "reference"),
        ),
        Reason(
            code="REMOTE_ISLAND",
            staff={DEFAULT_VARIANT: ("離島からのご注文", "Order from a remote island")},
            customer=_CUSTOMER_DELIVERY,
            guidance=(
                "送料と配送間隔を確認して注文を修正し、必要に応じてお客様に連絡してください。",
                "Check the shipping fee and delivery interval, fix the order, and "
                "contact the customer if needed.",
            ),
            evidence=("postal_code", "island_list"),
        ),
        Reason(
            code="SUBSCRIPTION_DISCOUNT_CANDIDATE",
            staff={
                DEFAULT_VARIANT: ("定期割引候補", "Subscription-member discount candidate")
            },
            customer=_CUSTOMER_CONTACT,
            guidance=(
                "既存の定期会員と同一人物か確認し、定期会員割引を適用するか判断してください。",
                "Check whether the purchaser is an existing subscriber and decide on "
                "the subscription-member discount.",
            ),
            evidence=("matched", "subscription"),
        ),
        Reason(
            code="COD_NOT_ALLOWED",
            staff={
                DEFAULT_VARIANT: (
                    "代引きを利用できない設定のため、注文ステータスを「要対応」に変更",
                    "Cash on delivery is not allowed for this order: attention required.",
                )
            },
            customer=_CUSTOMER_PAYMENT,
            guidance=(
                "お客様に連絡し、代引き以外のお支払い方法に変更してから解除してください。",
                "Contact the customer, change to a payment method other than cash on "
                "delivery, then release.",
            ),
            evidence=("gateway",),
            customer_action=_ACTION_CHANGE_PAYMENT,
        ),
        Reason(
            code="PAYMENT_FAILED",
            staff={DEFAULT_VARIANT: ("クレジット決済失敗", "Card payment failed")},
            customer=_CUSTOMER_PAYMENT,
            guidance=_GUIDE_CARD,
            evidence=("gateway", "message", "reference"),
        ),
        Reason(
            code="DELIVERY_RETURNED",
            staff={DEFAULT_VARIANT: ("配送戻り", "Delivery returned to the shop")},
            customer=_CUSTOMER_DELIVERY,
            guidance=(
                "お客様に連絡してお届け先を確認し、再送または取り消しを判断してください。",
                "Contact the customer to confirm the address, then resend or cancel.",
            ),
            evidence=("carrier", "tracking_number", "return_reason", "event"),
        ),
        Reason(
            code="MANUAL",
            staff={DEFAULT_VARIANT: ("{note}", "{note}")},
            customer=_CUSTOMER_CONTACT,
            guidance=(
                "設定したスタッフのメモに従って対応してください。",
                "Follow the note of the staff member who set the flag.",
            ),
            manual=True,
            parameters=("note",),
        ),
    )
}

MANUAL = "MANUAL"


def get_reason(code: str) -> Reason:
    return CATALOGUE[code]


# What the plugin itself says, outside any reason: (ja, en), with {parameters}.
ORDER_DELETED = "ORDER_DELETED"
ORDER_CANCELLED = "ORDER_CANCELLED"
RULES_PENDING = "RULES_PENDING"
FLAG_SET = "FLAG_SET"
FLAG_RELEASED = "FLAG_RELEASED"
CANNOT_SHIP = "CANNOT_SHIP"
STILL_NEEDS_ATTENTION = "STILL_NEEDS_ATTENTION"
SHIPPING_DATE_PASSED = "SHIPPING_DATE_PASSED"
CREDIT_CHECK_OK = "CREDIT_CHECK_OK"
CREDIT_CHECK_PENDING = "CREDIT_CHECK_PENDING"
CREDIT_CHECK_UNDER_REVIEW = "CREDIT_CHECK_UNDER_REVIEW"
CREDIT_CHECK_REJECTED = "CREDIT_CHECK_REJECTED"
CREDIT_CHECK_UNRECOGNIZED = "CREDIT_CHECK_UNRECOGNIZED"
SWITCHED_TO_COD = "SWITCHED_TO_COD"
NOTE_UPDATED = "NOTE_UPDATED"
FLAG_COMMENTED = "FLAG_COMMENTED"
ACTION_BLOCKED = "ACTION_BLOCKED"
UNKNOWN_CALLER = "UNKNOWN_CALLER"
CHARGE_HELD = "CHARGE_HELD"
CHARGE_DECLINED = "CHARGE_DECLINED"
CHARGE_RETRY_ON = "CHARGE_RETRY_ON"
EMAIL_SENT = "EMAIL_SENT"
EMAIL_FAILED = "EMAIL_FAILED"
CHARGE_NO_RETRY = "CHARGE_NO_RETRY"
SYSTEM_TEXTS: Dict[str, Text] = {
    ORDER_DELETED: ("注文が削除されたため、要対応を終了", "The order was deleted: attention closed."),
    ORDER_CANCELLED: (
        "注文がキャンセルされたため、要対応を終了",
        "The order was cancelled: attention closed.",
    ),
    RULES_PENDING: (
        "注文のチェック(ルール)がまだ実行されていません",
        "The order's checks (rules) have not run yet.",
    ),
    FLAG_SET: ("要対応 設定: {message} [{reason}, {scope}]", "Attention set: {message} [{reason}, {scope}]"),
    FLAG_RELEASED: (
        "要対応 解除: {message} [{reason}, {scope}]",
        "Attention released: {message} [{reason}, {scope}]",
    ),
    CANNOT_SHIP: (
        "要対応のため出荷できません: {reasons}",
        "The order needs attention (要対応) and cannot be shipped: {reasons}",
    ),
    STILL_NEEDS_ATTENTION: (
        "まだ要対応です: 今回注文分に {order} 件、定期注文全体に {subscription} 件の要対応が"
        "残っています。それらも解除してください。",
        "The order still needs attention: {order} flag(s) on this order (今回注文分) and "
        "{subscription} on its whole subscription (定期注文全体). Release those too.",
    ),
    SHIPPING_DATE_PASSED: (
        "出荷できる状態に戻りましたが、出荷予定日 {date} を過ぎています。出荷前に日付を変更してください。",
        "The order is ready to ship again, but its planned shipping date {date} has "
        "passed: change the date before shipping.",
    ),
    CREDIT_CHECK_OK: ("与信OK", "Credit check approved."),
    CREDIT_CHECK_PENDING: ("与信保留中", "Credit check pending."),
    CREDIT_CHECK_UNDER_REVIEW: ("与信審査中", "Credit check under review."),
    CREDIT_CHECK_REJECTED: ("与信NG", "Credit check rejected."),
    CREDIT_CHECK_UNRECOGNIZED: ("与信結果「{code}」", "Credit check result “{code}”."),
    SWITCHED_TO_COD: (
        "後払い与信NGのため、支払い方法を代引きに変更",
        "Deferred-payment credit check rejected: payment switched to cash on delivery.",
    ),
    # A flag's note edited, and a comment added, while it stays as it is.
    NOTE_UPDATED: (
        "要対応 メモ変更 [{reason}, {scope}]: 「{previous}」→「{note}」",
        "Attention note changed [{reason}, {scope}]: “{previous}” → “{note}”",
    ),
    FLAG_COMMENTED: (
        "要対応 コメント: {message} [{reason}, {scope}] — {comment}",
        "Attention comment: {message} [{reason}, {scope}] — {comment}",
    ),
    ACTION_BLOCKED: (
        "出荷を止めました: {actor}が{path}で出荷しようとしましたが、要対応です: {reasons}",
        "Shipping refused: {actor} tried to ship through {path} while the order needs "
        "attention: {reasons}",
    ),
    UNKNOWN_CALLER: ("呼び出し元(不明)", "an unknown caller"),
    # An automatic charge waiting while the order needs attention (recorded once a wait).
    CHARGE_HELD: (
        "要対応のため自動決済を保留しました(解除後に決済します): {reasons}",
        "Automatic charge held while the order needs attention (charged after the "
        "release): {reasons}",
    ),
    CHARGE_DECLINED: (
        "自動決済に失敗しました({gateway}): {message} — {next}",
        "Automatic charge declined ({gateway}): {message} — {next}",
    ),
    EMAIL_SENT: (
        "お客様にメールを送信しました({reason}): {to}",
        "E-mail sent to the customer ({reason}): {to}",
    ),
    EMAIL_FAILED: (
        "お客様へのメールを送信できませんでした({reason}、{attempts}回試行): {error}",
        "Could not e-mail the customer ({reason}, {attempts} tries): {error}",
    ),
    CHARGE_RETRY_ON: ("{date} に再決済します", "tried again on {date}"),
    CHARGE_NO_RETRY: (
        "再決済の回数を使い切ったため要対応にしました",
        "no retries left: the order needs attention",
    ),
}


def system_text(key: str, language: str = JA, /, **params) -> str:
    """A system text with its {parameters} filled in (positional-only key and
    language, so that a parameter may be called `code`)."""
    return _pick(SYSTEM_TEXTS[key], language).format(**params)
