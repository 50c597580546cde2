from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from province.catalogue import services


class Command(BaseCommand):
    help = (
        "Load the administrative units in force since 1/7/2025 (vietnam-provinces): all 34 provinces, "
        "and the communes/wards of one province (settings.PROVINCE_NAME unless --province-code). Idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--province-code", help="two-digit province code, e.g. 33 (Hưng Yên)")
        parser.add_argument("--all-communes", action="store_true", help="load the communes of every province")

    def handle(self, *args: Any, **options: Any) -> None:
        from vietnam_provinces import Province

        try:
            if options["all_communes"]:
                codes = [f"{int(p.code):02d}" for p in Province.iter_all()]
            else:
                codes = [services.province_code_for(options["province_code"] or settings.PROVINCE_NAME)]
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        result = services.admin_units_import(commune_province_codes=codes)
        self.stdout.write(f"administrative units: {result.created} created, {result.updated} updated")
