"""A card gateway for the tests, through Saleor 2.10's real payment pipeline: Saleor's
dummy gateway (which always succeeds), except that it declines the tokens the tests
choose — an authorization of a token with "declined" in it, a capture of one with
"capture-fails" in it."""
from saleor.payment import TransactionKind
from saleor.payment.gateways.dummy import plugin as dummy
from saleor.payment.interface import GatewayResponse

DECLINED = "Card declined (test gateway)"


def _declined(payment_information, kind: str) -> GatewayResponse:
    return GatewayResponse(
        is_success=False, action_required=False, kind=kind,
        amount=payment_information.amount, currency=payment_information.currency,
        transaction_id=payment_information.token, error=DECLINED,
    )


class DecliningGatewayPlugin(dummy.DummyGatewayPlugin):
    PLUGIN_ID = "saleor_attention.tests.declining_gateway"
    PLUGIN_NAME = "Declining test gateway"

    @dummy.require_active_plugin
    def authorize_payment(self, payment_information, previous_value):
        if "declined" in payment_information.token:
            return _declined(payment_information, TransactionKind.AUTH)
        return super().authorize_payment(payment_information, previous_value)

    @dummy.require_active_plugin
    def capture_payment(self, payment_information, previous_value):
        if "capture-fails" in payment_information.token:
            return _declined(payment_information, TransactionKind.CAPTURE)
        return super().capture_payment(payment_information, previous_value)

    # Saleor lists a plugin as a gateway by this method in its own class body.
    @dummy.require_active_plugin
    def process_payment(self, payment_information, previous_value):
        return super().process_payment(payment_information, previous_value)
