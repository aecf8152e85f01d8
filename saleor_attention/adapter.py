"""The door from the plugin's core to the Saleor line this process runs on.

Everything that imports `saleor.*` lives in one adapter package per line; core modules
reach Saleor only through `shop` from here.
"""
from importlib import import_module

from .line import LINE

shop = import_module(f"saleor_attention.{LINE}.shop")


def connect_receivers() -> None:
    """The guards (per line) and the hooks' model signals (the same on both lines)."""
    import_module(f"saleor_attention.{LINE}.wiring").connect()
    import_module("saleor_attention.hooks").connect()
