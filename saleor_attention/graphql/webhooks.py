"""The delivery log of the plugin's flag webhooks, for staff (MANAGE_ORDERS): each
event sent to each URL, its status and every attempt (what the receiver answered)."""
import graphene

from ..models import DeliveryStatus, WebhookDelivery
from . import ids
from .database import attribute_resolver, with_database
from .pagination import CountedConnection, keyset_page
from .permissions import staff_only
from .scalars import DateTime, JSONString

# The most attempts a delivery answers with, newest first.
MAX_ATTEMPTS_LISTED = 20

AttentionWebhookDeliveryStatus = graphene.Enum(
    "AttentionWebhookDeliveryStatus", [(value, value) for value in DeliveryStatus.values],
    description="PENDING: not yet answered with a 2xx (tried again with backoff). "
    "DELIVERED. FAILED: given up after the retries.",
)


class AttentionWebhookAttempt(graphene.ObjectType):
    created_at = DateTime(required=True)
    status_code = graphene.Int(description="The receiver's HTTP status; null: no answer.")
    error = graphene.String(required=True, description="Why it failed (the start of the answer).")
    duration_ms = graphene.Int(required=True)


class AttentionWebhookDelivery(graphene.ObjectType):
    id = graphene.ID(required=True)
    event = graphene.String(required=True, description="attention.flag_set, …")
    url = graphene.String(required=True)
    order_number = graphene.String(required=True)
    status = AttentionWebhookDeliveryStatus(required=True)
    payload = JSONString(required=True, description="The JSON body as POSTed.")
    created_at = DateTime(required=True)
    delivered_at = DateTime()
    attempts = graphene.List(
        graphene.NonNull(AttentionWebhookAttempt), required=True,
        description=f"Newest first (at most {MAX_ATTEMPTS_LISTED}).",
    )

    class Meta:
        default_resolver = attribute_resolver

    @staticmethod
    def resolve_id(root, _info):
        return ids.delivery_id(root.pk)

    @staticmethod
    @with_database
    def resolve_attempts(root, _info):
        return list(root.tries.order_by("-created_at", "-pk")[:MAX_ATTEMPTS_LISTED])


class AttentionWebhookDeliveryConnection(CountedConnection):
    class Meta:
        node = AttentionWebhookDelivery


class AttentionWebhookDeliveryFilterInput(graphene.InputObjectType):
    status = AttentionWebhookDeliveryStatus()
    order_number = graphene.String()


class AttentionWebhookQueries(graphene.ObjectType):
    attention_webhook_deliveries = graphene.relay.ConnectionField(
        AttentionWebhookDeliveryConnection, filter=AttentionWebhookDeliveryFilterInput(),
        description="The flag webhooks sent, newest first. Requires MANAGE_ORDERS.",
    )

    @staticmethod
    @staff_only
    def resolve_attention_webhook_deliveries(_root, _info, filter=None, first=None, after=None,
                                             **backwards):
        deliveries = WebhookDelivery.objects.all()
        for name in ("status", "order_number"):
            if filter and filter.get(name):
                deliveries = deliveries.filter(**{name: filter[name]})
        return keyset_page(AttentionWebhookDeliveryConnection, deliveries, "created_at", True,
                           first, after, **backwards)
