"""``python -m province stats_recount [--check]``: recompute the statistics aggregates from
the dossiers; report differences, and (without ``--check``) replace the stored rows."""

from __future__ import annotations

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from province.stats.counters import recount


class Command(BaseCommand):
    help = "Recompute the statistics aggregates from the dossiers (--check: only report differences)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="report differences, change nothing, exit 1 if any")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        result = recount(fix=not options["check"])
        seconds = time.monotonic() - started
        for table, key, want, have in result.differing[:20]:
            day, agency, procedure, channel = key
            self.stdout.write(
                f"khác ({table} {day} cơ quan={agency} thủ tục={procedure} kênh={channel}): "
                f"đúng {want} – đang lưu {have}"
            )
        if len(result.differing) > 20:
            self.stdout.write(f"… và {len(result.differing) - 20} dòng khác nữa")
        summary = f"{result.expected_rows} dòng theo ngày, {len(result.differing)} dòng khác, {seconds:.1f} s"
        if options["check"]:
            self.stdout.write(("Khớp: " if not result.differing else "Không khớp: ") + summary)
            if result.differing:
                sys.exit(1)
        else:
            self.stdout.write(("Đã sửa: " if result.fixed else "Khớp, không cần sửa: ") + summary)
