from functools import wraps

from ..adapter import shop
from .database import with_database


def staff_only(resolver):
    """Only staff and apps with MANAGE_ORDERS; others get Saleor's permission error."""

    @wraps(resolver)
    @with_database
    def wrapper(root, info, *args, **kwargs):
        if not shop.can_manage_orders(info.context):
            raise shop.PermissionDenied()
        return resolver(root, info, *args, **kwargs)

    return wrapper


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
