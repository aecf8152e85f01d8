"""The plugin's Saleor 2.10 settings, with a card gateway of the tests' own that
declines chosen tokens (Saleor 2.10's dummy gateway never declines)."""
from saleor_attention.saleor_v2.settings import *  # noqa: F401,F403
from saleor_attention.saleor_v2.settings import PLUGINS

PLUGINS = [*PLUGINS, "tests.saleor_v2.declining_gateway.DecliningGatewayPlugin"]
