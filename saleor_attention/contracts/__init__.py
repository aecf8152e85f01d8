"""Subscription contracts (定期): what a customer receives how often, and the renewals
that place each next order through Saleor. A built-in contract links its orders to it
with the same subscription key an external subscription app writes, so every
attention feature treats both alike."""
