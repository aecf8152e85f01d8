"""Staff mutations: set and release flags. Each calls one service and nothing else."""
import graphene

from .. import services
from ..adapter import shop
from ..errors import AttentionError, AttentionErrorCode
from ..models import Flag
from ..reasons import MANUAL
from .scalars import Date
from .enums import AttentionReason, AttentionScope
from . import ids
from .permissions import staff_only
from .types import AttentionError as AttentionErrorType
from .types import AttentionFlag, AttentionFlagComment, AttentionWarning


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
        errors = [
            AttentionErrorType(field=p.field, code=p.code.value, message=p.message)
            for p in exc.problems
        ]
        return mutation(errors=errors)


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
            order = _order_of_flag(flag_ids[0])
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
            warnings=[AttentionWarning(code=w.code, message=w.message) for w in result.warnings],
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


def _order_of_flag(pk):
    flag = Flag.objects.select_related("order").filter(pk=pk).first()
    if flag is None:
        raise AttentionError("flags", AttentionErrorCode.NOT_FOUND, "No such flag.")
    return flag.order


class AttentionMutations(graphene.ObjectType):
    attention_flag_set = AttentionFlagSet.Field()
    attention_flag_release = AttentionFlagRelease.Field()
    attention_flag_note_update = AttentionFlagNoteUpdate.Field()
    attention_flag_comment_add = AttentionFlagCommentAdd.Field()
