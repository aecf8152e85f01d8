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

    def order_created(self, order, previous_value, webhooks=None):
        from .. import hooks  # imported late: Saleor loads plugins while apps load

        hooks.order_created(order)
        return previous_value

    def order_updated(self, order, previous_value, webhooks=None):
        from .. import hooks

        hooks.order_updated(order)
        return previous_value
