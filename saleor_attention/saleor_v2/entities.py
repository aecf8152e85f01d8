"""Saleor 2.10's federation `_entities` query, answering account data only to callers
who may read it through Saleor's own queries.

graphene-federation resolves every representation without a permission check, and by
whatever type its id names, so on Saleor 2.10 an anonymous caller gets any user's email
and permissions (by id, or by email: `{__typename: "User", email: …}`), any address,
and any app's name and token endings. The guarded query answers null instead, unless
the caller holds a permission that reads the object through Saleor's own queries
(`user(id:)`, `app(id:)`, `permissionGroup(id:)`, `customers`), or the object is the
signed-in user or one of their addresses. An id of another type than the
representation's `__typename` answers null. Products and the rest resolve as before.
"""
from typing import Optional

import graphene
from django.contrib.auth.models import Group
from graphene_federation.entity import custom_entities, get_entity_query
from graphene_federation.service import get_service_query
from saleor.account.models import Address, User
from saleor.app.models import App
from saleor.core.permissions import AccountPermissions, AppPermission
from saleor.graphql.decorators import _permission_required

# Models _entities answers only to callers holding one of these permissions (or, for
# users and addresses, to the signed-in user for their own).
READ_PERMISSIONS = {
    User: (AccountPermissions.MANAGE_USERS, AccountPermissions.MANAGE_STAFF),
    Address: (AccountPermissions.MANAGE_USERS,),
    App: (AppPermission.MANAGE_APPS,),
    Group: (AccountPermissions.MANAGE_STAFF,),
}


def _model_of(representation) -> Optional[type]:
    entity = custom_entities.get(representation.get("__typename"))
    return getattr(getattr(entity, "_meta", None), "model", None)


def _privileged(context, model) -> bool:
    permissions = READ_PERMISSIONS.get(model)
    if permissions is None:
        return True
    return any(_permission_required((permission,), context) for permission in permissions)


def _signed_in(context):
    user = getattr(context, "user", None)
    return user if user is not None and user.is_authenticated else None


def _may_look_up(context, representation) -> bool:
    """Whether to resolve the representation at all: unprivileged callers look up
    nothing protected (a lookup by email would tell which accounts exist), except
    themselves and, checked once found, their own addresses."""
    if not isinstance(representation, dict):
        return False  # written inline, not as a variable: graphene-federation cannot read it
    model = _model_of(representation)
    if _privileged(context, model):
        return True
    user = _signed_in(context)
    if user is None:
        return False
    if model is User:
        return representation.get("id") == graphene.Node.to_global_id("User", user.pk) or (
            representation.get("id") is None and representation.get("email") == user.email
        )
    return model is Address


def _visible(context, representation, entity):
    if entity is None:
        return None
    model = _model_of(representation)
    if model is not None and not isinstance(entity, model):
        return None  # an id of another type than the representation's __typename
    if _privileged(context, type(entity)):
        return entity
    user = _signed_in(context)
    if isinstance(entity, User) and user is not None and entity.pk == user.pk:
        return entity
    if isinstance(entity, Address) and user is not None and (
        user.addresses.filter(pk=entity.pk).exists()
    ):
        return entity
    return None


def guarded_entity_query(auto_camelcase: bool):
    base = get_entity_query(auto_camelcase)
    if base is None:
        return None

    class GuardedEntityQuery(base):
        def resolve_entities(parent, info, representations):
            context = info.context
            allowed = [_may_look_up(context, rep) for rep in representations]
            found = iter(base.resolve_entities(
                parent, info, [rep for rep, ok in zip(representations, allowed) if ok]
            ))
            return [
                _visible(context, rep, next(found)) if ok else None
                for rep, ok in zip(representations, allowed)
            ]

    return GuardedEntityQuery


def build_schema(query, mutation=None, **kwargs) -> graphene.Schema:
    """graphene_federation.build_schema, with _entities guarded."""
    schema = graphene.Schema(query=query, mutation=mutation, **kwargs)
    bases = [get_service_query(schema)]
    entities = guarded_entity_query(schema.auto_camelcase)
    if entities is not None:
        bases.append(entities)
    bases.append(query)
    return graphene.Schema(query=type("Query", tuple(bases), {}), mutation=mutation, **kwargs)
