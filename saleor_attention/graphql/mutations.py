"""Staff mutations: set and release flags, one order's or many orders', and edit
their notes and comments. Each calls one service and nothing else."""
import graphene

from .. import services
from ..adapter import shop
from ..bulk import MAX_BULK_ORDERS, MAX_JOB_ORDERS
from ..errors import AttentionError, AttentionErrorCode
from ..reasons import MANUAL
from .scalars import Date
from .enums import AttentionReason, AttentionScope
from . import ids
from .permissions import staff_only
from .queries import AttentionFlagFilterInput, flag_filter_of
from .types import AttentionError as AttentionErrorType
from .types import (
    AttentionBulkJob,
    AttentionBulkReleaseResult,
    AttentionBulkSetResult,
    AttentionFlag,
    AttentionFlagComment,
    AttentionWarning,
    error_entries,
    warning_entries,
)


class AttentionMutation(graphene.Mutation):
    errors = graphene.List(graphene.NonNull(AttentionErrorType), required=True)

    class Meta:
        abstract = True

    @classmethod
    def mutate(cls, root, info, **data):
        return _guarded_perform(cls, info, data)


@staff_only
def _guarded_perform(mutation, info, data):
    try:
        return mutation.perform(info, **data)
    except AttentionError as exc:
        return mutation(errors=error_entries(exc.problems), **exc.details)


class AttentionFlagSetInput(graphene.InputObjectType):
    order = graphene.ID(required=True, description="The order to flag.")
    scope = AttentionScope(default_value="ORDER")
    # The same enum as attentionFlags(filter: {reasons}) and AttentionFlag.reason.
    reason = AttentionReason(default_value=MANUAL, description="MANUAL by default.")
    note = graphene.String(description="Staff note; required for MANUAL.")
    due_on = Date(
        description="Handle by: the day staff mean to have it handled (today or later, "
        "in the shop's time zone)."
    )
    handle = graphene.String(
        description="Idempotency key: setting the same reason with the same handle "
        "while the flag is active returns the existing flag."
    )


class AttentionFlagSet(AttentionMutation):
    """Put an order (or its whole subscription) on attention. Requires MANAGE_ORDERS."""

    flag = graphene.Field(AttentionFlag)
    created = graphene.Boolean(description="False when an active flag with the same handle existed.")

    class Arguments:
        input = AttentionFlagSetInput(required=True)

    @classmethod
    def perform(cls, info, input):
        order = ids.order(input["order"], "order")
        result = services.set_flag(
            order,
            input.get("reason") or MANUAL,
            scope=input.get("scope") or "ORDER",
            note=input.get("note") or "",
            due_on=input.get("due_on"),
            handle=input.get("handle") or "",
            actor=shop.actor_of(info.context),
        )
        return cls(flag=result.flag, created=result.created, errors=[])


class AttentionFlagReleaseInput(graphene.InputObjectType):
    flags = graphene.List(graphene.NonNull(graphene.ID), description="Flags to release.")
    order = graphene.ID(description="With scope: release every active flag of that scope.")
    scope = AttentionScope()
    handled_on = Date(
        required=True,
        description="The day the flags were handled on: not after today, not before the "
        "day any of them was set (in the shop's time zone).",
    )
    comment = graphene.String(description="Optional release comment.")


class AttentionFlagRelease(AttentionMutation):
    """Release flags with a handling date and comment. Requires MANAGE_ORDERS."""

    released = graphene.List(graphene.NonNull(AttentionFlag))
    remaining = graphene.List(
        graphene.NonNull(AttentionFlag),
        description="Flags still active on the order, e.g. on its whole subscription.",
    )
    warnings = graphene.List(graphene.NonNull(AttentionWarning))

    class Arguments:
        input = AttentionFlagReleaseInput(required=True)

    @classmethod
    def perform(cls, info, input):
        flag_ids = [ids.flag_pk(gid, "flags") for gid in input.get("flags") or []]
        if input.get("order"):
            order = ids.order(input["order"], "order")
        elif flag_ids:
            order = services.order_releasing(flag_ids)
        else:
            raise AttentionError(
                "order", AttentionErrorCode.REQUIRED, "Name the flags, or an order and a scope."
            )
        result = services.release_flags(
            order,
            flag_ids=flag_ids,
            scope=input.get("scope"),
            handled_on=input.get("handled_on"),
            comment=input.get("comment") or "",
            actor=shop.actor_of(info.context),
        )
        return cls(
            released=result.released,
            remaining=result.remaining,
            warnings=warning_entries(result.warnings),
            errors=[],
        )


class AttentionFlagNoteUpdate(AttentionMutation):
    """Change an active flag's note without releasing it; the audit trail and the
    order's history keep the note it had. A released flag's note cannot change
    (ALREADY_RELEASED): comment on it instead. Requires MANAGE_ORDERS."""

    flag = graphene.Field(AttentionFlag)

    class Arguments:
        id = graphene.ID(required=True, description="The flag.")
        note = graphene.String(required=True, description="The new note (required for MANUAL).")

    @classmethod
    def perform(cls, info, id, note):
        flag = services.update_note(ids.flag_pk(id, "id"), note, actor=shop.actor_of(info.context))
        return cls(flag=flag, errors=[])


