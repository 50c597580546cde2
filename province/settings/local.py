"""Embedded demo mode used by ``make run``: SQLite, local memory, the sandbox as SSO."""

from .base import *  # noqa: F403
