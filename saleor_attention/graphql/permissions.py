from functools import wraps

from ..adapter import shop
from .database import with_database


def staff_only(resolver):
    """Only staff and apps with MANAGE_ORDERS; others get Saleor's permission error."""

    @wraps(resolver)
    @with_database
    def wrapper(root, info, *args, **kwargs):
        if not may_manage_orders(info.context):
            raise shop.PermissionDenied()
        return resolver(root, info, *args, **kwargs)

    return wrapper


# Where a request keeps the answer of its MANAGE_ORDERS check.
_MANAGES_ORDERS = "_attention_manages_orders"


def may_manage_orders(context) -> bool:
    """Saleor's MANAGE_ORDERS check of the request's caller, made once per request: a
    list of orders asks it again for each row's `attention` (Saleor's check goes
    through every authentication backend each time). A request's caller does not
    change while it runs."""
    allowed = getattr(context, _MANAGES_ORDERS, None)
    if allowed is None:
        allowed = shop.can_manage_orders(context)
        setattr(context, _MANAGES_ORDERS, allowed)
    return allowed


def customer_only(resolver):
    """Only a signed-in account acting for itself (not an app); others get Saleor's
    permission error. What it may touch is its own: the resolver asks for it by the
    caller (`info.context.user`)."""

    @wraps(resolver)
    @with_database
    def wrapper(root, info, *args, **kwargs):
        actor = shop.actor_of(info.context)
        if actor.user is None or actor.app is not None:
            raise shop.PermissionDenied()
        return resolver(root, info, *args, **kwargs)

    return wrapper
