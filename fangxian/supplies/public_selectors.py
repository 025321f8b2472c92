"""What the public donations page and its poster show of a community's supplies: per item,
what was received, where it went and what is in stock; the donors who agreed to be named; the
date of the last update. Nothing personal: a donor's phone is never read, a name only where
the donor agreed (the same rule as `Donation.public_name`), and only the names reach the page.

`public_report` runs a fixed number of queries, whatever the number of donations and movements.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Case, CharField, Count, F, Max, Q, Sum, When
from django.utils import timezone

from fangxian.registry.models import Community

from .models import Donation, Item, Movement, Place

K = Movement.Kind
R = Movement.Recipient
NAMED_SHOWN = 200  # the most recent named donations on the page; the rest are counted

# A donor may be named: not anonymous, agreed to be named, and there is a name to show.
PUBLICLY_NAMED = (~Q(donor_kind=Donation.DonorKind.ANONYMOUS)
                  & (Q(naming=Donation.Naming.NAMED) & ~Q(donor_name="")
                     | Q(naming=Donation.Naming.DISPLAY) & ~Q(display_name="")))


@dataclass
class ItemReport:
    name: str
    unit: str
    received: int = 0  # donations, less their reversals
    bought: int = 0  # purchases, less their reversals
    issued: dict[str, int] = field(default_factory=dict)  # recipient value → units
    to_checkpoints: dict[str, int] = field(default_factory=dict)  # checkpoint name → units sent there
    used: int = 0
    lost: int = 0  # lost or expired
    in_stock: int = 0  # every place of the community: the office store and the checkpoints

    @property
    def issued_rows(self) -> list[tuple[str, int]]:
        labels = dict(R.choices)
        return [(str(labels.get(key, labels[R.OTHER])), units) for key, units in self.issued.items() if units]

    @property
    def checkpoint_rows(self) -> list[tuple[str, int]]:
        return sorted((name, units) for name, units in self.to_checkpoints.items() if units)

    @property
    def given_out(self) -> int:
        return sum(self.issued.values()) + self.used + self.lost


@dataclass(frozen=True)
class NamedDonation:
    name: str
    received_on: dt.date
    lines: tuple[tuple[str, int, str], ...]  # (item, quantity, unit)


@dataclass(frozen=True)
class PublicReport:
    community: Community
    items: list[ItemReport]
    named: list[NamedDonation]
    named_count: int
    unnamed_count: int  # anonymous, or did not agree to be named
    donation_count: int
    updated_at: dt.datetime | None


def _effective_kind():
    """A reversal counts against the kind of the movement it reverses."""
    return Case(When(kind=K.REVERSAL, then=F("reverses__kind")), default=F("kind"), output_field=CharField())


def public_report(community: Community) -> PublicReport:
    """The community's public figures: five queries."""
    movements = Movement.objects.filter(community=community).order_by()
    rows = (movements.annotate(effective=_effective_kind())
            .values_list("item_id", "item__name", "item__unit", "effective", "recipient", "other_place__kind",
                         "other_place__name")
            .annotate(total=Sum("change"), last=Max("at")))
    items: dict[int, ItemReport] = {}
    updated_at = None
    for item_id, name, unit, kind, recipient, other_kind, other_name, total, last in rows:
        report = items.setdefault(item_id, ItemReport(name=name, unit=unit))
        updated_at = last if updated_at is None or last > updated_at else updated_at
        report.in_stock += total
        if kind == K.DONATION:
            report.received += total
        elif kind == K.PURCHASE:
            report.bought += total
        elif kind == K.ISSUE:
            key = recipient or R.OTHER
            report.issued[key] = report.issued.get(key, 0) - total
        elif kind == K.TRANSFER_OUT and other_kind == Place.Kind.CHECKPOINT:
            report.to_checkpoints[other_name] = report.to_checkpoints.get(other_name, 0) - total
        elif kind == K.USE:
            report.used -= total
        elif kind in (K.LOSS, K.EXPIRY):
            report.lost -= total
    order = {pk: index for index, pk in enumerate(
        Item.objects.filter(pk__in=list(items)).order_by("-key", "name").values_list("pk", flat=True))}
    ordered = sorted(items.items(), key=lambda pair: order.get(pair[0], len(order)))

    donations = Donation.objects.filter(community=community)
    counts = donations.aggregate(total=Count("pk"), named=Count("pk", filter=PUBLICLY_NAMED),
                                 last=Max("created_at"))
    if counts["last"] is not None and (updated_at is None or counts["last"] > updated_at):
        updated_at = counts["last"]
    # Only the fields a name is made of: never the phone.
    named_rows = list(donations.filter(PUBLICLY_NAMED).order_by("-received_on", "-pk")
                      .values_list("pk", "naming", "donor_name", "display_name", "received_on")[:NAMED_SHOWN])
    lines: dict[int, list[tuple[str, int, str]]] = defaultdict(list)
    line_rows = (Movement.objects.filter(donation_id__in=[r[0] for r in named_rows])
                 .annotate(effective=_effective_kind()).filter(effective=K.DONATION).order_by()
                 .values_list("donation_id", "item__name", "item__unit").annotate(total=Sum("change"))
                 .order_by("donation_id", "item__name"))
    for donation_id, item_name, unit, total in line_rows:
        if total:
            lines[donation_id].append((item_name, total, unit))
    named = [NamedDonation(name=display if naming == Donation.Naming.DISPLAY else donor,
                           received_on=received_on, lines=tuple(lines[pk]))
             for pk, naming, donor, display, received_on in named_rows]
    return PublicReport(community=community, items=[report for _pk, report in ordered], named=named,
                        named_count=counts["named"], unnamed_count=counts["total"] - counts["named"],
                        donation_count=counts["total"],
                        updated_at=timezone.localtime(updated_at) if updated_at else None)
