"""Delivery: the worker that drains the outbox to Telegram, and the reports about it.

    from bot.services.delivery import DeliveryWorker, notify, delivery_report, wait_for_report

Write deliveries with `bot.services.outbox.enqueue`; the worker (started by `bot.runner`) sends
them. See `worker` for claiming, pacing and crash safety.
"""

from bot.services.delivery.options import DeliveryOptions, DeliveryStats
from bot.services.delivery.report import (
    DeliveryReport,
    NotReached,
    delivery_report,
    reason_text,
    render_report,
    wait_for_report,
)
from bot.services.delivery.wakeup import notify
from bot.services.delivery.worker import DeliveryWorker

__all__ = [
    "DeliveryOptions",
    "DeliveryReport",
    "DeliveryStats",
    "DeliveryWorker",
    "NotReached",
    "delivery_report",
    "notify",
    "reason_text",
    "render_report",
    "wait_for_report",
]