class AttentionFlagCommentAdd(AttentionMutation):
    """Comment on a flag, active or released, without releasing it. Requires
    MANAGE_ORDERS."""

    flag = graphene.Field(AttentionFlag)
    comment = graphene.Field(AttentionFlagComment)

    class Arguments:
        id = graphene.ID(required=True, description="The flag.")
        comment = graphene.String(required=True, description="Up to 2,000 characters.")

    @classmethod
    def perform(cls, info, id, comment):
        added = services.add_comment(
            ids.flag_pk(id, "id"), comment, actor=shop.actor_of(info.context)
        )
        return cls(flag=added.flag, comment=added, errors=[])


_BULK = (
    f"At most {MAX_BULK_ORDERS} orders a call (TOO_MANY beyond: narrow the filter, or "
    f"run it as a background job, up to {MAX_JOB_ORDERS}). Each order is changed on "
    "its own: one order's error is in its result and leaves the others changed. "
    "Requires MANAGE_ORDERS."
)


class _BulkInput(graphene.InputObjectType):
    dry_run = graphene.Boolean(
        default_value=False,
        description="Only count the orders (and check the input); change nothing.",
    )
    background = graphene.Boolean(
        default_value=False,
        description=f"Run as a background job (up to {MAX_JOB_ORDERS} orders); follow "
        "it with attentionBulkJob(id).",
    )


class _BulkMutation(AttentionMutation):
    count = graphene.Int(
        description="Orders it changes (changed; with dryRun, would change; as a job, "
        "will change); with TOO_MANY, how many the filter matches."
    )
    flag_count = graphene.Int(
        description="Flags it set (new ones) or released; with dryRun or as a job, at "
        "most this many."
    )
    job = graphene.Field(AttentionBulkJob, description="The background job, if one started.")

    class Meta:
        abstract = True

    @classmethod
    def answer(cls, result, input):
        # Per-order results only when the orders were changed now.
        ran = not (input["dry_run"] or input["background"])
        return cls(
            count=result.count, flag_count=result.flag_count, job=result.job,
            results=result.outcomes if ran else None, errors=[],
        )


def _bulk_selection(input, ids_field, pk_of):
    """The ids a bulk input names and its filter, as the services take them."""
    pks = [pk_of(gid, ids_field) for gid in input.get(ids_field) or []]
    flag_filter = input.get("filter")
    return pks, None if flag_filter is None else flag_filter_of(flag_filter, "filter")


class AttentionFlagsBulkSetInput(_BulkInput):
    orders = graphene.List(graphene.NonNull(graphene.ID), description="The orders to flag.")
    filter = AttentionFlagFilterInput(
        description="Instead of orders: the orders the matching flags were raised on."
    )
    scope = AttentionScope(default_value="ORDER")
    reason = AttentionReason(default_value=MANUAL)
    note = graphene.String(description="Staff note; required for MANUAL.")
    due_on = Date(description="Handle by (today or later, in the shop's time zone).")
    handle = graphene.String(
        description="Idempotency key, one for every order of the call (a random one if "
        "not given): an order with an active flag of this reason and handle keeps it."
    )


class AttentionFlagsBulkSet(_BulkMutation):
    __doc__ = "Set the same flag on many orders. " + _BULK

    results = graphene.List(graphene.NonNull(AttentionBulkSetResult))

    class Arguments:
        input = AttentionFlagsBulkSetInput(required=True)

    @classmethod
    def perform(cls, info, input):
        order_pks, flag_filter = _bulk_selection(input, "orders", ids.order_pk)
        result = services.bulk_set_flags(
            order_ids=order_pks, flag_filter=flag_filter,
            reason=input.get("reason") or MANUAL, scope=input.get("scope") or "ORDER",
            note=input.get("note") or "", due_on=input.get("due_on"),
            handle=input.get("handle") or "", dry_run=input["dry_run"],
            background=input["background"], actor=shop.actor_of(info.context),
        )
        return cls.answer(result, input)


class AttentionFlagsBulkReleaseInput(_BulkInput):
    flags = graphene.List(
        graphene.NonNull(graphene.ID), description="Flags to release, of any orders."
    )
    filter = AttentionFlagFilterInput(description="Instead of flags: the matching active flags.")
    handled_on = Date(
        required=True,
        description="The day they were handled on: not after today, not before the day "
        "any of an order's flags was set (in the shop's time zone).",
    )
    comment = graphene.String(description="Optional release comment.")


class AttentionFlagsBulkRelease(_BulkMutation):
    __doc__ = "Release flags of many orders, each order's in one change. " + _BULK

    results = graphene.List(graphene.NonNull(AttentionBulkReleaseResult))

    class Arguments:
        input = AttentionFlagsBulkReleaseInput(required=True)

    @classmethod
    def perform(cls, info, input):
        flag_pks, flag_filter = _bulk_selection(input, "flags", ids.flag_pk)
        result = services.bulk_release_flags(
            flag_ids=flag_pks, flag_filter=flag_filter, handled_on=input["handled_on"],
            comment=input.get("comment") or "", dry_run=input["dry_run"],
            background=input["background"], actor=shop.actor_of(info.context),
        )
        return cls.answer(result, input)


class AttentionMutations(graphene.ObjectType):
    attention_flag_set = AttentionFlagSet.Field()
    attention_flag_release = AttentionFlagRelease.Field()
    attention_flag_note_update = AttentionFlagNoteUpdate.Field()
    attention_flag_comment_add = AttentionFlagCommentAdd.Field()
    attention_flags_bulk_set = AttentionFlagsBulkSet.Field()
    attention_flags_bulk_release = AttentionFlagsBulkRelease.Field()
