from functools import wraps

from ..adapter import shop


def staff_only(resolver):
    """Only staff and apps with MANAGE_ORDERS; others get Saleor's permission error."""

    @wraps(resolver)
    def wrapper(root, info, *args, **kwargs):
        if not shop.can_manage_orders(info.context):
            raise shop.PermissionDenied()
        return resolver(root, info, *args, **kwargs)

    return wrapper
