"""A realistic bulk dataset of people and dossiers, for benchmarks and demos.

    .venv/bin/python -m bench.dataset --database-url postgresql://postgres@127.0.0.1:5432/bench_c \\
        --dossiers 1000000 [--people 333333]

Migrates the database if needed (creating a missing PostgreSQL database), seeds the
catalogue (``seed_catalogue``), then loads:

- ``--people`` applicants (default a third of the dossiers) as real ``Person`` rows: Vietnamese
  names, a số định danh that passes ``id_number_errors`` (province code of birth
  registration, gender/century digit, birth year, 6 digits) and is unique, a mobile number;
  their identity e-mail is ``…@dulieu-mau.invalid``, which is how the loader recognises them;
- ``--dossiers`` dossiers over the last two years of working days (the official calendar),
  spread over the active procedures (a few popular ones, a long tail) and their agencies, the
  three channels, and statuses 1–10 in proportions that depend on the dossier's age. Codes
  are ``{agency}-{yyMMdd}-{NNNN}`` taken from the ``AgencyDayCounter`` rows (locked, as the
  submit service does), so new submissions on those days continue the numbering; due dates
  come from the working-day calendar at 30-minute resolution; every dossier has its
  timeline (``DossierEvent``, the submission first) and a ``lookup_secret`` made with
  ``lookup_digest`` from its applicant's phone, so the public lookup finds it.

PostgreSQL rows go in with COPY, 20,000 dossiers per transaction; other databases use
``bulk_create`` (fine for the few hundred rows of a test). Idempotent: generated dossiers
carry the idempotency key ``dataset-<n>``, so a second run with the same ``--dossiers``
adds nothing and a run with a larger one adds the difference (spread over the same two
years, numbered after what those days already hold). The random generator is seeded: the
same command on an empty database gives the same data.

A bulk load bypasses the services, so aggregates kept from status changes (statistics)
are not updated: the summary says which command rebuilds them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import hmac
import json
import os
import random
import sys
import time
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import accumulate
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PEOPLE_EMAIL_DOMAIN = "dulieu-mau.invalid"
KEY_PREFIX = "dataset-"
DAYS_BACK = 730
CHUNK = 20_000
MAX_PEOPLE = 1_000_000
SEED = 20250701

SURNAMES = (
    ("Nguyễn", 38),
    ("Trần", 11),
    ("Lê", 9.5),
    ("Phạm", 7),
    ("Hoàng", 5),
    ("Vũ", 4),
    ("Phan", 4),
    ("Đặng", 2),
    ("Bùi", 2),
    ("Đỗ", 2),
    ("Hồ", 1.5),
    ("Ngô", 1.3),
    ("Dương", 1),
    ("Lý", 0.5),
    ("Đào", 1),
    ("Đinh", 1),
    ("Trịnh", 1),
    ("Lương", 0.5),
)
MIDDLE = {
    "Nam": ("Văn", "Hữu", "Đức", "Minh", "Quang", "Xuân", "Công", "Thành"),
    "Nữ": ("Thị", "Ngọc", "Thu", "Thanh", "Minh", "Hồng", "Thùy", "Phương"),
}
GIVEN = {
    "Nam": (
        "An",
        "Bình",
        "Cường",
        "Dũng",
        "Duy",
        "Hải",
        "Hiếu",
        "Hùng",
        "Huy",
        "Khánh",
        "Long",
        "Nam",
        "Phong",
        "Phúc",
        "Quân",
        "Sơn",
        "Tâm",
        "Thắng",
        "Trung",
        "Tuấn",
        "Việt",
        "Vinh",
    ),
    "Nữ": (
        "Anh",
        "Chi",
        "Dung",
        "Giang",
        "Hà",
        "Hạnh",
        "Hoa",
        "Hương",
        "Lan",
        "Linh",
        "Mai",
        "My",
        "Ngân",
        "Nhung",
        "Oanh",
        "Phương",
        "Quỳnh",
        "Thảo",
        "Trang",
        "Uyên",
        "Vân",
        "Yến",
    ),
}
MOBILE_PREFIXES = (
    "032",
    "033",
    "034",
    "035",
    "036",
    "037",
    "038",
    "039",
    "070",
    "076",
    "077",
    "078",
    "079",
    "081",
    "082",
    "083",
    "084",
    "085",
    "086",
    "088",
    "089",
    "090",
    "091",
    "093",
    "094",
    "096",
    "097",
    "098",
)
HOME_PROVINCE_ID_CODE = "033"  # Hưng Yên, the demo province
STREETS = (
    "Nguyễn Văn Linh",
    "Điện Biên",
    "Lê Lợi",
    "Trần Hưng Đạo",
    "Phạm Ngũ Lão",
    "Hải Thượng Lãn Ông",
    "Chu Văn An",
    "Tô Hiệu",
)

# status shares (per mille) by the dossier's age in days: finished work dominates old days
STATUS_MIX: tuple[tuple[int, dict[int, int]], ...] = (
    (3, {1: 400, 2: 250, 4: 250, 3: 30, 5: 30, 7: 20, 9: 20}),
    (30, {1: 30, 2: 60, 3: 20, 4: 330, 5: 60, 6: 30, 7: 20, 8: 10, 9: 190, 10: 250}),
    (10**6, {2: 2, 3: 25, 4: 15, 5: 8, 6: 3, 7: 25, 8: 12, 9: 60, 10: 850}),
)
PATHS: dict[int, tuple[int, ...]] = {
    1: (1,),
    2: (1, 2),
    3: (1, 3),
    4: (1, 2, 4),
    5: (1, 2, 4, 5),
    6: (1, 2, 4, 6),
    7: (1, 2, 7),
    8: (1, 2, 4, 8),
    9: (1, 2, 4, 9),
    10: (1, 2, 4, 9, 10),
}
EVENT_NOTES = {
    1: "Nộp hồ sơ",
    2: "Tiếp nhận hồ sơ",
    3: "Từ chối tiếp nhận: hồ sơ không thuộc thẩm quyền",
    4: "Chuyển xử lý",
    5: "Yêu cầu bổ sung giấy tờ",
    6: "Yêu cầu thực hiện nghĩa vụ tài chính",
    7: "Công dân yêu cầu rút hồ sơ",
    8: "Dừng xử lý theo đề nghị của cơ quan có thẩm quyền",
    9: "Đã xử lý xong",
    10: "Đã trả kết quả",
}


@dataclass
class Summary:
    people_added: int = 0
    people_total: int = 0
    dossiers_added: int = 0
    dossiers_total: int = 0
    events_added: int = 0
    first_day: dt.date | None = None
    last_day: dt.date | None = None
    by_status: dict[int, int] = field(default_factory=dict)
    by_channel: dict[int, int] = field(default_factory=dict)
    seconds: float = 0.0

    def lines(self) -> list[str]:
        return [
            f"people: {self.people_total} generated ({self.people_added} added)",
            f"dossiers: {self.dossiers_total} generated ({self.dossiers_added} added, {self.events_added} events)",
            f"days: {self.first_day} … {self.last_day}",
            "by status (added, or all when none added): "
            + ", ".join(f"{k}: {v}" for k, v in sorted(self.by_status.items())),
            "by channel (idem): " + ", ".join(f"{k}: {v}" for k, v in sorted(self.by_channel.items())),
            f"time: {self.seconds:.1f} s",
        ]


@dataclass(frozen=True)
class _Applicant:
    pk: int
    info: dict[str, Any]
    digits: str


@dataclass(frozen=True)
class _Offer:
    """A procedure as the loader uses it."""

    procedure_id: int
    days: Decimal | None
    agency_ids: tuple[int, ...]
    version_id: int | None
    schema: list[dict[str, Any]]


# --- people ------------------------------------------------------------------------------


def _weighted(rng: random.Random, cumulative: Sequence[float], values: Sequence[Any]) -> Any:
    return values[bisect_right(cumulative, rng.random() * cumulative[-1])]


_SURNAME_VALUES = [s for s, _w in SURNAMES]
_SURNAME_CUM = list(accumulate(w for _s, w in SURNAMES))


def _id_number(index: int, *, province: str, birth: dt.date, gender: str) -> str:
    century_digit = (birth.year // 100 - 19) * 2 + (1 if gender == "Nữ" else 0)
    # a bijection of 0…999,999: numbers of different generated people never collide
    serial = (index * 7919 + 104729) % 1_000_000
    return f"{province}{century_digit}{birth.year % 100:02d}{serial:06d}"


def _person_row(index: int, taken: set[str], communes: Sequence[str], province_name: str) -> dict[str, Any]:
    from province.accounts import identity_numbers

    rng = random.Random(SEED * 7 + index)
    gender = "Nam" if rng.random() < 0.5 else "Nữ"
    name = " ".join(
        (_weighted(rng, _SURNAME_CUM, _SURNAME_VALUES), rng.choice(MIDDLE[gender]), rng.choice(GIVEN[gender]))
    )
    codes = sorted(identity_numbers.PROVINCE_CODES)
    province = HOME_PROVINCE_ID_CODE if rng.random() < 0.7 else rng.choice(codes)
    birth = dt.date(1945, 1, 1) + dt.timedelta(days=rng.randrange(0, 61 * 365))
    number = _id_number(index, province=province, birth=birth, gender=gender)
    while number in taken:  # a demo or real person holds it: another birth year, same serial
        birth = birth.replace(year=birth.year - 1, day=min(birth.day, 28))
        number = _id_number(index, province=province, birth=birth, gender=gender)
    assert not identity_numbers.id_number_errors(number, birth_date=birth, gender=gender), number
    phone = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**7):07d}"
    commune = rng.choice(communes) if communes else "Phường Phố Hiến"
    if rng.random() < 0.5:
        address = f"Thôn {rng.randrange(1, 15)}, {commune}, tỉnh {province_name}"
    else:
        address = f"Số {rng.randrange(1, 300)} đường {rng.choice(STREETS)}, {commune}, tỉnh {province_name}"
    return {
        "full_name": name.upper(),
        "gender": gender,
        "birth_date": birth,
        "id_number": number,
        "phone": phone,
        "identity_email": f"cd{index:07d}@{PEOPLE_EMAIL_DOMAIN}",
        "permanent_address": address,
        "current_address": address,
        "nationality": "Việt Nam",
        "ethnicity": "Kinh",
        "identification_level": 2,
        "verified": True,
    }


def _load_people(target: int, echo: Callable[[str], None]) -> int:
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from province.accounts.models import Person
    from province.catalogue.models import AdministrativeUnit, UnitKind

    if target > MAX_PEOPLE:
        raise SystemExit(f"--people is limited to {MAX_PEOPLE} (the 6-digit serial of the số định danh)")
    generated = Person.objects.filter(identity_email__endswith=f"@{PEOPLE_EMAIL_DOMAIN}")
    have: int = generated.count()
    if have >= target:
        return 0
    taken = {
        number
        for number in Person.objects.exclude(identity_email__endswith=f"@{PEOPLE_EMAIL_DOMAIN}")
        .exclude(id_number=None)
        .values_list("id_number", flat=True)
        if number
    }
    province = AdministrativeUnit.objects.filter(kind__in=[UnitKind.PROVINCE, UnitKind.CITY], code="33").first()
    province_name = province.name.removeprefix("Tỉnh ").removeprefix("tỉnh ") if province else "Hưng Yên"
    communes = list(AdministrativeUnit.objects.filter(parent__code="33").values_list("name", flat=True)[:200])
    password = make_password(None)  # unusable: people sign in through the national SSO only
    for start in range(have, target, CHUNK):
        now = timezone.now()
        people = []
        for index in range(start, min(start + CHUNK, target)):
            row = _person_row(index, taken, communes, province_name)
            people.append(Person(password=password, created_at=now, updated_at=now, **row))
        with transaction.atomic():
            _insert(Person, people)
        echo(f"people {start + len(people)}/{target}")
    return target - have


def _applicants() -> list[_Applicant]:
    from province.accounts.models import Person

    rows = (
        Person.objects.filter(identity_email__endswith=f"@{PEOPLE_EMAIL_DOMAIN}")
        .order_by("id")
        .values_list("pk", "full_name", "id_number", "birth_date", "permanent_address", "phone", "identity_email")
    )
    out = []
    for pk, name, number, birth, address, phone, email in rows.iterator(chunk_size=10_000):
        info = {
            "full_name": name,
            "id_number": number,
            "birth_date": birth.isoformat() if birth else "",
            "permanent_address": address,
            "phone": phone,
            "email": email,
            "address": address,
        }
        out.append(_Applicant(pk=pk, info=info, digits=phone[-4:]))
    return out


# --- dossiers ----------------------------------------------------------------------------


def _offers() -> list[_Offer]:
    from province.catalogue.models import Procedure

    offers = []
    procedures = Procedure.objects.filter(is_active=True).prefetch_related("agencies", "form_versions").order_by("code")
    for procedure in procedures:
        agencies = tuple(sorted(a.pk for a in procedure.agencies.all() if a.is_active))
        if not agencies:
            continue
        current = next((v for v in procedure.form_versions.all() if v.is_current), None)
        offers.append(
            _Offer(
                procedure_id=procedure.pk,
                days=procedure.processing_days,
                agency_ids=agencies,
                version_id=current.pk if current else None,
                schema=list(current.schema) if current else [],
            )
        )
    return offers


def _form_value(rng: random.Random, spec: dict[str, Any], applicant: _Applicant) -> Any:
    kind = spec.get("type")
    if kind == "checkbox":
        return True
    if kind == "select":
        choices = spec.get("choices") or [""]
        choice = rng.choice(choices)
        return str(choice[0]) if isinstance(choice, list | tuple) else str(choice)
    if kind == "date":
        return (dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(0, 60 * 365))).isoformat()
    if kind == "number":
        return str(rng.randrange(1, 500))
    name = str(spec.get("name", ""))
    if name in ("ho_ten_nguoi_yeu_cau", "ho_ten_nguoi_nop", "nguoi_yeu_cau"):
        return str(applicant.info["full_name"]).title()
    if name.startswith("ho_ten"):
        gender = "Nam" if rng.random() < 0.5 else "Nữ"
        surname = _weighted(rng, _SURNAME_CUM, _SURNAME_VALUES)
        return f"{surname} {rng.choice(MIDDLE[gender])} {rng.choice(GIVEN[gender])}"
    if name == "dan_toc":
        return "Kinh"
    if name == "quoc_tich":
        return "Việt Nam"
    if "dia_chi" in name or "noi_" in name:
        return str(applicant.info["address"])
    if "so_dinh_danh" in name or "cccd" in name:
        return str(applicant.info["id_number"])
    if "dien_thoai" in name:
        return str(applicant.info["phone"])
    if kind == "textarea":
        return "Đề nghị cơ quan xem xét, giải quyết theo quy định."
    return "Theo hồ sơ kèm theo"


def _status_for(rng: random.Random, age_days: int) -> int:
    for limit, mix in STATUS_MIX:
        if age_days <= limit:
            statuses = list(mix)
            return int(_weighted(rng, list(accumulate(mix.values())), statuses))
    raise AssertionError("unreachable")


def _days(today: dt.date) -> list[dt.date]:
    from province.dossiers.calendar import WorkingCalendar

    calendar = WorkingCalendar()
    days = [today - dt.timedelta(days=n) for n in range(DAYS_BACK, 0, -1)]
    return [d for d in days if calendar.is_working_day(d)]


def _spread(total: int, days: Sequence[dt.date], rng: random.Random) -> list[int]:
    """How many dossiers each day gets: growing slowly over two years, Mondays busier."""
    weights = []
    for n, day in enumerate(days):
        w = (1.0 + 0.4 * n / max(1, len(days))) * (1.25 if day.weekday() == 0 else 1.0)
        weights.append(w * rng.uniform(0.8, 1.2))
    cumulative = list(accumulate(weights))
    marks = [round(total * c / cumulative[-1]) for c in cumulative]
    return [b - a for a, b in zip([0, *marks[:-1]], marks, strict=True)]


def _local_moment(rng: random.Random, day: dt.date, channel: int) -> dt.datetime:
    from province.dossiers.calendar import LOCAL_TZ

    if channel == 2 and rng.random() < 0.35:  # online: evenings too
        minute = rng.randrange(6 * 60, 23 * 60)
    else:  # office hours 07:30–11:30, 13:30–17:00
        minute = rng.choice((rng.randrange(450, 690), rng.randrange(810, 1020)))
    return dt.datetime.combine(day, dt.time(minute // 60, minute % 60, rng.randrange(60)), LOCAL_TZ)


@dataclass
class _Pending:
    agency_id: int
    offer: _Offer
    applicant: _Applicant
    channel: int
    submitted: dt.datetime
    status: int


def _event_times(
    rng: random.Random, path: Sequence[int], submitted: dt.datetime, due: dt.datetime | None, now: dt.datetime
) -> list[dt.datetime]:
    times = [submitted]
    moment = submitted
    for status in path[1:]:
        if status == 2:
            moment += dt.timedelta(minutes=rng.randrange(10, 8 * 60))
        elif status == 9 and due is not None:
            # most finish before the due date; about one in twelve is late
            slack = dt.timedelta(hours=rng.randrange(1, 72))
            moment = max(moment + dt.timedelta(hours=1), due - slack if rng.random() > 0.08 else due + slack)
        else:
            moment += dt.timedelta(hours=rng.randrange(2, 72))
        times.append(min(moment, now))
    return times


def load(
    *,
    dossiers: int,
    people: int | None = None,
    today: dt.date | None = None,
    echo: Callable[[str], None] = print,
) -> Summary:
    """Bring the generated data up to ``dossiers`` dossiers and ``people`` people (default
    a third of the dossiers, at least one). Runs in the configured Django database."""
    from django.conf import settings
    from django.db import connection, transaction
    from django.utils import timezone

    from province.catalogue.models import Agency
    from province.dossiers.calendar import LOCAL_TZ, WorkingCalendar
    from province.dossiers.models import AgencyDayCounter, Delivery, Dossier, DossierEvent

    started = time.monotonic()
    summary = Summary()
    wanted_people = people if people is not None else max(1, dossiers // 3)
    summary.people_added = _load_people(wanted_people, echo)
    summary.people_total = wanted_people
    generated = Dossier.objects.filter(idempotency_key__startswith=KEY_PREFIX)
    have = generated.count()
    missing = dossiers - have
    now = timezone.now()
    today = today or now.astimezone(LOCAL_TZ).date()
    days = _days(today)
    summary.first_day, summary.last_day = days[0], days[-1]
    if missing > 0:
        applicants = _applicants()
        offers = _offers()
        if not offers or not applicants:
            raise SystemExit("no active procedure with an agency: run seed_catalogue first")
        rng = random.Random(SEED + have)
        # popularity: a few procedures take most dossiers (Zipf-like over a fixed shuffle)
        order = list(range(len(offers)))
        random.Random(SEED).shuffle(order)
        popularity = list(accumulate(1.0 / (rank + 1) for rank in range(len(offers))))
        by_rank = [offers[i] for i in order]
        per_day = _spread(missing, days, rng)
        calendar = WorkingCalendar()
        due_cache: dict[tuple[dt.datetime, Decimal], dt.datetime] = {}
        secret = settings.SECRET_KEY.encode()
        index = have
        batch: list[_Pending] = []
        for day, count in zip(days, per_day, strict=True):
            age = (today - day).days
            for _n in range(count):
                offer: _Offer = _weighted(rng, popularity, by_rank)
                channel = _weighted(rng, (0.6, 0.95, 1.0), (2, 1, 3))
                batch.append(
                    _Pending(
                        agency_id=rng.choice(offer.agency_ids),
                        offer=offer,
                        applicant=applicants[rng.randrange(len(applicants))],
                        channel=channel,
                        submitted=_local_moment(rng, day, channel),
                        status=_status_for(rng, age),
                    )
                )
            if len(batch) >= CHUNK or day == days[-1]:
                if not batch:
                    continue
                batch.sort(key=lambda p: p.submitted)
                with transaction.atomic():
                    pairs = {(p.agency_id, p.submitted.date()) for p in batch}
                    AgencyDayCounter.objects.bulk_create(
                        [AgencyDayCounter(agency_id=a, day=d, last=0) for a, d in sorted(pairs)],
                        ignore_conflicts=True,
                    )
                    day_set = {d for _a, d in pairs}
                    counters = {
                        (c.agency_id, c.day): c
                        for c in AgencyDayCounter.objects.select_for_update()
                        .filter(day__in=day_set, agency_id__in={a for a, _d in pairs})
                        .order_by("agency_id", "day")
                    }
                    agency_codes = dict(Agency.objects.filter(pk__in={a for a, _d in pairs}).values_list("pk", "code"))
                    ids = _reserve_ids(Dossier, len(batch))
                    dossier_rows: list[dict[str, Any]] = []
                    event_rows: list[dict[str, Any]] = []
                    for pk, pending in zip(ids, batch, strict=True):
                        counter = counters[(pending.agency_id, pending.submitted.date())]
                        counter.last += 1
                        code = f"{agency_codes[pending.agency_id]}-{pending.submitted:%y%m%d}-{counter.last:04d}"
                        offer = pending.offer
                        due = None
                        if offer.days is not None:
                            slot = pending.submitted.replace(minute=pending.submitted.minute // 30 * 30, second=0)
                            key = (slot, offer.days)
                            if key not in due_cache:
                                due_cache[key] = calendar.add_working_days(slot, offer.days)
                            due = due_cache[key]
                        path = PATHS[pending.status]
                        times = _event_times(rng, path, pending.submitted, due, now)
                        info = pending.applicant.info
                        if pending.channel == 2:
                            delivery = Delivery.ONLINE if rng.random() < 0.4 else Delivery.AT_AGENCY
                        elif pending.channel == 3:
                            delivery = Delivery.POST
                        else:
                            delivery = Delivery.AT_AGENCY
                        digest = hmac.new(secret, f"{code}:{pending.applicant.digits}".encode(), hashlib.sha256)
                        dossier_rows.append(
                            {
                                "id": pk,
                                "code": code,
                                "procedure_id": offer.procedure_id,
                                "form_version_id": offer.version_id,
                                "applicant_id": pending.applicant.pk,
                                "organisation_id": None,
                                "agency_id": pending.agency_id,
                                "status": pending.status,
                                "channel": pending.channel,
                                "form_data": {
                                    str(s["name"]): _form_value(rng, s, pending.applicant) for s in offer.schema
                                },
                                "applicant_info": info,
                                "delivery": delivery,
                                "delivery_address": info["address"] if delivery == Delivery.POST else "",
                                "submitted_at": pending.submitted,
                                "received_at": pending.submitted,
                                "due_at": due,
                                "lookup_secret": digest.hexdigest(),
                                "idempotency_key": f"{KEY_PREFIX}{index:09d}",
                                "updated_at": times[-1],
                            }
                        )
                        index += 1
                        previous = None
                        for status, at in zip(path, times, strict=True):
                            event_rows.append(
                                {
                                    "dossier_id": pk,
                                    "at": at,
                                    "actor_id": pending.applicant.pk if status in (1, 7) else None,
                                    "from_status": previous,
                                    "to_status": status,
                                    "note": EVENT_NOTES[status],
                                }
                            )
                            previous = status
                        summary.by_status[pending.status] = summary.by_status.get(pending.status, 0) + 1
                        summary.by_channel[pending.channel] = summary.by_channel.get(pending.channel, 0) + 1
                    _insert_rows(Dossier, dossier_rows, now)
                    _insert_rows(DossierEvent, event_rows, now)
                    with connection.cursor() as cursor:
                        cursor.executemany(
                            f"UPDATE {AgencyDayCounter._meta.db_table} SET last = %s WHERE id = %s",
                            [(c.last, c.pk) for c in counters.values()],
                        )
                summary.dossiers_added += len(batch)
                summary.events_added += len(event_rows)
                echo(f"dossiers {index}/{dossiers} (up to {day})")
                batch = []
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for model in (
                    "accounts_person",
                    "dossiers_dossier",
                    "dossiers_dossierevent",
                    "dossiers_agencydaycounter",
                ):
                    cursor.execute(f"ANALYZE {model}")
    summary.dossiers_total = generated.count()
    if not summary.by_status:
        summary.by_status = dict(Counter(generated.values_list("status", flat=True)))
        summary.by_channel = dict(Counter(generated.values_list("channel", flat=True)))
    summary.seconds = time.monotonic() - started
    return summary


# --- inserting ---------------------------------------------------------------------------


def _reserve_ids(model: Any, count: int) -> list[int]:
    """Primary keys for rows inserted with explicit ids (events refer to them)."""
    from django.db import connection
    from django.db.models import Max

    table = model._meta.db_table
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
            )
            return [row[0] for row in cursor.fetchall()]
    # SQLite: the IMMEDIATE transaction holds the write lock, so nobody takes these ids
    start = (model.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    return list(range(start, start + count))


def _insert(model: Any, objects: Sequence[Any]) -> None:
    """Model instances, through ``_insert_rows``."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    _insert_rows(model, [{f.attname: getattr(obj, f.attname) for f in fields} for obj in objects], None)


