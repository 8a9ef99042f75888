"""Prometheus metrics of one instance, served at /metrics (prometheus-client's text format).

Counters and histograms are per process; Prometheus adds them up across instances. The
outbox gauges are read from the database when scraped, so every instance reports the same
shared backlog (take `max`, not `sum`, across instances).

For the data sources (the YAML import, the OParl sync): wrap one run in `sync_run(source)`;
it counts the run by outcome and observes its duration.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest

REGISTRY = CollectorRegistry(auto_describe=True)

UPDATES = Counter(
    "gremienbot_updates_total",
    "Telegram updates handled, by kind (message, callback_query, ...).",
    ["kind"],
    registry=REGISTRY,
)
HANDLER_SECONDS = Histogram(
    "gremienbot_handler_seconds",
    "Time from taking an update to finishing its handlers.",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10),
    registry=REGISTRY,
)
DELIVERIES = Counter(
    "gremienbot_deliveries_total",
    "Outbox deliveries settled, by outcome (sent, retry, failed, unreachable).",
    ["outcome"],
    registry=REGISTRY,
)
RETRY_AFTER = Counter(
    "gremienbot_telegram_429_total",
    "Flood-control answers (429 RetryAfter) received from the Bot API.",
    registry=REGISTRY,
)
OUTBOX_BACKLOG = Gauge(
    "gremienbot_outbox_backlog",
    "Deliveries waiting in the outbox (shared by all instances).",
    registry=REGISTRY,
)
OUTBOX_OLDEST_SECONDS = Gauge(
    "gremienbot_outbox_oldest_age_seconds",
    "Age of the oldest delivery waiting in the outbox; 0 when it is empty.",
    registry=REGISTRY,
)
FEED_REQUESTS = Counter(
    "gremienbot_feed_requests_total",
    "Calendar feed requests, by result (200, 304, 404).",
    ["result"],
    registry=REGISTRY,
)
SYNC_RUNS = Counter(
    "gremienbot_sync_runs_total",
    "Runs of a data source (import, oparl), by outcome (ok, error).",
    ["source", "outcome"],
    registry=REGISTRY,
)
SYNC_SECONDS = Histogram(
    "gremienbot_sync_duration_seconds",
    "Duration of one run of a data source.",
    ["source"],
    buckets=(0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300),
    registry=REGISTRY,
)
PERIODIC_RUNS = Counter(
    "gremienbot_periodic_runs_total",
    "Periodic job periods, by job and whether this instance ran or skipped them.",
    ["job", "result"],
    registry=REGISTRY,
)


@contextmanager
def sync_run(source: str) -> Iterator[None]:
    """Count one run of a data source and observe its duration (also when it fails)."""
    started = time.perf_counter()
    outcome = "error"
    try:
        yield
        outcome = "ok"
    finally:
        SYNC_RUNS.labels(source=source, outcome=outcome).inc()
        SYNC_SECONDS.labels(source=source).observe(time.perf_counter() - started)


def exposition() -> tuple[bytes, str]:
    """The metrics in Prometheus' text format, and its content type."""
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
