"""saleor-attention: put Saleor orders on attention (要対応) until staff release them."""

__version__ = "0.1.0"
default_app_config = "saleor_attention.apps.AttentionConfig"
