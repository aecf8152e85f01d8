"""Timing and the printed tables."""
import gc
import random
import statistics
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable, List, Sequence, Tuple, TypeVar

T = TypeVar("T")


def timed(call: Callable[[], T]) -> Tuple[float, T]:
    """Seconds one call takes, and its result.

    The garbage collector is emptied before and paused during the call, so a cycle
    collection that the previous request left behind is not billed to this one.
    """
    with collector_paused():
        started = time.perf_counter()
        result = call()
        elapsed = time.perf_counter() - started
    return elapsed, result


@contextmanager
def collector_paused():
    """The garbage collector emptied, then paused for the block."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@dataclass
class Timings:
    label: str
    seconds: List[float] = field(default_factory=list)

    def add(self, seconds: float) -> None:
        self.seconds.append(seconds)

    def percentile_ms(self, percent: int) -> float:
        return _percentile(self.seconds, percent) * 1000

    @property
    def p50(self) -> float:
        return statistics.median(self.seconds) * 1000

    @property
    def p95(self) -> float:
        return self.percentile_ms(95)

    @property
    def runs(self) -> int:
        return len(self.seconds)


def rotated(items: Sequence[T], turn: int) -> List[T]:
    """Each item takes each position in turn, so drift and caching hit all alike."""
    shift = turn % len(items)
    return [*items[shift:], *items[:shift]]


@dataclass(frozen=True)
class Ratio:
    """A ratio of medians with its bootstrap confidence interval."""

    value: float
    low: float
    high: float
    runs: Tuple[int, int]
    confidence: float

    def __str__(self) -> str:
        runs = "/".join(map(str, sorted(set(self.runs))))
        return (f"{self.value:.3f} ({self.confidence:.0%} CI {self.low:.3f}-{self.high:.3f}, "
                f"{runs} runs each)")


def ratio_of_medians(
    numerator: Sequence[float], denominator: Sequence[float], confidence: float = 0.95,
    resamples: int = 10_000, seed: int = 8,
) -> Ratio:
    """median(numerator) / median(denominator), and a percentile bootstrap interval."""
    def ratio(top, bottom):
        return statistics.median(top) / statistics.median(bottom)

    low, high = _bootstrap(numerator, denominator, ratio, confidence, resamples, seed)
    return Ratio(ratio(numerator, denominator), low, high,
                 (len(numerator), len(denominator)), confidence)


@dataclass(frozen=True)
class Gap:
    """A difference of percentiles (ms) with its bootstrap confidence interval."""

    value: float
    low: float
    high: float
    confidence: float

    def __str__(self) -> str:
        interval = f"{self.confidence:.0%} CI {self.low:+.2f} to {self.high:+.2f}"
        return f"{self.value:+.2f} ms ({interval})"


def gap_of_percentiles(
    slower: Sequence[float], faster: Sequence[float], percent: int, confidence: float = 0.95,
    resamples: int = 2_000, seed: int = 8,
) -> Gap:
    """percentile(slower) - percentile(faster) in ms (seconds given), and a percentile
    bootstrap interval: how far the one figure a run prints may move between runs.
    Fewer resamples than a ratio of medians: each computes two percentiles (sorts),
    and 2,000 already fix the interval's ends to a few hundredths of a ms."""
    def gap(top, bottom):
        return (_percentile(top, percent) - _percentile(bottom, percent)) * 1000

    low, high = _bootstrap(slower, faster, gap, confidence, resamples, seed)
    return Gap(gap(slower, faster), low, high, confidence)


def _percentile(seconds: Sequence[float], percent: int) -> float:
    return statistics.quantiles(seconds, n=100, method="inclusive")[percent - 1]


def _bootstrap(
    first: Sequence[float], second: Sequence[float],
    statistic: Callable[[Sequence[float], Sequence[float]], float],
    confidence: float, resamples: int, seed: int,
) -> Tuple[float, float]:
    """The percentile bootstrap interval of statistic(first, second).

    Interleaved runs come in rounds (one run of every mode per round): with as many
    runs on both sides the rounds are resampled (pairs kept together, so the drift of
    a shared machine moves both sides alike); otherwise each side on its own.
    """
    draw = random.Random(seed)
    paired = len(first) == len(second)
    values = []
    for _ in range(resamples):
        if paired:
            picks = [draw.randrange(len(first)) for _ in first]
            one, other = [first[i] for i in picks], [second[i] for i in picks]
        else:
            one = draw.choices(first, k=len(first))
            other = draw.choices(second, k=len(second))
        values.append(statistic(one, other))
    values.sort()
    tail = (1 - confidence) / 2
    return values[int(tail * resamples)], values[min(resamples - 1, int((1 - tail) * resamples))]


def merged(label: str, timings: Sequence[Timings]) -> Timings:
    return Timings(label, [s for t in timings for s in t.seconds])


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain text table; numbers right-aligned, text left-aligned."""
    cells = [[_cell(value) for value in row] for row in rows]
    widths = [
        max(len(str(header)), *(len(row[i]) for row in cells)) if cells else len(header)
        for i, header in enumerate(headers)
    ]
    numeric = [
        bool(rows) and all(isinstance(row[i], (int, float)) for row in rows if row[i] != "")
        for i in range(len(headers))
    ]

    def line(values):
        return "  ".join(
            value.rjust(width) if right else value.ljust(width)
            for value, width, right in zip(values, widths, numeric)
        ).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(headers), rule, *(line(row) for row in cells)])


def _cell(value) -> str:
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def heading(title: str) -> str:
    return f"\n{title}\n{'=' * len(title)}"


def facts(pairs: Sequence[Tuple[str, object]]) -> str:
    width = max(len(name) for name, _ in pairs)
    return "\n".join(f"{name.ljust(width)}  {value}" for name, value in pairs)
