"""SQL the migrations share (the loader skips modules named with a leading _)."""


def flag_row_triggers(name: str, function: str, columns) -> str:
    """Row triggers on the flag table, after each insert and delete and after an update
    that changes one of `columns`: what a trigger keeping the facts rows of the flags'
    orders or subscriptions needs to see."""
    return "".join(
        f"""
CREATE TRIGGER {name}_{event.split()[0].lower()}
AFTER {event} ON saleor_attention_flag FOR EACH ROW{condition}
EXECUTE PROCEDURE {function}();
"""
        for event, condition in [
            ("INSERT OR DELETE", ""),
            (f"UPDATE OF {', '.join(columns)}", "\nWHEN (" + " OR ".join(
                f"OLD.{column} IS DISTINCT FROM NEW.{column}" for column in columns) + ")"),
        ]
    )
