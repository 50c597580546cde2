from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from province.catalogue import interchange, services

SEED_FILE = Path(__file__).resolve().parents[2] / "data" / "procedures.json"


class Command(BaseCommand):
    help = (
        "Demo data: administrative units (all provinces; communes of the configured province and of the "
        "province the demo agencies belong to), agencies, fields and procedures from "
        "province/catalogue/data/procedures.json. Idempotent."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        content = SEED_FILE.read_bytes()
        seed_province = json.loads(content).get("province_code")
        codes = {services.province_code_for(settings.PROVINCE_NAME)}
        if seed_province:
            codes.add(seed_province)
        units = services.admin_units_import(commune_province_codes=sorted(codes))
        try:
            result = services.catalogue_import(content=content, filename=SEED_FILE.name)
        except interchange.ImportRejected as rejected:
            for problem in rejected.problems:
                self.stderr.write(str(problem))
            raise CommandError("the demo catalogue does not validate") from None
        self.stdout.write(
            f"catalogue: units +{units.created}/~{units.updated}; procedures +{result.procedures_created} "
            f"~{result.procedures_updated} ={result.procedures_unchanged}"
        )
