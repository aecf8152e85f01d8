import copy

from django.core.exceptions import ValidationError
from saleor.plugins.base_plugin import BasePlugin, ConfigurationTypeField
from saleor.plugins.error_codes import PluginErrorCode

from .. import config

_FIELD_TYPES = {"string": ConfigurationTypeField.STRING, "boolean": ConfigurationTypeField.BOOLEAN}


class AttentionPlugin(BasePlugin):
    """Registers the plugin and its settings with Saleor.

    Flags live in the plugin's own tables; vetoes are model guards wired in the app's
    `ready()`, so this class only describes the plugin and checks its settings.
    """

    PLUGIN_ID = config.PLUGIN_ID
    PLUGIN_NAME = "Attention (要対応)"
    PLUGIN_DESCRIPTION = (
        "Puts orders on attention when staff must decide before anything else happens, "
        "and blocks their shipping until staff release the flags."
    )
    DEFAULT_ACTIVE = config.DEFAULT_ACTIVE
    CONFIG_STRUCTURE = {
        setting.name: {
            "type": _FIELD_TYPES[setting.kind],
            "help_text": setting.help_text,
            "label": setting.label,
        }
        for setting in config.SETTINGS
    }
    DEFAULT_CONFIGURATION = [
        {"name": setting.name, "value": setting.default} for setting in config.SETTINGS
    ]

    def __init__(self, *, configuration, active):
        # Saleor 2.10 hands every instance the class's DEFAULT_CONFIGURATION list and
        # pluginUpdate edits it in place: copy it, or one save changes the defaults.
        super().__init__(configuration=copy.deepcopy(configuration), active=active)

    @classmethod
    def validate_plugin_configuration(cls, plugin_configuration):
        values = {item["name"]: item.get("value") for item in plugin_configuration.configuration}
        try:
            config.parse(values)
        except config.SettingError as exc:
            raise ValidationError(
                {exc.name: ValidationError(str(exc), code=PluginErrorCode.INVALID.value)}
            )
