"""Saleor 2.10 logs every error of a GraphQL answer, refused requests included, as an
ERROR with its traceback (`saleor.graphql.errors.handled`; printed three times over:
that logger, `saleor` and the root each have a console handler). A request refused for its credentials — no permission, a bad or expired
token — is an expected answer, not a fault of the server: this filter turns it into
one WARNING line. Every other error logs as Saleor logs it."""
import logging

REFUSED = "A query was refused: %s"


class ExpectedRefusals(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        refusal = record.exc_info[1] if record.exc_info else None
        if refusal is not None and _is_refusal(refusal):
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.msg, record.args = REFUSED, (refusal,)
            record.exc_info, record.exc_text = None, None
        return True


def _is_refusal(exc: BaseException) -> bool:
    # Imported here: the settings load this module before Django's apps are ready.
    from graphql_jwt.exceptions import JSONWebTokenError  # PermissionDenied's base

    return isinstance(exc, JSONWebTokenError)


# What the plugin's settings add to Saleor's LOGGING (see settings.py).
FILTER = {"()": "saleor_attention.saleor_v2.logs.ExpectedRefusals"}
HANDLED_ERRORS_LOGGER = "saleor.graphql.errors.handled"


def with_expected_refusals(logging_config: dict) -> dict:
    """Saleor's LOGGING with the filter on the logger of handled GraphQL errors."""
    loggers = logging_config.get("loggers", {})
    handled = loggers.get(HANDLED_ERRORS_LOGGER, {})
    return {
        **logging_config,
        "filters": {**logging_config.get("filters", {}), "expected_refusals": FILTER},
        "loggers": {
            **loggers,
            HANDLED_ERRORS_LOGGER: {
                **handled, "filters": [*handled.get("filters", []), "expected_refusals"],
            },
        },
    }
