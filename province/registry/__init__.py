"""The population registry (CSDL quốc gia về Dân cư) as the provincial system sees it.

One small interface (``PopulationRegistry``) with backends chosen by the setting
``POPULATION_REGISTRY["BACKEND"]``, like Django's ``EMAIL_BACKEND``. Callers use the
module functions ``match``, ``match_cmnd`` and ``lookup``; every backend raises
``RegistryUnavailable`` when the registry cannot answer, so that no caller confuses
"the registry is down" with "the registry says no".
"""

from __future__ import annotations

import datetime as dt

from .backends import PopulationRegistry, RegistryRecord, RegistryUnavailable, get_registry

__all__ = [
    "PopulationRegistry",
    "RegistryRecord",
    "RegistryUnavailable",
    "get_registry",
    "lookup",
    "match",
    "match_cmnd",
]


def match(*, id_number: str, full_name: str, birth_date: dt.date) -> RegistryRecord | None:
    """The registry's record if the số định danh, full name and birth date all agree."""
    return get_registry().match(id_number=id_number, full_name=full_name, birth_date=birth_date)


def match_cmnd(*, cmnd: str, full_name: str, birth_date: dt.date) -> RegistryRecord | None:
    """The registry's record if the legacy 9-digit CMND, full name and birth date agree."""
    return get_registry().match_cmnd(cmnd=cmnd, full_name=full_name, birth_date=birth_date)


def lookup(*, id_number: str) -> RegistryRecord | None:
    """The registry's record for a số định danh, or None if it has none."""
    return get_registry().lookup(id_number=id_number)
