from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _store_plugin_configuration(sender, **kwargs):
    from .adapter import shop

    shop.ensure_plugin_configuration()


class AttentionConfig(AppConfig):
    name = "saleor_attention"
    label = "saleor_attention"
    verbose_name = "Attention (要対応)"
    # Saleor 3 defaults to BigAutoField; the migrations create AutoField ids on both lines.
    default_auto_field = "django.db.models.AutoField"

    def ready(self):
        from .adapter import connect_receivers

        connect_receivers()
        post_migrate.connect(_store_plugin_configuration, sender=self)
