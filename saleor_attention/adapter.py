"""The door from the plugin's core to the Saleor line this process runs on.

Everything that imports `saleor.*` lives in one adapter package per line; core modules
reach Saleor only through `shop` from here, which meets the contract in port.py.
"""
from importlib import import_module
from importlib.util import find_spec

from django.db.models.signals import pre_save

from .line import LINE
from .port import SaleorPort

shop: SaleorPort = import_module(f"saleor_attention.{LINE}.shop")


def connect_receivers() -> None:
    """The fulfillment guard, the hooks' model signals (and the line's own, in its
    `receivers` module where it has one), the end of requests and Celery tasks
    (when refused shipments waiting there are written down) and the span of a request
    (work left for after its response)."""
    pre_save.connect(
        _veto_shipping, sender=shop.Fulfillment, dispatch_uid="saleor_attention.fulfillment"
    )
    import_module("saleor_attention.hooks").connect()
    import_module("saleor_attention.refusals").connect()
    import_module("saleor_attention.after_response").connect()
    # Signals only one line sends (Saleor 3: a payment app's later answer to a charge).
    line_receivers = f"saleor_attention.{LINE}.receivers"
    if find_spec(line_receivers):
        import_module(line_receivers).connect()


def _veto_shipping(sender, instance, **kwargs) -> None:
    """Whatever path saves a fulfillment that ships, the guard checks its order first."""
    if shop.starts_shipping(instance):
        from . import guards  # imported late: guards reach Saleor through this module

        guards.check_fulfillment(instance.order_id)
