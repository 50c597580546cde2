"""``python -m sandbox seed_demo``: create the demo residents, accounts and businesses."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sandbox.population import demo


class Command(BaseCommand):
    help = "Create the sandbox demo data (idempotent, deterministic) and print demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=demo.DEFAULT_SEED)
        parser.add_argument(
            "--count",
            type=int,
            default=demo.DEFAULT_RESIDENT_COUNT,
            help="number of residents holding a VNeID account (at least 10)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count: int = max(10, options["count"])
        result = demo.seed_demo(seed=options["seed"], count=count)
        self.stdout.write(
            f"Demo data: {result.residents} residents, {result.accounts} accounts, "
            f"{result.subscribers} subscribers, {result.businesses} businesses created."
        )
        self.stdout.write(f"VNeID app passcode for every VNeID account: {demo.APP_PASSCODE}")
        header = ("kind", "username", "password", "phone", "level", "note")
        rows = [header, *result.logins]
        widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
        for row in rows:
            line = "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            self.stdout.write(line.rstrip())
