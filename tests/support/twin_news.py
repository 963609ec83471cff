"""Twin news articles written for the lexicon tests: the same short story in English and in
Khmer, built from twelve word pairs so the learner has something to find. Original text."""

from __future__ import annotations

from pathlib import Path

WORDS = [  # (English, Khmer)
    ("farmer", "កសិករ"), ("village", "ភូមិ"), ("fish", "ត្រី"), ("river", "ទន្លេ"),
    ("police", "នគរបាល"), ("bridge", "ស្ពាន"), ("road", "ផ្លូវ"), ("teacher", "គ្រូ"),
    ("school", "សាលារៀន"), ("forest", "ព្រៃឈើ"), ("hospital", "មន្ទីរពេទ្យ"), ("rain", "ទឹកភ្លៀង"),
]
_KM_DIGITS = str.maketrans("0123456789", "០១២៣៤៥៦៧៨៩")


def _paragraph(i: int, j: int) -> tuple[str, str]:
    a, b = (WORDS[(i * 5 + j * 7 + n * 3) % len(WORDS)] for n in range(2))
    number = 1000 + i * 37 + j * 11
    en = f"The {a[0]} was reported next to the {b[0]} in {number}."
    km = f"{a[1]} ត្រូវបានរាយការណ៍នៅក្បែរ {b[1]} ក្នុងឆ្នាំ {str(number).translate(_KM_DIGITS)}។"
    return en, km


def article(i: int, paragraphs: int = 4) -> tuple[str, str]:
    """Article ``i`` in English and Khmer, paragraph for paragraph."""
    pairs = [_paragraph(i, j) for j in range(paragraphs)]
    date = f"2024-03-{10 + i:02d}"
    en = f"---\ntitle: Provincial news {i}\ndate: {date}\n---\n" + "\n\n".join(p[0] for p in pairs) + "\n"
    km = f"---\ntitle: ព័ត៌មានខេត្ត {i}\ndate: {date}\n---\n" + "\n\n".join(p[1] for p in pairs) + "\n"
    return en, km


def write_twin_news(root: Path, articles: int = 8) -> Path:
    """``news_en_N.md`` / ``news_km_N.md`` for N < articles (twins by id); the last pair is
    named apart (``report-a.md`` / ``kh-report.md``), so only its date and numbers pair it."""
    root.mkdir(parents=True, exist_ok=True)
    for i in range(articles):
        en, km = article(i)
        if i == articles - 1:
            (root / "report-a.md").write_text(en, encoding="utf-8")
            (root / "kh-report.md").write_text(km, encoding="utf-8")
        else:
            (root / f"news_en_{i}.md").write_text(en, encoding="utf-8")
            (root / f"news_km_{i}.md").write_text(km, encoding="utf-8")
    return root