def _insert_rows(model: Any, rows: Iterable[dict[str, Any]], now: dt.datetime | None) -> None:
    """Rows as {attname: value}: COPY on PostgreSQL, executemany elsewhere. A column the
    loader does not fill (added to the model after it was written) gets the field's default,
    or NULL, or a clear error; a model field whose column is not in the table yet (its
    migration is not written) is left out."""
    from django.db import connection
    from django.db.models import NOT_PROVIDED, JSONField

    rows = list(rows)
    if not rows:
        return
    table = model._meta.db_table
    with connection.cursor() as cursor:
        existing = {c.name for c in connection.introspection.get_table_description(cursor, table)}
    given = set(rows[0])
    fields = [
        f for f in model._meta.concrete_fields if f.column in existing and (f.attname in given or not f.primary_key)
    ]
    constants: dict[str, Any] = {}
    for f in fields:
        if f.attname in given:
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            constants[f.attname] = now
        elif f.default is not NOT_PROVIDED:
            constants[f.attname] = f.get_default()
        elif f.null:
            constants[f.attname] = None
        else:
            raise SystemExit(f"bench/dataset.py does not fill {model.__name__}.{f.name}: add it to the loader")
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    if connection.vendor != "postgresql":
        placeholders = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {connection.ops.quote_name(table)} ({columns}) VALUES ({placeholders})"
        values = [
            [
                f.get_db_prep_save(row[f.attname] if f.attname in row else constants[f.attname], connection)
                for f in fields
            ]
            for row in rows
        ]
        with connection.cursor() as cursor:
            cursor.executemany(sql, values)
        return
    json_columns = {f.attname for f in fields if isinstance(f, JSONField)}
    names = [f.attname for f in fields]
    sql = f"COPY {connection.ops.quote_name(table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            out = []
            for name in names:
                value = row[name] if name in row else constants[name]
                if name in json_columns:
                    value = json.dumps(value, ensure_ascii=False)
                out.append(value)
            copy.write_row(out)


# --- command line ------------------------------------------------------------------------


def _ensure_postgres_database(url: str) -> None:
    from urllib.parse import urlparse

    import psycopg

    parsed = urlparse(url)
    if parsed.scheme not in ("postgres", "postgresql"):
        return
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def stats_hint() -> str | None:
    from django.core.management import get_commands

    if "stats_recount" in get_commands():
        return "run `python -m province stats_recount` to rebuild statistics"
    return None


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--database-url", help="DATABASE_URL (default: the environment's, else var/ SQLite)")
    parser.add_argument("--dossiers", type=int, required=True)
    parser.add_argument("--people", type=int, default=None, help="default: a third of --dossiers")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
        _ensure_postgres_database(args.database_url)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "province.settings.local")

    import django
    from django.core.management import call_command

    django.setup()
    echo: Callable[[str], None] = (lambda _line: None) if args.quiet else (lambda line: print(line, flush=True))
    call_command("migrate", interactive=False, verbosity=0)
    call_command("seed_catalogue")
    summary = load(dossiers=args.dossiers, people=args.people, echo=echo)
    for line in summary.lines():
        print(line)
    hint = stats_hint()
    if hint:
        print(hint)


if __name__ == "__main__":
    main()
