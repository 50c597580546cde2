"""Backends of the population registry client.

``HttpRegistry`` speaks the national population API as the sandbox serves it:
``GET {URL}/persons/<SoDinhDanh>`` and ``POST {URL}/match`` with a JSON body
``{"SoDinhDanh" | "SoCMND", "HoVaTen", "NgayThangNamSinh": "yyyyMMdd"}``, Bearer token.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import requests
from django.conf import settings
from django.core.signals import setting_changed
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

WIRE_DATE_FORMAT = "%Y%m%d"


class RegistryUnavailable(Exception):
    """The registry did not give an answer (network error, timeout, 5xx, bad reply)."""


@dataclass(frozen=True)
class RegistryRecord:
    """One person as the registry knows them (wire names mapped to ours)."""

    id_number: str
    full_name: str
    birth_date: dt.date | None
    gender: str = ""
    cmnd: str = ""
    permanent_address: str = ""
    current_address: str = ""
    hometown: str = ""
    nationality: str = ""
    ethnicity: str = ""
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> RegistryRecord:
        def text(name: str) -> str:
            value = data.get(name)
            return str(value).strip() if isinstance(value, str | int) and not isinstance(value, bool) else ""

        id_number = text("SoDinhDanh")
        if len(id_number) != 12 or not id_number.isdigit():
            raise RegistryUnavailable("registry record without a valid SoDinhDanh")
        try:
            birth_date = dt.datetime.strptime(text("NgayThangNamSinh"), WIRE_DATE_FORMAT).date()
        except ValueError:
            birth_date = None
        return cls(
            id_number=id_number,
            full_name=text("HoVaTen"),
            birth_date=birth_date,
            gender=text("GioiTinh"),
            cmnd=text("SoCMND"),
            permanent_address=text("ThuongTru"),
            current_address=text("NoiOHienNay"),
            hometown=text("QueQuan"),
            nationality=text("QuocTich"),
            ethnicity=text("DanToc"),
            raw=dict(data),
        )


class PopulationRegistry:
    """The contract every backend keeps. Methods raise ``RegistryUnavailable`` when the
    registry cannot answer; ``None`` means the registry answered "no such person/match"."""

    def match(self, *, id_number: str, full_name: str, birth_date: dt.date) -> RegistryRecord | None:
        raise NotImplementedError

    def match_cmnd(self, *, cmnd: str, full_name: str, birth_date: dt.date) -> RegistryRecord | None:
        raise NotImplementedError

    def lookup(self, *, id_number: str) -> RegistryRecord | None:
        raise NotImplementedError


class HttpRegistry(PopulationRegistry):
    def __init__(self, *, url: str, token: str, timeout: float) -> None:
        self.url = url.rstrip("/")
        self.token = token
        self.timeout = timeout

    def _request(self, method: str, path: str, payload: dict[str, Any] | None = None) -> tuple[int, Any]:
        try:
            response = requests.request(
                method,
                f"{self.url}{path}",
                json=payload,
                headers={"Authorization": f"Bearer {self.token}", "Accept": "application/json"},
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            logger.warning("population_registry_unreachable %s", type(exc).__name__)
            raise RegistryUnavailable(str(exc)) from exc
        if response.status_code >= 500 or response.status_code in (401, 403, 429):
            # 401/403 are our misconfiguration, 429 a quota: to the user all mean "try later"
            logger.warning("population_registry_status %s", response.status_code)
            raise RegistryUnavailable(f"HTTP {response.status_code}")
        try:
            body = response.json()
        except ValueError as exc:
            raise RegistryUnavailable("reply is not JSON") from exc
        return response.status_code, body

    def _match(self, payload: dict[str, Any]) -> RegistryRecord | None:
        status, body = self._request("POST", "/match", payload)
        if status == 400:
            # the registry refuses the input (malformed number or date): not a match
            logger.info("population_registry_refused %s", body.get("error") if isinstance(body, dict) else "")
            return None
        if status != 200 or not isinstance(body, dict) or not isinstance(body.get("match"), bool):
            raise RegistryUnavailable(f"unexpected reply (HTTP {status})")
        if not body["match"]:
            return None
        record = body.get("record")
        if not isinstance(record, dict):
            raise RegistryUnavailable("match without a record")
        return RegistryRecord.from_wire(record)

    def match(self, *, id_number: str, full_name: str, birth_date: dt.date) -> RegistryRecord | None:
        return self._match(
            {"SoDinhDanh": id_number, "HoVaTen": full_name, "NgayThangNamSinh": birth_date.strftime(WIRE_DATE_FORMAT)}
        )

    def match_cmnd(self, *, cmnd: str, full_name: str, birth_date: dt.date) -> RegistryRecord | None:
        return self._match(
            {"SoCMND": cmnd, "HoVaTen": full_name, "NgayThangNamSinh": birth_date.strftime(WIRE_DATE_FORMAT)}
        )

    def lookup(self, *, id_number: str) -> RegistryRecord | None:
        if len(id_number) != 12 or not id_number.isdigit():
            return None  # never put arbitrary text into the URL path
        status, body = self._request("GET", f"/persons/{id_number}")
        if status in (400, 404):
            return None
        if status != 200 or not isinstance(body, dict):
            raise RegistryUnavailable(f"unexpected reply (HTTP {status})")
        return RegistryRecord.from_wire(body)


@cache
def get_registry() -> PopulationRegistry:
    conf: dict[str, Any] = settings.POPULATION_REGISTRY
    backend = import_string(str(conf["BACKEND"]))
    registry: PopulationRegistry = backend(
        url=str(conf["URL"]), token=str(conf["TOKEN"]), timeout=float(conf["TIMEOUT_SECONDS"])
    )
    return registry


def _reset(*, setting: str, **kwargs: Any) -> None:
    if setting == "POPULATION_REGISTRY":
        get_registry.cache_clear()


setting_changed.connect(_reset)
