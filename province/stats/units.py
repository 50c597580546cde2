"""Which agency's dossiers and feedback the officers of a back-office unit answer for.

A back-office ``Unit`` is the organisation the officer works in; a catalogue ``Agency`` is
what receives dossiers. When the unit model carries a link to its agency (``Unit.agency``,
added with the back-office workflow) that link is used; until then, and for units without
it, the agency whose code equals the unit's code (both use the national code format, e.g.
``000.00.06.H33``).
"""

from __future__ import annotations

from province.backoffice.models import Unit
from province.catalogue.models import Agency


def agency_ids_of_unit(unit: Unit) -> list[int]:
    linked = getattr(unit, "agency_id", None)
    if isinstance(linked, int):
        return [linked]
    return list(Agency.objects.filter(code=unit.code).values_list("id", flat=True))
