"""Reads for the back office. Scope rule: an administrator of unit A sees A and every unit
below it; an officer sees only their own profile and log."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet

from .models import REQUIRED_PROFILE_FIELDS, Campaign, OfficerAccount, OfficerLoginEvent, OfficerProfile, Unit


def unit_subtree_ids(unit: Unit) -> set[int]:
    """``unit`` and all its descendants (one query: the unit table is small)."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Unit.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found: set[int] = set()
    stack = [unit.pk]
    while stack:
        current = stack.pop()
        if current in found:
            continue
        found.add(current)
        stack.extend(children.get(current, []))
    return found


def managed_unit_ids(admin: OfficerAccount) -> set[int]:
    return unit_subtree_ids(admin.unit) if admin.is_admin else set()


def managed_units_tree(admin: OfficerAccount) -> list[tuple[Unit, int]]:
    """The admin's units as (unit, depth), depth-first, for an indented tree."""
    ids = managed_unit_ids(admin)
    units = list(Unit.objects.filter(pk__in=ids).order_by("name"))
    by_parent: dict[int | None, list[Unit]] = {}
    for unit in units:
        by_parent.setdefault(unit.parent_id if unit.parent_id in ids else None, []).append(unit)
    out: list[tuple[Unit, int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for unit in by_parent.get(parent, []):
            out.append((unit, depth))
            walk(unit.pk, depth + 1)

    walk(None, 0)
    return out


def managed_unit(admin: OfficerAccount, unit_id: int) -> Unit | None:
    if unit_id not in managed_unit_ids(admin):
        return None
    return Unit.objects.filter(pk=unit_id).first()


def managed_account(admin: OfficerAccount, account_id: int) -> OfficerAccount | None:
    return (
        OfficerAccount.objects.select_related("unit", "person")
        .filter(pk=account_id, unit_id__in=managed_unit_ids(admin))
        .first()
    )


def unit_accounts(unit: Unit) -> QuerySet[OfficerAccount]:
    return OfficerAccount.objects.filter(unit=unit).select_related("person__officer_profile").order_by("username")


def same_person_accounts(account: OfficerAccount) -> list[OfficerAccount]:
    """The officer's other accounts they may switch to (never suspended ones)."""
    return list(
        OfficerAccount.objects.filter(person_id=account.person_id, suspended=False)
        .exclude(pk=account.pk)
        .select_related("unit")
        .order_by("unit__name", "username")
    )


def own_login_events(account: OfficerAccount) -> QuerySet[OfficerLoginEvent]:
    """The officer's own log (every account of the same person), newest first."""
    return (
        OfficerLoginEvent.objects.filter(person_id=account.person_id)
        .select_related("account")
        .order_by("-created_at", "-id")
    )


def profile_of(account: OfficerAccount) -> OfficerProfile | None:
    return OfficerProfile.objects.filter(person_id=account.person_id).first()


def managed_campaign(admin: OfficerAccount, campaign_id: int) -> Campaign | None:
    return Campaign.objects.filter(pk=campaign_id, unit_id__in=managed_unit_ids(admin)).select_related("unit").first()


@dataclass
class ReportRow:
    unit: Unit
    total: int = 0
    complete: int = 0
    missing: list[tuple[OfficerAccount, list[str]]] = field(default_factory=list)

    @property
    def incomplete(self) -> int:
        return len(self.missing)


def campaign_report(campaign: Campaign) -> list[ReportRow]:
    """Per unit of the campaign's subtree: accounts, how many complete, who misses what.

    Completeness is per human (the profile is shared by the person's accounts) and is
    judged on ``REQUIRED_PROFILE_FIELDS``.
    """
    ids = unit_subtree_ids(campaign.unit)
    rows = {unit.pk: ReportRow(unit=unit) for unit in Unit.objects.filter(pk__in=ids).order_by("name")}
    accounts = (
        OfficerAccount.objects.filter(unit_id__in=ids)
        .select_related("person", "unit")
        .order_by("unit__name", "username")
    )
    profiles = {p.person_id: p for p in OfficerProfile.objects.filter(person__officer_accounts__unit_id__in=ids)}
    for account in accounts:
        row = rows[account.unit_id]
        row.total += 1
        profile = profiles.get(account.person_id)
        missing = profile.missing_fields() if profile else list(REQUIRED_PROFILE_FIELDS)
        if missing:
            row.missing.append((account, missing))
        else:
            row.complete += 1
    return list(rows.values())
