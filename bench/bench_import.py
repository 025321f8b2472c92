"""Importing a 100,000-row register, beside a raw bulk insert of the same rows.

Figure: rows per second of the whole import from the .xlsx file as an office does it —
`residents_check` (the preview: read with openpyxl, check every field, one query for the
dwellings, chunked queries for duplicates) then `residents_import_commit` (which re-reads and
re-checks the file before inserting everything in one transaction).
Floor: `Person.objects.bulk_create` of the same 100,000 already-built Person objects in the
same database, after deleting them: what the database alone costs.

Run alone with `.venv/bin/python -m bench.bench_import` (needs its own process: it points
Django at a scratch SQLite database before setting it up).
"""

from __future__ import annotations

import datetime as dt
import random
import re
import time
import zipfile

from bench.common import emit, figure, scratch_django

ROWS = 100_000
ESTATES, BUILDINGS_PER_ESTATE, ROOMS_PER_BUILDING = 5, 20, 300  # 30,000 dwellings
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红梅鹏飞辉建国志强海燕晓东"
KINDS = ("户籍", "常住", "租户", "流动")


def run() -> list[dict]:
    folder = scratch_django("import")
    from django.db import connection, transaction

    from fangxian.core.validators import id_check_char
    from fangxian.registry import residents_import
    from fangxian.registry.models import Building, Community, Dwelling, Estate, Person, ResidentialGroup, Subdistrict

    subdistrict = Subdistrict.objects.create(code="BENCH", name="南澳街道")
    community = Community.objects.create(subdistrict=subdistrict, code="BENCH01", name="东山社区")
    group = ResidentialGroup.objects.create(community=community, number=1, name="第一居民小组")
    places = []
    for e in range(ESTATES):
        estate = Estate.objects.create(community=community, group=group, name=f"海景{e + 1}花园")
        buildings = Building.objects.bulk_create(
            Building(community=community, estate=estate, name=f"{b + 1}栋", floors=30)
            for b in range(BUILDINGS_PER_ESTATE)
        )
        rooms = [f"{floor}{unit:02d}" for floor in range(1, 31) for unit in range(1, 11)][:ROOMS_PER_BUILDING]
        for building in buildings:
            Dwelling.objects.bulk_create(Dwelling(building=building, room=room) for room in rooms)
            places += [(estate.name, building.name, room) for room in rooms]

    # The register: 100,000 valid, distinct people in the template's columns. Written in
    # openpyxl's normal mode, which (like Excel and WPS) records the sheet's dimension; a
    # streamed (write_only) file lacks it, and openpyxl then parses the sheet twice on load.
    from openpyxl import Workbook

    rng = random.Random(20200201)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "花名册"
    sheet.append(["东山社区居民花名册"])
    sheet.append([c.header for c in residents_import.REGISTER_COLUMNS])
    start = dt.date(1930, 1, 1)
    seen = set()
    tags = len(residents_import.TAG_FIELDS)
    while len(seen) < ROWS:
        born = start + dt.timedelta(days=rng.randrange(365 * 90))
        first17 = f"440307{born:%Y%m%d}{rng.randrange(1000):03d}"
        if first17 in seen:
            continue
        seen.add(first17)
        estate, building, room = places[len(seen) % len(places)]
        sheet.append([
            rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(("", rng.choice(GIVEN))),
            None, None,
            first17 + id_check_char(first17),
            f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}",
            rng.choice(KINDS), estate, building, room,
            *("是" if rng.random() < 0.05 else "否" for _ in range(tags)),
            "是" if rng.random() < 0.1 else "否",
        ])
    path = folder / "register-100k.xlsx"
    workbook.save(path)
    _with_shared_strings(path)

    began, cpu_began = time.perf_counter(), time.process_time()
    check = residents_import.residents_check_file(path, community=community)
    checked = time.perf_counter()
    assert not check.errors, check.errors[:5]
    count = residents_import.residents_import_commit(upload_or_file=path, community=community, user=None)
    committed, cpu_used = time.perf_counter(), time.process_time() - cpu_began
    assert count == ROWS == Person.objects.count()
    value = ROWS / (committed - began)

    # The floor: the same rows, already built, inserted raw.
    Person.objects.all()._raw_delete(connection.alias)
    people = check.people  # unsaved objects from the preview check (the commit used its own)
    assert all(p.pk is None for p in people)
    floor_began, floor_cpu_began = time.perf_counter(), time.process_time()
    with transaction.atomic():
        Person.objects.bulk_create(people, batch_size=residents_import.BATCH_SIZE)
    floor_seconds = time.perf_counter() - floor_began
    floor_cpu = time.process_time() - floor_cpu_began
    assert Person.objects.count() == ROWS
    return [figure(
        "residents_import_100k", "rows/s", value, ROWS / floor_seconds, higher_is_better=True,
        rows=ROWS, check_s=round(checked - began, 2), commit_s=round(committed - checked, 2),
        floor_s=round(floor_seconds, 2),
        # CPU seconds of this process: a check on the wall-clock figures of a busy machine.
        import_cpu_s=round(cpu_used, 2), floor_cpu_s=round(floor_cpu, 2), file_mb=round(path.stat().st_size / 1e6, 1),
    )]


INLINE_RE = re.compile(rb'<c r="([A-Z]+\d+)"( s="\d+")? t="inlineStr"><is>(<t(?: [^>]*)?>.*?</t>)</is></c>', re.S)


def _with_shared_strings(path) -> None:
    """Rewrite openpyxl's inline strings as a shared-string table, as Excel and WPS save.

    openpyxl writes every text cell inline, which it also reads back several times slower
    than the shared strings of the files offices actually upload; the benchmark measures
    the latter.
    """
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    strings: dict[bytes, int] = {}

    def shared(match: re.Match) -> bytes:
        index = strings.setdefault(match.group(3), len(strings))
        return b'<c r="%s"%s t="s"><v>%d</v></c>' % (match.group(1), match.group(2) or b"", index)

    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = INLINE_RE.sub(shared, parts[sheet])
    parts["xl/sharedStrings.xml"] = b"".join([
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n',
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">'
        % (len(strings), len(strings)),
        *(b"<si>%s</si>" % text for text in strings),
        b"</sst>",
    ])
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(b"</Types>", (
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
        b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>'))
    rels = "xl/_rels/workbook.xml.rels"
    parts[rels] = parts[rels].replace(b"</Relationships>", (
        b'<Relationship Id="rIdSharedStrings" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)


if __name__ == "__main__":
    emit(run())
