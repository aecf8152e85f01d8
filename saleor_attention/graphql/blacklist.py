"""Staff GraphQL for the blacklist: list, create, update, delete (MANAGE_ORDERS)."""
import graphene
from django.db.models import Q

from .. import blacklist, normalize
from ..adapter import shop
from ..models import BlacklistEntry
from .database import attribute_resolver
from .ids import blacklist_entry_id, blacklist_entry_pk, customer
from .mutations import AttentionMutation
from .pagination import CountedConnection, keyset_page
from .people import ActorReference, AttentionActor, AttentionCustomer
from .permissions import staff_only
from .scalars import DateTime


class AttentionBlacklistEntry(graphene.ObjectType):
    id = graphene.ID(required=True)
    customer = graphene.Field(AttentionCustomer)
    email = graphene.String(required=True)
    phone = graphene.String(required=True)
    name = graphene.String(required=True)
    name_reading = graphene.String(required=True, description="The name's reading in kana (フリガナ).")
    postal_code = graphene.String(required=True)
    address = graphene.String(required=True)
    note = graphene.String(required=True)
    created_at = DateTime(required=True)
    created_by = graphene.Field(AttentionActor, required=True)
    updated_at = DateTime(required=True)

    class Meta:
        default_resolver = attribute_resolver

    @staticmethod
    def resolve_id(root, _info):
        return blacklist_entry_id(root.pk)

    @staticmethod
    def resolve_created_by(root, _info):
        return ActorReference(root.created_by_source, root.created_by_id, None, root.created_by_name)


class AttentionBlacklistEntryConnection(CountedConnection):
    class Meta:
        node = AttentionBlacklistEntry


class AttentionBlacklistEntryFilterInput(graphene.InputObjectType):
    search = graphene.String(
        description="Matches names, name readings (フリガナ) and addresses however they "
        "are typed (width, hiragana or katakana, spaces, hyphens), and phone numbers and "
        "emails."
    )


class AttentionBlacklistEntryInput(graphene.InputObjectType):
    customer = graphene.ID(description="The customer's account (User id).")
    email = graphene.String()
    phone = graphene.String()
    name = graphene.String()
    name_reading = graphene.String(
        description="The name's reading in kana (フリガナ), in any width or script: an "
        "order whose name is typed in kana matches it (with the postal code)."
    )
    postal_code = graphene.String()
    address = graphene.String()
    note = graphene.String()


def _values(data):
    values = {name: data[name] for name in blacklist.FIELDS if name in data}
    if "customer" in data:
        values["customer"] = customer(data["customer"], "customer") if data["customer"] else None
    return values


class _EntryMutation(AttentionMutation):
    entry = graphene.Field(AttentionBlacklistEntry)

    class Meta:
        abstract = True


class AttentionBlacklistEntryCreate(_EntryMutation):
    """Add someone to the blacklist. Requires MANAGE_ORDERS."""

    class Arguments:
        input = AttentionBlacklistEntryInput(required=True)

    @classmethod
    def perform(cls, info, input):
        entry = blacklist.add(_values(input), shop.actor_of(info.context))
        return cls(entry=entry, errors=[])


class AttentionBlacklistEntryUpdate(_EntryMutation):
    """Change a blacklist entry. Requires MANAGE_ORDERS."""

    class Arguments:
        id = graphene.ID(required=True)
        input = AttentionBlacklistEntryInput(required=True)

    @classmethod
    def perform(cls, info, id, input):
        entry = blacklist.change(blacklist_entry_pk(id, "id"), _values(input))
        return cls(entry=entry, errors=[])


class AttentionBlacklistEntryDelete(_EntryMutation):
    """Remove a blacklist entry. Requires MANAGE_ORDERS."""

    class Arguments:
        id = graphene.ID(required=True)

    @classmethod
    def perform(cls, info, id):
        pk = blacklist_entry_pk(id, "id")
        entry = blacklist.remove(pk)
        entry.pk = pk  # deleted rows lose their pk; the answer still names it
        return cls(entry=entry, errors=[])


def _searched(queryset, search):
    if not search:
        return queryset
    text, phone = normalize.text_key(search), normalize.phone_key(search)
    condition = (
        Q(name_key__contains=text) | Q(name_reading_key__contains=text)
        | Q(address_key__contains=text)
    )
    condition |= Q(email_key__contains=normalize.email_key(search))
    if phone:
        condition |= Q(phone_key=phone)
    return queryset.filter(condition)


class AttentionBlacklistQueries(graphene.ObjectType):
    attention_blacklist_entries = graphene.relay.ConnectionField(
        AttentionBlacklistEntryConnection,
        filter=AttentionBlacklistEntryFilterInput(),
        description="The shop's blacklist, newest first. Requires MANAGE_ORDERS.",
    )

    @staticmethod
    @staff_only
    def resolve_attention_blacklist_entries(_root, _info, filter=None, first=None, after=None,
                                            **backwards):
        queryset = _searched(BlacklistEntry.objects.all(), (filter or {}).get("search"))
        return keyset_page(
            AttentionBlacklistEntryConnection, queryset, "created_at", True, first, after,
            **backwards,
        )


class AttentionBlacklistMutations(graphene.ObjectType):
    attention_blacklist_entry_create = AttentionBlacklistEntryCreate.Field()
    attention_blacklist_entry_update = AttentionBlacklistEntryUpdate.Field()
    attention_blacklist_entry_delete = AttentionBlacklistEntryDelete.Field()
