"""A contract's payment method: which payment path charges it, through which gateway
or payment app, with which stored token — "<path>:<gateway>:<token>", e.g.
"gateway:mirumee.payments.dummy:tok_4242" (a Saleor payment gateway plugin) or, on
Saleor 3, "transaction:app.example.payments:pm_123" (a payment app through the
Transaction API). Empty: its renewals are placed and never charged automatically
(cash on delivery, a bank transfer). The form is parsed by terms.PaymentMethod; this
module checks what customers, staff and checkouts ask for."""
from __future__ import annotations

from typing import List

from ..adapter import shop
from ..errors import AttentionErrorCode, Problem
from .terms import PATHS, PaymentMethod

MAX_LENGTH = 255  # the contract's column


def problems(field: str, text: str) -> List[Problem]:
    """What is wrong with `text` as a contract's new payment method: "" (charged by no
    one: cash on delivery, a bank transfer) or one this Saleor line can charge."""
    if not text:
        return []
    if len(text) > MAX_LENGTH:
        return [Problem(field, AttentionErrorCode.TOO_LONG, f"At most {MAX_LENGTH} characters.")]
    method = PaymentMethod.parse(text)
    if method is None:
        return [Problem(field, AttentionErrorCode.INVALID, (
            "Give the payment method as path:gateway:token, the path one of "
            f"{', '.join(PATHS)} (e.g. gateway:mirumee.payments.dummy:tok_123), or empty."
        ))]
    unchargeable = shop.payment_method_problem(method)
    return [Problem(field, AttentionErrorCode.INVALID, unchargeable)] if unchargeable else []
