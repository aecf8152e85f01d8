"""GraphQL documents the tests send, as a dashboard or app would."""

FLAG_FIELDS = """
    id reason scope source status message guidance customerMessage note handle
    handledOn releaseComment createdAt releasedAt
    orderNumber createdBy { kind id name } releasedBy { kind id name }
"""

SET_FLAG = """
mutation Set($input: AttentionFlagSetInput!) {
  attentionFlagSet(input: $input) {
    flag { %s }
    created
    errors { field code message }
  }
}
""" % FLAG_FIELDS

RELEASE_FLAGS = """
mutation Release($input: AttentionFlagReleaseInput!) {
  attentionFlagRelease(input: $input) {
    released { id status handledOn releaseComment }
    remaining { id reason scope message }
    warnings { code message }
    errors { field code message }
  }
}
"""

ORDER_ATTENTION = """
query Attention($id: ID!) {
  order(id: $id) {
    id
    attention {
      required
      blockedActions
      flags { %s }
      rulesPending
      events { type message actor { kind id name } flag { id } }
    }
  }
}
""" % FLAG_FIELDS

def _paged(field, kind, node):
    """A query of one of the plugin's paged lists, with every argument it takes."""
    return """
query List($filter: Attention%(kind)sFilterInput, $first: Int, $after: String,
           $sortBy: Attention%(kind)sSortingInput) {
  %(field)s(filter: $filter, first: $first, after: $after, sortBy: $sortBy) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { %(node)s } }
  }
}
""" % {"field": field, "kind": kind, "node": node}


ATTENTION_FLAGS = _paged("attentionFlags", "Flag", "id reason scope status message order { id }")

ATTENTION_ORDERS = _paged("attentionOrders", "Order", """
      orderNumber age overdue attentionSince plannedShippingDate
      flags { id reason scope }
      customer { email name phone }
      order { id number attention { required } }
""")

REASON_COUNTS = "{ attentionReasonCounts { reason flags } }"


def today():
    """The shop's date: handledOn may be neither in the future nor before the flag."""
    from django.utils import timezone

    return timezone.localdate().isoformat()
