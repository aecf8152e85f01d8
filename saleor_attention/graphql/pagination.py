"""Forward keyset pagination: the cursor carries the last row's sort value and id, so
page 1,000 costs what page 1 does."""
import base64
import datetime
import json

import graphene
from django.core.exceptions import ValidationError
from django.db import connection as db
from django.db.models import Q
from graphql import GraphQLError

from .database import with_database

MAX_PAGE = 100


class CountedConnection(graphene.relay.Connection):
    """A connection keyset_page fills, with the total its filters match."""

    total_count = graphene.Int(required=True)

    class Meta:
        abstract = True

    @with_database
    def resolve_total_count(self, _info):
        return self.queryset.count()


def keyset_page(
    connection_type, queryset, field, descending, first, after, columns=None, **backwards
):
    """One page of `queryset` ordered by (field, pk) as a relay connection; `columns`
    (annotations) are read with the page's rows only, not to find or count them."""
    check_forward(first, **backwards)
    ordered = queryset.order_by(*[("-" if descending else "") + key for key in (field, "pk")])
    page = ordered
    if after:
        page = _after(ordered, field, descending, _decode(after))
        if queryset.model._meta.get_field(field).is_relation:
            # Deep in a related key's order (an order id), PostgreSQL merge-joins the
            # related rows (select_related) from their first one up to the cursor: the
            # page's ids first, from the key's index alone, then their rows.
            page = ordered.filter(pk__in=list(page.values_list("pk", flat=True)[: first + 1]))
    rows = list(page.annotate(**columns or {})[: first + 1])
    edges = [
        connection_type.Edge(node=row, cursor=encode_cursor(field, row)) for row in rows[:first]
    ]
    connection = connection_type(
        edges=edges, page_info=page_info(edges, len(rows) > first, after)
    )
    connection.queryset = queryset  # for totalCount, counted only when asked for
    return connection


def check_forward(first, **backwards) -> None:
    """Lists page forward only, `first` rows at a time, at most MAX_PAGE."""
    if backwards.get("last") or backwards.get("before"):
        raise GraphQLError("This list pages forward only: use `first` and `after`.")
    if not first or first < 1 or first > MAX_PAGE:
        raise GraphQLError(f"Pass `first` between 1 and {MAX_PAGE}.")


def page_info(edges, has_next_page: bool, after) -> graphene.relay.PageInfo:
    return graphene.relay.PageInfo(
        has_next_page=has_next_page,
        has_previous_page=bool(after),
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
    )


def encode_position(value: str, pk: str) -> str:
    """A cursor of a sort value and a row's id, both as text."""
    return base64.b64encode(json.dumps([value, pk]).encode()).decode()


def decode_position(cursor: str):
    """(value, pk) as encode_position wrote them; the caller parses both."""
    try:
        value, pk = json.loads(base64.b64decode(cursor, validate=True))
    except (ValueError, TypeError):
        raise GraphQLError("Invalid cursor.") from None
    if not (isinstance(value, str) and isinstance(pk, str)):
        raise GraphQLError("Invalid cursor.")
    return value, pk


def encode_cursor(field, row):
    value = getattr(row, field)
    if isinstance(value, datetime.datetime):
        value = value.isoformat()
    elif not isinstance(value, (int, str)) and value is not None:
        value = str(value)  # UUID order ids on Saleor 3
    pk = row.pk if isinstance(row.pk, int) else str(row.pk)  # a UUID key as text
    return base64.b64encode(json.dumps([value, pk]).encode()).decode()


def _decode(cursor):
    try:
        value, pk = json.loads(base64.b64decode(cursor))
        return value, pk
    except (ValueError, TypeError):
        raise GraphQLError("Invalid cursor.") from None


def _after(page, field, descending, position):
    value, pk = position
    try:
        pk = page.model._meta.pk.to_python(pk)
    except (ValidationError, TypeError):
        raise GraphQLError("Invalid cursor.") from None
    beyond, bound = ("lt", "lte") if descending else ("gt", "gte")
    if value is None:
        return page.filter(
            Q(**{f"{field}__{bound}": value})
            & (Q(**{f"{field}__{beyond}": value}) | Q(**{field: value, f"pk__{beyond}": pk}))
        )
    # Rows beyond (value, pk) in the sort order, as one row comparison: PostgreSQL
    # starts the index scan right there. (field, pk) written as an OR would start at
    # the first row with this value and filter out every earlier one of them (with a
    # common reason, hundreds of thousands). The plain bound keeps the range obvious.
    model = page.model
    column = model._meta.get_field(field)
    table = db.ops.quote_name(model._meta.db_table)
    keys = ", ".join(
        f"{table}.{db.ops.quote_name(name)}"
        for name in (column.column, model._meta.pk.column)
    )
    operator = "<" if descending else ">"
    page = page.filter(**{f"{field}__{bound}": value})  # refuses a malformed value
    prepared = column.get_db_prep_value(column.to_python(value), db)
    return page.extra(where=[f"({keys}) {operator} (%s, %s)"], params=[prepared, pk])
