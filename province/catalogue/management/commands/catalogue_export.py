from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from province.catalogue import interchange, selectors


class Command(BaseCommand):
    help = "Export the whole procedure catalogue as JSON or CSV.\n\n" + (interchange.__doc__ or "")

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> Any:
        from argparse import RawDescriptionHelpFormatter

        return super().create_parser(prog_name, subcommand, formatter_class=RawDescriptionHelpFormatter, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=("json", "csv"), default="json")
        parser.add_argument("--output", help="file to write (default: standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
        document = selectors.catalogue_export_document()
        text = interchange.to_json(document) if options["format"] == "json" else interchange.to_csv(document)
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
            self.stderr.write(f"{len(document['procedures'])} procedures written to {options['output']}")
        else:
            sys.stdout.write(text)
