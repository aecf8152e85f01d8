"""GraphQL documents the tests send, as a dashboard or app would."""

FLAG_FIELDS = """
    id reason scope source status message guidance customerMessage note handle
    dueOn handledOn releaseComment createdAt releasedAt
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
    released { id status dueOn handledOn releaseComment }
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
      orderNumber age overdue attentionSince plannedShippingDate dueOn
      flags { id reason scope dueOn }
      customer { email name phone }
      order { id number attention { required } }
""")

REASON_COUNTS = "{ attentionReasonCounts { reason flags } }"


def shop_date(days=0):
    """The shop's date (plus `days`): handledOn may be neither in the future nor before
    the flag, dueOn not in the past. Not the machine's date: the shop's time zone
    (Saleor 2.10's default is America/Chicago) is a day behind UTC for hours."""
    import datetime

    from saleor_attention import shop_time

    return shop_time.calendar().today() + datetime.timedelta(days=days)


def today(days=0):
    """shop_date as GraphQL takes it."""
    return shop_date(days).isoformat()

NOTE_UPDATE = """
mutation Note($id: ID!, $note: String!) {
  attentionFlagNoteUpdate(id: $id, note: $note) {
    flag { id note message status }
    errors { field code message }
  }
}
"""

COMMENT_ADD = """
mutation Comment($id: ID!, $comment: String!) {
  attentionFlagCommentAdd(id: $id, comment: $comment) {
    flag { id status }
    comment { id comment createdAt createdBy { kind id name } }
    errors { field code message }
  }
}
"""

FLAG_COMMENTS = """
query Comments($first: Int, $after: String, $flags: Int = 10) {
  attentionFlags(first: $flags) { edges { node {
    id
    comments(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { comment createdBy { kind name } } }
    }
  } } }
}
"""

BULK_RESULT_FIELDS = """
    count flagCount
    job { id kind status total done failed }
    errors { field code message }
"""

BULK_SET = """
mutation BulkSet($input: AttentionFlagsBulkSetInput!) {
  attentionFlagsBulkSet(input: $input) {
    %s
    results { order { id } orderNumber flag { id scope reason note dueOn } created
              errors { field code message } }
  }
}
""" % BULK_RESULT_FIELDS

BULK_RELEASE = """
mutation BulkRelease($input: AttentionFlagsBulkReleaseInput!) {
  attentionFlagsBulkRelease(input: $input) {
    %s
    results { order { id } orderNumber released { id status handledOn }
              remaining { id scope } warnings { code message }
              errors { field code message } }
  }
}
""" % BULK_RESULT_FIELDS

BULK_JOB = """
query Job($id: ID!) {
  attentionBulkJob(id: $id) {
    id kind status total done failed startedAt finishedAt
    createdBy { kind id name }
    errors { order orderNumber field code message }
  }
}
"""

ORDER_EVIDENCE = """
query Evidence($id: ID!) {
  order(id: $id) {
    attention {
      flags {
        reason
        message
        english: message(language: EN)
        customerMessage
        customerEnglish: customerMessage(language: EN)
        evidence { key label value text }
        englishEvidence: evidence(language: EN) { key label value text }
      }
    }
  }
}
"""
