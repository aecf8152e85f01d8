from django.apps import AppConfig


class AttentionConfig(AppConfig):
    name = "saleor_attention"
    label = "saleor_attention"
    verbose_name = "Attention (要対応)"
    # Saleor 3 defaults to BigAutoField; the migrations create AutoField ids on both lines.
    default_auto_field = "django.db.models.AutoField"

    def ready(self):
        from .adapter import connect_guards

        connect_guards()
