from saleor.plugins.base_plugin import BasePlugin

from ..plugin_base import AttentionPluginBase


class AttentionPlugin(AttentionPluginBase, BasePlugin):
    """Registers the plugin and its settings with Saleor 3, and serves its GraphQL API
    at /plugins/global/saleor_attention/graphql/ with no settings change.

    Flags live in the plugin's own tables; vetoes are model guards wired in the app's
    `ready()`. One configuration for the whole shop: flags are not per channel.
    """

    CONFIGURATION_PER_CHANNEL = False

    def webhook(self, request, path, previous_value):
        from .endpoint import serve

        return serve(request, path)
