from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from province.catalogue import interchange, services


class Command(BaseCommand):
    help = (
        "Import (upsert by code) fields, agencies and procedures from a .json or .csv file. "
        "All or nothing: if any row is invalid, every problem is listed with its line and nothing "
        "is written.\n\n" + (interchange.__doc__ or "")
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> Any:
        from argparse import RawDescriptionHelpFormatter

        return super().create_parser(prog_name, subcommand, formatter_class=RawDescriptionHelpFormatter, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="path to a .json or .csv file")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc}") from exc
        try:
            result = services.catalogue_import(content=content, filename=path.name)
        except interchange.ImportRejected as rejected:
            for problem in rejected.problems:
                self.stderr.write(f"{path.name}: {problem}")
            raise CommandError(f"{len(rejected.problems)} lỗi / errors; không ghi gì / nothing written") from None
        self.stdout.write(
            f"procedures: {result.procedures_created} created, {result.procedures_updated} updated, "
            f"{result.procedures_unchanged} unchanged; "
            f"fields changed: {result.fields}; agencies changed: {result.agencies}"
        )
