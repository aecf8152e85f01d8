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

ATTENTION_FLAGS = """
query Flags($filter: AttentionFlagFilterInput, $first: Int, $after: String,
            $sortBy: AttentionFlagSortingInput) {
  attentionFlags(filter: $filter, first: $first, after: $after, sortBy: $sortBy) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id reason scope status message order { id } } }
  }
}
"""


def today():
    """The shop's date: handledOn may be neither in the future nor before the flag."""
    from django.utils import timezone

    return timezone.localdate().isoformat()

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
