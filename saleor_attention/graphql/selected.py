"""What a request selects below the field being resolved, read from its document.

For loading only what will be shown: a resolver that reads rows for fields further
down can leave out what none of them needs. Fragments are followed; a field under
@include or @skip counts as selected (reading too much is only slower)."""
from typing import Iterator, Set


def fields_under(info, *path: str) -> Set[str]:
    """The names of the fields selected at `path` (field names, not aliases) below the
    field `info` resolves, wherever the document selects it."""
    nodes = list(_field_nodes(info))
    for name in path:
        nodes = [field for node in nodes for field in _fields(info, node) if field.name.value == name]
    return {field.name.value for node in nodes for field in _fields(info, node)}


def _field_nodes(info):
    # graphql-core 2 (Saleor 2.10) names them field_asts, graphql-core 3 field_nodes.
    return getattr(info, "field_nodes", None) or info.field_asts


def _fields(info, node) -> Iterator:
    selections = node.selection_set.selections if node.selection_set else ()
    for selection in selections:
        kind = type(selection).__name__
        if kind.startswith("FragmentSpread"):
            yield from _fields(info, info.fragments[selection.name.value])
        elif kind.startswith("InlineFragment"):
            yield from _fields(info, selection)
        else:
            yield selection
