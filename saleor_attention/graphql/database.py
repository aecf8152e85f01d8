"""Database access from resolvers. Saleor 3 wants every use of its writer database
made explicit (it may route reads to a replica); flags are read where they are written,
so a released flag never shows as active."""
from functools import wraps

from graphene.types.resolver import default_resolver

from ..adapter import shop


def with_database(resolver):
    @wraps(resolver)
    def wrapper(*args, **kwargs):
        with shop.database_access():
            return resolver(*args, **kwargs)

    return wrapper


# For attribute fields that may load a related row (a flag's order or staff user).
attribute_resolver = with_database(default_resolver)
