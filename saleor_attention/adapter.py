"""The door from the plugin's core to the Saleor line this process runs on.

Everything that imports `saleor.*` lives in one adapter package per line; core modules
reach Saleor only through `shop` from here.
"""
from importlib import import_module
from importlib.util import find_spec

# Saleor 3 introduced channels; 2.10 has no such app.
LINE = "saleor_v3" if find_spec("saleor.channel") else "saleor_v2"

shop = import_module(f"saleor_attention.{LINE}.shop")


def connect_guards() -> None:
    import_module(f"saleor_attention.{LINE}.wiring").connect()
