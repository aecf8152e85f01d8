"""Which Saleor line this process runs on, decided without importing Saleor's models
(migrations read it while Django is still loading)."""
from importlib.util import find_spec

# Saleor 3 introduced channels; 2.10 has no such app.
LINE = "saleor_v3" if find_spec("saleor.channel") else "saleor_v2"

# The order migration our first migration builds on: on Saleor 3 the order's primary
# key has become a UUID by then, so the flag's foreign key is created with that type.
ORDER_MIGRATION = {
    "saleor_v2": ("order", "0083_merge_20200421_0529"),
    "saleor_v3": ("order", "0202_alter_order_undiscounted_base_shipping_price_amount"),  # 3.21
}[LINE]

# The Order field (and column) that holds when the order was placed: the shops name it
# to the core, and migration 0014's trigger copies it into OrderFacts.
ORDER_CREATED_FIELD = {"saleor_v2": "created", "saleor_v3": "created_at"}[LINE]
