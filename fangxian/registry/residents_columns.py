"""The register's columns and words (花名册的列与用词), declared once for the template, the
import, the update preview and the export.

The headers and the vocabulary (户籍/常住/租户/流动, 是/否, 男/女) are fixed Chinese: they are
the file format that offices fill in, whatever the language of the page.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from .models import PERSON_TAGS, Person

# The vocabulary of the register, fixed Chinese (it is the file format).
KIND_VALUES = {
    "户籍": Person.Kind.REGISTERED,
    "常住": Person.Kind.PERMANENT,
    "租户": Person.Kind.TENANT,
    "流动": Person.Kind.FLOATING,
}
KIND_WORDS = {v: k for k, v in KIND_VALUES.items()}  # Person.Kind → 户籍 ...
# What people also write in the kind column.
KIND_ALIASES = {
    "户籍人口": "户籍", "户籍人员": "户籍", "本地户籍": "户籍",
    "常住人口": "常住", "常住人员": "常住",
    "租客": "租户", "租住": "租户", "出租屋租户": "租户",
    "流动人口": "流动", "流动人员": "流动",
}
YES, NO = "是", "否"
YES_WORDS = frozenset({"是", "y", "yes", "true", "1", "√", "✓", "✔"})
NO_WORDS = frozenset({"否", "n", "no", "false", "0", "×", "✗", "✘", "-"})
MALE, FEMALE = "男", "女"
SEX_WORDS = {"男": "M", "男性": "M", "m": "M", "male": "M", "女": "F", "女性": "F", "f": "F", "female": "F"}

# Fixed Chinese headers of the tag columns (the labels of PERSON_TAGS, in the words offices use).
TAG_HEADERS = {
    "is_elderly_alone": ("孤寡老人", ("独居老人", "空巢老人")),
    "is_disabled": ("残疾人", ("残疾",)),
    "is_child_in_hardship": ("困难儿童", ("困境儿童",)),
    "is_extremely_poor": ("特困人员", ("特困", "特困供养人员")),
    "is_party_member": ("党员", ("中共党员", "党员身份")),
}


@dataclass(frozen=True)
class Column:
    key: str  # the Person field (or the place part: estate, building, room)
    header: str  # the Chinese header written in the template and the export
    english: object  # the English header (a lazy gettext string, also accepted on read)
    required: bool
    aliases: tuple[str, ...] = ()  # other headers that mean the same column
    type: str = "text"  # text | name | sex | date | id | phone | kind | yesno
    width: int = 10  # column width in the template

    @property
    def label(self) -> str:
        """How an error names the column: as the file names it."""
        return self.header


REGISTER_COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", gettext_lazy("Name"), True, ("姓 名", "名字", "居民姓名", "人员姓名"), "name", 12),
    Column("sex", "性别", gettext_lazy("Sex"), False, (), "sex", 6),
    Column("birth_date", "出生日期", gettext_lazy("Birth date"), False,
           ("出生年月日", "出生年月", "生日"), "date", 12),
    Column("national_id", "身份证号", gettext_lazy("ID number"), True,
           ("身份证号码", "身份证", "公民身份号码", "身份证件号码", "证件号码", "证件号"), "id", 22),
    Column("phone", "手机号", gettext_lazy("Mobile"), False,
           ("手机", "手机号码", "联系电话", "联系方式", "电话", "电话号码"), "phone", 15),
    Column("kind", "人员类型", gettext_lazy("Kind"), True, ("人员类别", "类型", "居住类型", "人口类型"), "kind", 10),
    Column("estate", "小区", gettext_lazy("Estate"), True,
           ("小区名称", "小区/城中村", "城中村", "小区(城中村)"), "text", 14),
    Column("building", "楼栋", gettext_lazy("Building"), True, ("楼栋号", "栋号", "楼号", "栋"), "text", 8),
    Column("room", "房号", gettext_lazy("Room"), True, ("房间号", "房号/门牌号", "门牌号", "房屋号"), "text", 8),
    *(
        Column(name, TAG_HEADERS[name][0], label, False, TAG_HEADERS[name][1], "yesno", 10)
        for name, label in PERSON_TAGS
    ),
    Column("no_smartphone", "无智能手机", gettext_lazy("No smartphone"), False,
           ("没有智能手机", "无智能手机(是/否)"), "yesno", 12),
)
COLUMNS_BY_KEY = {c.key: c for c in REGISTER_COLUMNS}
COLUMN_ORDER = {c.key: i for i, c in enumerate(REGISTER_COLUMNS)}
TAG_FIELDS = tuple(name for name, _label in PERSON_TAGS)
