from saleor.plugins.base_plugin import BasePlugin

from ..plugin_base import AttentionPluginBase


class AttentionPlugin(AttentionPluginBase, BasePlugin):
    """Registers the plugin and its settings with Saleor 2.10.

    Flags live in the plugin's own tables; vetoes are model guards wired in the app's
    `ready()`, and the GraphQL API is served by the extended schema (see urls.py).
    """
