"""Embedded demo mode used by ``make run``: SQLite, local memory, readable outboxes."""

from .base import *  # noqa: F403
