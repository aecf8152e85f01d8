from django.apps import AppConfig


class AttentionConfig(AppConfig):
    name = "saleor_attention"
    label = "saleor_attention"
    verbose_name = "Attention (要対応)"

    def ready(self):
        from .adapter import connect_guards

        connect_guards()
