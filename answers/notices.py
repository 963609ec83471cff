"""The fixed words an extractive answer may say of its own, in both languages."""

from __future__ import annotations

NOT_FOUND = {
    "en": "The indexed documents do not answer this question.",
    "km": "ឯកសារដែលមានក្នុងប្រព័ន្ធ មិនឆ្លើយសំណួរនេះទេ។",
}
OTHER_LANGUAGE_NOTE = {
    ("km", "en"): "ភស្តុតាងសម្រាប់ចម្លើយនេះ មានតែជាភាសាអង់គ្លេសប៉ុណ្ណោះ។",
    ("en", "km"): "The evidence for this answer is in Khmer only.",
    ("km", "mixed"): "ភស្តុតាងខ្លះសម្រាប់ចម្លើយនេះ ជាភាសាអង់គ្លេស។",
    ("en", "mixed"): "Part of the evidence for this answer is in Khmer.",
}
#: A key entity of the question that no evidence mentions: ``{entity}`` is filled in.
ENTITY_NOTE = {
    "en": "None of the closest passages mentions {entity}.",
    "km": "គ្មានអត្ថបទដែលជិតបំផុតណាមួយ និយាយអំពី {entity} ទេ។",
}
#: a question about another country's policy when no indexed document is that country's
COUNTRY_NOTE = {
    "en": "No indexed document is from {entity}.",
    "km": "គ្មានឯកសារណាមួយក្នុងប្រព័ន្ធជារបស់ {entity} ទេ។",
}
#: one part of a question with several that no evidence answers: ``{part}`` is filled in
PART_NOTE = {
    "en": "The indexed documents do not answer this part: \"{part}\".",
    "km": "ឯកសារដែលមានក្នុងប្រព័ន្ធ មិនឆ្លើយផ្នែកនេះទេ៖ «{part}»។",
}
