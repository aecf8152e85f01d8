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
