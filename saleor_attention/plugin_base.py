"""What the plugin class is on every Saleor line; each adapter's `AttentionPlugin`
adds Saleor's `BasePlugin` (and what its line needs) to this."""
from __future__ import annotations

from django.core.exceptions import ValidationError

from . import config, gate


# The settings list of an instance that nobody has read yet.
_NOT_BUILT = object()


class AttentionPluginBase:
    PLUGIN_ID = config.PLUGIN_ID
    PLUGIN_NAME = config.PLUGIN_NAME
    PLUGIN_DESCRIPTION = (
        "Puts orders on attention when staff must decide before anything else happens, "
        "and blocks their shipping until staff release the flags."
    )
    DEFAULT_ACTIVE = config.DEFAULT_ACTIVE
    CONFIG_STRUCTURE = config.CONFIG_STRUCTURE
    DEFAULT_CONFIGURATION = config.DEFAULT_CONFIGURATION

    def __init__(self, *, configuration, **kwargs):
        # Saleor 2.10 makes an instance per plugin-manager call (seven per checkout),
        # and Saleor's __init__ builds the settings list with every label and help
        # text; only the plugin page and pluginUpdate read it, the hooks read
        # `active`. It is built when first read (`configuration`).
        self._stored_configuration = configuration
        super().__init__(configuration=_NOT_BUILT, **kwargs)

    def get_plugin_configuration(self, configuration):
        if configuration is _NOT_BUILT:
            return _NOT_BUILT
        return super().get_plugin_configuration(configuration)

    @property
    def configuration(self):
        if self._configuration is _NOT_BUILT:
            # Saleor hands every instance the class's DEFAULT_CONFIGURATION list
            # itself; pluginUpdate edits it in place (2.10) and Saleor 3 clears it
            # when the instance is collected: a copy, or one instance changes the
            # defaults. The list and its items, whose values are strings and booleans.
            stored = self._stored_configuration
            if stored is not None:
                stored = [dict(item) for item in stored]
            self._configuration = super().get_plugin_configuration(stored)
        return self._configuration

    @configuration.setter
    def configuration(self, value):
        self._configuration = value

    def __del__(self):
        # Saleor 3 clears the list when an instance is collected: one never read
        # has none to build for that.
        if getattr(self, "_configuration", None) is _NOT_BUILT:
            self._configuration = []
        collected = getattr(super(), "__del__", None)
        if collected is not None:
            collected()

    @classmethod
    def save_plugin_configuration(cls, plugin_configuration, cleaned_data, **kwargs):
        """Saleor updates only the settings it finds stored: one stored before a
        setting existed (history_language, say) gets it at its default first, so
        that pluginUpdate can change it."""
        plugin_configuration.configuration = config.with_missing_defaults(
            plugin_configuration.configuration
        )
        return super().save_plugin_configuration(plugin_configuration, cleaned_data, **kwargs)

    @classmethod
    def validate_plugin_configuration(cls, plugin_configuration, **kwargs):
        """Saleor's pluginUpdate answers a bad value with a field error; nothing is saved."""
        try:
            config.of_configuration(plugin_configuration.configuration)
        except config.SettingError as exc:
            raise ValidationError({exc.name: ValidationError(str(exc), code="invalid")}) from None

    # Saleor's order hooks. 3.x passes extra keyword arguments (webhooks=...); 2.10
    # calls hooks of inactive plugins too, hence the check.
    def order_created(self, order, previous_value, **kwargs):
        if gate.is_on(self):
            from . import hooks  # imported late: Saleor loads plugins while apps load

            hooks.order_created(order)
        return previous_value

    def order_updated(self, order, previous_value, **kwargs):
        if gate.is_on(self):
            from . import hooks

            hooks.order_updated(order)
        return previous_value

    def order_cancelled(self, order, previous_value, **kwargs):
        if gate.is_on(self):
            from . import hooks

            hooks.order_cancelled(order)
        return previous_value

    def order_metadata_updated(self, order, previous_value, **kwargs):
        """Saleor 3's metadata mutations merge in SQL without saving the order (no
        post_save): an external subscription link is copied in from here."""
        if gate.is_on(self):
            from . import hooks

            hooks.order_metadata_updated(order)
        return previous_value
