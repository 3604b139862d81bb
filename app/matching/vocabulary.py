"""The words people use for work: trades with their common names, towns, certificates, and the
requirements an employer may not state (age, sex, ethnicity, home region)."""

from __future__ import annotations

import re
from functools import lru_cache

from app.jobs.models import Category

# The towns of the district (the gig-work market's service area).
TOWNS = ("东园镇", "洛阳镇", "张坂镇", "百崎回族乡")

# Each trade's Chinese name first, then what people call it or the jobs in it.
CATEGORY_WORDS: dict[Category, tuple[str, ...]] = {
    Category.MANUFACTURING: ("制造", "普工", "操作工", "装配工", "流水线", "车工", "焊工", "电工"),
    Category.LOGISTICS: (
        "物流",
        "分拣",
        "分拣员",
        "快递",
        "搬运",
        "搬运工",
        "装卸",
        "叉车",
        "叉车司机",
        "仓管",
    ),
    Category.CATERING: ("餐饮", "服务员", "厨师", "帮厨", "洗碗工", "配菜"),
    Category.RETAIL: ("零售", "营业员", "收银", "收银员", "导购", "理货员"),
    Category.DOMESTIC: ("家政", "保姆", "月嫂", "育儿嫂", "护工"),
    Category.CONSTRUCTION: ("建筑", "木工", "泥水工", "钢筋工", "架子工", "小工"),
    Category.CLEANING: ("保洁", "清洁工", "保洁员"),
    Category.SECURITY: ("安保", "保安", "门卫"),
    Category.DRIVING: ("驾驶", "司机", "货车司机", "配送", "送货"),
    Category.OFFICE: ("文员", "办公室", "客服", "行政"),
    Category.OTHER: ("其他",),
}

# A word (or the code itself) → its trade; "叉车司机" finds logistics like "叉车" does.
_WORD_TO_CATEGORY = {word: category for category, words in CATEGORY_WORDS.items() for word in words}
_WORD_TO_CATEGORY.update({category.value: category for category in Category})


def category_of(word: str) -> Category | None:
    """The trade a code or a common name stands for (None when unknown)."""
    return _WORD_TO_CATEGORY.get(word.strip().lower()) or _WORD_TO_CATEGORY.get(word.strip())


def category_label(category: str) -> str:
    """The trade's Chinese name."""
    return CATEGORY_WORDS[Category(category)][0]


# Certificates and the word a job states when it needs one: 叉车证 ↔ 叉车.
CERTIFICATES = {
    "电工证": "电工",
    "叉车证": "叉车",
    "焊工证": "焊工",
    "健康证": "健康证",
    "驾驶证": "驾驶",
    "保安证": "保安",
    "厨师证": "厨师",
    "育婴师证": "育婴",
}


def certificate_stem(certificate: str) -> str:
    """The word a job mentions when it wants this certificate (叉车证 → 叉车)."""
    return CERTIFICATES.get(certificate, certificate.removesuffix("证"))


@lru_cache(maxsize=1)
def _segmenter():
    import jieba

    jieba.setLogLevel(60)  # its start-up notes are not errors
    for word in (*_WORD_TO_CATEGORY, *CERTIFICATES, *TOWNS, "日结", "夜班", "白班"):
        jieba.add_word(word)
    return jieba


def tokens(text: str) -> list[str]:
    """The words of a free text (jieba, with the shorter words inside longer ones: 叉车司机 also
    gives 叉车), without punctuation and one-character noise, in order."""
    words = []
    for word in _segmenter().cut_for_search(text or ""):
        word = word.strip().lower()
        if len(word) > 1 and not _PUNCT.fullmatch(word) and word not in words:
            words.append(word)
    return words


_PUNCT = re.compile(r"[\W_]+")


@lru_cache(maxsize=65536)
def job_terms(title: str, requirements: str) -> frozenset[str]:
    """The words of a job's title and requirements (cached: jobs are matched many times)."""
    return frozenset(tokens(f"{title} {requirements}"))


# Requirements that discriminate (就业促进法: no conditions of age, sex, ethnicity or origin).
DISCRIMINATION_RULES: tuple[tuple[str, re.Pattern], ...] = (
    (
        "age",
        re.compile(
            r"\d{2}\s*(岁|周岁)|年龄|[上下]限\d{2}|\bage\b|\d{2}\s*[-~～至到]\s*\d{2}\s*岁", re.I
        ),
    ),
    (
        "sex",
        re.compile(
            r"限男|限女|仅限男|仅限女|男性|女性|男士|女士|只招男|只招女|男工|女工|\b(male|female)\b",
            re.I,
        ),
    ),
    ("ethnicity", re.compile(r"汉族|民族|少数民族|族人")),
    (
        "home_region",
        re.compile(r"本地人|外地人|户籍|籍贯|本地户口|老乡|[省市县]人优先|[省市县]人勿"),
    ),
)


def discrimination_flags(*texts: str) -> list[str]:
    """Which forbidden grounds these texts state conditions on: age, sex, ethnicity, home_region."""
    joined = " ".join(t for t in texts if t)
    return [ground for ground, pattern in DISCRIMINATION_RULES if pattern.search(joined)]
