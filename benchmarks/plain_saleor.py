"""The plugin against plain Saleor 3 in one process: the two modes, the interleaved
timing loop, and the ratio of medians with a bootstrap confidence interval.

"Plain Saleor" is Saleor without the plugin, not with the plugin switched off: the
plugin leaves settings.PLUGINS (so the PluginsManager each request builds neither
loads nor calls it) and every model-signal and request-signal receiver the plugin
connected is disconnected. Switching back puts both back exactly as they were.
"""
import random
import weakref
from collections import Counter
import statistics
from dataclasses import dataclass
from typing import Callable, Dict, List, Sequence, Tuple

from django.conf import settings
from django.core import signals as request_signals
from django.db.models import signals

from .sqltext import capturing, shape
from .stats import Timings, timed

PLUGIN_PACKAGE = "saleor_attention"
_TRANSACTION_CONTROL = {"SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT"}


def plugin_signals() -> List[signals.Signal]:
    """Django's model signals and request signals, where the plugin's receivers are."""
    return [
        value for module in (signals, request_signals) for value in vars(module).values()
        if isinstance(value, signals.Signal)
    ]


def is_plugin_receiver(entry) -> bool:
    """A Signal.receivers entry: (lookup key, weak or strong reference, is_async)."""
    lookup_key, reference = entry[0], entry[1]
    uid = lookup_key[0]
    if isinstance(uid, str) and uid.startswith(PLUGIN_PACKAGE + "."):
        return True
    target = reference() if isinstance(reference, weakref.ref) else reference
    module = getattr(target, "__module__", "") or ""
    return module.split(".", 1)[0] == PLUGIN_PACKAGE


class _Installation:
    """Takes the plugin out of Saleor and puts it back, as often as asked."""

    def __init__(self) -> None:
        self.plugins = list(settings.PLUGINS)
        self.plugin_paths = [p for p in self.plugins if p.split(".", 1)[0] == PLUGIN_PACKAGE]
        if not self.plugin_paths:
            raise RuntimeError("the plugin is not in settings.PLUGINS: is it installed?")
        self.removed: Dict[object, List] = {}

    def install(self) -> None:
        settings.PLUGINS = list(self.plugins)
        for signal, entries in self.removed.items():
            with signal.lock:
                signal.receivers.extend(entries)
                signal.sender_receivers_cache.clear()
        self.removed = {}

    def uninstall(self) -> None:
        settings.PLUGINS = [p for p in self.plugins if p not in self.plugin_paths]
        for signal in plugin_signals():
            with signal.lock:
                mine = [entry for entry in signal.receivers if is_plugin_receiver(entry)]
                if mine:
                    signal.receivers = [e for e in signal.receivers if e not in mine]
                    signal.sender_receivers_cache.clear()
                    self.removed.setdefault(signal, []).extend(mine)

    def connected_receivers(self) -> int:
        return sum(
            1 for signal in plugin_signals() for entry in signal.receivers
            if is_plugin_receiver(entry)
        )


_installation = None


def installation() -> _Installation:
    global _installation
    if _installation is None:
        _installation = _Installation()
    return _installation


@dataclass(frozen=True)
class Mode:
    label: str
    plugin: bool

    def apply(self) -> None:
        if self.plugin:
            installation().install()
            set_plugin_active(True)
        else:
            installation().uninstall()


def set_plugin_active(active: bool) -> None:
    """What the dashboard's plugin switch (pluginUpdate) stores; stored once, so a mode
    costs no write per run."""
    from saleor_attention import plugin_state
    from saleor_attention.adapter import shop

    shop.ensure_plugin_configuration()
    stored = plugin_state.stored_configuration()
    if stored.active != active:
        stored.active = active
        stored.save(update_fields=["active"])


PLUGIN = Mode("plugin installed, active", plugin=True)
PLAIN = Mode("plain Saleor (plugin not installed)", plugin=False)
MODES = (PLUGIN, PLAIN)


def measure(
    modes: Sequence[Mode],
    requests: Dict[Mode, List[Callable[[], object]]],
    check: Callable[[object], None],
    warmup: int,
    seconds_of: Callable[[float, object], float] = lambda elapsed, _response: elapsed,
) -> Dict[Mode, Timings]:
    """Turn by turn, each mode's next prepared request; the modes swap places every
    turn so drift, caches and the other engineers' load hit both alike. `seconds_of`:
    what counts of a request (its whole call, unless the caller says otherwise)."""
    rounds = min(len(calls) for calls in requests.values())
    timings = {mode: Timings(mode.label) for mode in modes}
    try:
        for turn in range(rounds):
            shift = turn % len(modes)
            for mode in modes[shift:] + modes[:shift]:
                mode.apply()
                seconds, response = timed(requests[mode][turn])
                check(response)
                if turn >= warmup:
                    timings[mode].add(seconds_of(seconds, response))
    finally:
        PLUGIN.apply()
    return timings


def capture(mode: Mode, request: Callable[[], object], check) -> List[str]:
    mode.apply()
    try:
        with capturing() as captured:
            response = request()
        check(response)
    finally:
        PLUGIN.apply()
    return [query["sql"] for query in captured.captured_queries]


def data_queries(sql: Sequence[str]) -> List[str]:
    return [s for s in sql if s.split(None, 1)[0].upper() not in _TRANSACTION_CONTROL]


def surplus(sql: Sequence[str], other: Sequence[str]) -> List[str]:
    """The statements of `sql` beyond those of `other` (compared with values blanked),
    in run order."""
    extra = Counter(map(shape, sql)) - Counter(map(shape, other))
    found = []
    for statement in sql:
        if extra[shape(statement)] > 0:
            extra[shape(statement)] -= 1
            found.append(statement)
    return found


def median_ratio_ci(
    numerator: Sequence[float], denominator: Sequence[float],
    resamples: int = 5000, confidence: float = 0.95, seed: int = 20261126,
) -> Tuple[float, float, float]:
    """median(numerator) / median(denominator) and a percentile bootstrap interval.

    The runs were taken in pairs (one per mode per turn), so whole turns are resampled:
    a slow stretch of the shared machine stays paired with itself.
    """
    pairs = list(zip(numerator, denominator))
    ratio = statistics.median(numerator) / statistics.median(denominator)
    rng = random.Random(seed)
    n = len(pairs)
    ratios = []
    for _ in range(resamples):
        sample = [pairs[rng.randrange(n)] for _ in range(n)]
        ratios.append(
            statistics.median(a for a, _ in sample) / statistics.median(b for _, b in sample)
        )
    ratios.sort()
    tail = (1 - confidence) / 2
    low = ratios[int(tail * resamples)]
    high = ratios[min(resamples - 1, int((1 - tail) * resamples))]
    return ratio, low, high
