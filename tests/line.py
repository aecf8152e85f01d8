"""The test builders and Saleor API shapes for the Saleor line under test."""
from importlib import import_module

from saleor_attention.line import LINE

saleor_shop = import_module(f"tests.{LINE}.shop")
