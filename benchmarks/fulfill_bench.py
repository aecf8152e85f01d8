"""orderFulfill with the plugin active, inactive, and in plain Saleor (not installed):
latency and SQL statements."""
from collections import Counter
from dataclasses import dataclass
from typing import Dict, List

from tests.line import saleor_shop

from .api import StaffAPI, data_of
from .plugin_modes import ACTIVE, INACTIVE, MODES, PLAIN, Mode, restore  # noqa: F401
from .sqltext import capturing, is_transaction_control, shape
from .stats import Timings, rotated, timed


def build_orders(count: int) -> List:
    """Fresh, unflagged, shippable orders (built before any timing starts)."""
    return [saleor_shop.order() for _ in range(count)]


def check_shipped(response) -> None:
    payload = data_of(response, "orderFulfill")
    if payload["orderErrors"] or len(payload["fulfillments"] or []) != 1:
        raise RuntimeError(f"orderFulfill did not ship the order: {payload}")


def measure_latency(api: StaffAPI, iterations: int, warmup: int) -> Dict[Mode, Timings]:
    rounds = warmup + iterations
    orders = {mode: build_orders(rounds) for mode in MODES}
    # Variables (line and warehouse ids) are read beforehand too: only the POST is timed.
    variables = {mode: [saleor_shop.fulfill_variables(o) for o in orders[mode]] for mode in MODES}
    timings = {mode: Timings(mode.label) for mode in MODES}
    try:
        for turn in range(rounds):
            for mode in rotated(MODES, turn):
                mode.apply()
                seconds, response = timed(
                    lambda: api.post(saleor_shop.ORDER_FULFILL, variables[mode][turn])
                )
                check_shipped(response)
                if turn >= warmup:
                    timings[mode].add(seconds)
    finally:
        restore()
    return timings


# ---------------------------------------------------------------- SQL statements

@dataclass
class Statements:
    mode: Mode
    sql: List[str]

    @property
    def data_queries(self) -> List[str]:
        return [sql for sql in self.sql if not is_transaction_control(sql)]


def capture(api: StaffAPI, mode: Mode, order) -> Statements:
    mode.apply()
    variables = saleor_shop.fulfill_variables(order)
    with capturing() as captured:
        response = api.post(saleor_shop.ORDER_FULFILL, variables)
    check_shipped(response)
    return Statements(mode, [query["sql"] for query in captured.captured_queries])


def capture_all(api: StaffAPI) -> Dict[Mode, Statements]:
    """Each mode on a fresh order, after one untimed request to warm caches up."""
    orders = build_orders(2 * len(MODES))
    try:
        for mode, order in zip(MODES, orders):
            capture(api, mode, order)
        measured = orders[len(MODES):]
        return {mode: capture(api, mode, order) for mode, order in zip(MODES, measured)}
    finally:
        restore()


def extra_statements(with_guard: Statements, without: Statements) -> List[str]:
    """Statements the guarded request ran on top of the unguarded one, in run order."""
    surplus = Counter(map(shape, with_guard.sql)) - Counter(map(shape, without.sql))
    extra = []
    for sql in with_guard.sql:
        if surplus[shape(sql)] > 0:
            surplus[shape(sql)] -= 1
            extra.append(sql)
    return extra


def missing_statements(with_guard: Statements, without: Statements) -> List[str]:
    return extra_statements(without, with_guard)
