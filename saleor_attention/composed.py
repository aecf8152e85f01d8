"""Reads a staff screen makes on every request, with SQL Django composes only once.

Django composes a queryset's SQL anew each time it runs. For the order queue's page
of orders (five tables, some 130 columns) composing took 0.7 ms, about as long as
PostgreSQL took to run the prepared statement. A ComposedRead keeps, per database
connection, the SQL Django composed and Django's own account of its columns, and
builds from each run's rows the instances that iterating the queryset would build,
its select_related rows included.

What changes from run to run are lists of values, passed as arrays
(prepared.any_of): the text never changes, and within prepared.statements() it runs
prepared. Any other value in the queryset is kept as it was composed (a code, the
plugin's identifier), so it must be the same on every run.
"""
from typing import Callable, List, Sequence

from django.db import connection
from django.db.models import QuerySet
from django.db.models.query import get_related_populators


class ComposedRead:
    """`queryset(*lists)`: the read of these lists of values (one per parameter of
    `queryset`), made once per connection to compose it."""

    def __init__(self, queryset: Callable[..., QuerySet]):
        self.queryset = queryset

    def __call__(self, *lists: Sequence) -> list:
        composed = _Composed.of(self, len(lists))
        with connection.cursor() as cursor:
            cursor.execute(composed.sql, composed.parameters(lists))
            rows = cursor.fetchall()
        return composed.instances(rows)


class _Composed:
    """One read's SQL on one connection, and how its rows become instances (as
    Django's ModelIterable makes them)."""

    def __init__(self, queryset: QuerySet, markers: List[list]):
        compiler = queryset.query.get_compiler(connection=connection)
        self.sql, composed = compiler.as_sql()
        # Each parameter: (the number of the list it is, or None; its composed value).
        self.slots = [
            (markers.index(value) if value in markers else None, value) for value in composed
        ]
        select, klass_info = compiler.select, compiler.klass_info
        self.model = klass_info["model"]
        own = klass_info["select_fields"]
        self.own = slice(own[0], own[-1] + 1)
        self.field_names = [column[0].target.attname for column in select[self.own]]
        self.populators = get_related_populators(klass_info, select, connection.alias)
        self.compiler = compiler
        self.converters = compiler.get_converters([column[0] for column in select[: compiler.col_count]])

    @classmethod
    def of(cls, read: ComposedRead, lists: int) -> "_Composed":
        kept = getattr(connection, "_attention_composed", None)
        if kept is None:
            kept = connection._attention_composed = {}
        composed = kept.get(read)
        if composed is None:
            markers = [[f"composed-read-list-{number}"] for number in range(lists)]
            composed = kept[read] = cls(read.queryset(*markers), markers)
        return composed

    def parameters(self, lists: Sequence[Sequence]) -> list:
        return [value if slot is None else list(lists[slot]) for slot, value in self.slots]

    def instances(self, rows) -> list:
        if self.converters:
            rows = self.compiler.apply_converters(rows, self.converters)
        built = []
        for row in rows:
            instance = self.model.from_db(connection.alias, self.field_names, row[self.own])
            for populator in self.populators:
                populator.populate(row, instance)
            built.append(instance)
        return built
