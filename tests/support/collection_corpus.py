"""A small corpus in two collections for the collection tests (original text, invented).

``public`` (open) holds a broadband policy and a Khmer notice; ``cabinet`` (restricted) holds
a memo with distinctive English and Khmer phrases and the English twin of the public Khmer
notice (so a twin link could leak it). Collections are assigned the three ways ingest knows:
a manifest entry, a sidecar, and the run's ``--collection``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

# Words only the restricted documents contain: a search for them must find nothing public.
SECRET_EN = "zephyrine cipher vault"
SECRET_EN_WORD = "zephyrine"
SECRET_KM = "ឃ្លាំងសម្ងាត់"  # "secret warehouse"
SECRET_TITLE = "Operation Heron Lantern memo"
GLOSSARY = "km\ten\tcategory\tnote\nឃ្លាំង\twarehouse\tministry\t\nអ៊ីនធឺណិត\tinternet\tministry\t\n"

BROADBAND = """---
title: Rural broadband policy
date: 2023-02-01
---
# Rural broadband policy

The ministry will extend the fibre backbone to every district by 2028 and support
community internet centres in rural provinces.

Operators share towers so that villages far from the backbone are covered first.
"""

NOTICE_KM = """---
title: សេចក្តីជូនដំណឹងអំពីជំនាញឌីជីថល
date: 2024-04-07
---
ក្រសួងបានរៀបចំកិច្ចប្រជុំស្តីពីជំនាញឌីជីថលសម្រាប់យុវជននៅខេត្តកំពត។

អ្នកចូលរួមបានពិភាក្សាអំពីការបណ្តុះបណ្តាលគ្រូ និងអ៊ីនធឺណិតនៅសាលារៀន។
"""

NOTICE_EN = """---
title: Notice on digital skills
date: 2024-04-07
---
The ministry held a meeting on digital skills for young people in Kampot province.

Participants discussed teacher training, internet in schools and the zephyrine cipher vault
that the cabinet keeps beside the warehouse.
"""

MEMO = f"""---
title: {SECRET_TITLE}
date: 2025-01-15
---
# {SECRET_TITLE}

The cabinet will move the {SECRET_EN} to a guarded warehouse in Kampot before the
election; only the deputy prime minister holds the zephyrine keys.

ក្រសួងនឹងផ្ទេរ{SECRET_KM}ទៅខេត្តកំពតមុនការបោះឆ្នោត។

The warehouse inventory lists the zephyrine ledgers page by page.
"""

ANNEX = """---
title: Cabinet annex on towers
date: 2025-02-01
---
The zephyrine tower annex lists the towers the cabinet keeps off the public register.
"""


def write_collection_corpus(root: Path) -> dict[str, Path]:
    """Folders to ingest: ``main`` (manifest and sidecar collections) and ``flagged`` (to be
    ingested with ``--collection cabinet``, one file's sidecar naming ``annex`` instead)."""
    main = root / "main"
    main.mkdir(parents=True, exist_ok=True)
    (main / "broadband_policy.md").write_text(BROADBAND, encoding="utf-8")
    (main / "notice_km_7.md").write_text(NOTICE_KM, encoding="utf-8")
    (main / "notice_en_7.md").write_text(NOTICE_EN, encoding="utf-8")
    (main / "cabinet_memo.md").write_text(MEMO, encoding="utf-8")
    (main / "cabinet_memo.md.meta.yaml").write_text("collection: cabinet\n", encoding="utf-8")
    (main / "policykb-manifest.yaml").write_text(
        "notice_en_7.md:\n  collection: cabinet\n", encoding="utf-8")
    flagged = root / "flagged"
    flagged.mkdir(parents=True, exist_ok=True)
    (flagged / "tower_annex.md").write_text(ANNEX, encoding="utf-8")
    (flagged / "memo_copy.md").write_text(MEMO.replace("Heron", "Egret"), encoding="utf-8")
    (flagged / "memo_copy.md.meta.yaml").write_text("collection: annex\n", encoding="utf-8")
    glossary = root / "glossary.tsv"
    glossary.write_text(GLOSSARY, encoding="utf-8")
    return {"main": main, "flagged": flagged, "glossary": glossary}


# -- a restricted policy, for alignment and answers -------------------------------------------

PUBLIC_PLAN = """Draft provincial ICT plan 2026-2030

The working group reviewed the draft plan, which rests on three mechanisms:
1- Mechanism for operators to share masts and fibre so that remote villages get networks,
2- Mechanism for training a digital volunteer in every village for households,
3- Mechanism for reporting online fraud, scams and hacked accounts through a hotline.
"""


def ingest_restricted_policy(root: Path, model: Any) -> Any:
    """Services over ``root/data``: the registry tests' fixture policy ingested into the
    restricted ``cabinet`` collection (its sidecar says so), a plan only that policy supports
    in ``public``, and the same plan in ``cabinet``. The reviewed file is the registry tests'."""
    from core.settings import Settings
    from policykb.services import Services
    from tests.support.registry_fixture import DOC_ID, REVIEWED, write_fixture

    corpus = write_fixture(root / "corpus")
    sidecar = corpus / (DOC_ID + ".meta.yaml")
    sidecar.write_text(sidecar.read_text(encoding="utf-8") + "collection: cabinet\n",
                       encoding="utf-8")
    (corpus / "plans").mkdir()
    (corpus / "plans" / "public_plan.md").write_text(PUBLIC_PLAN, encoding="utf-8")
    (corpus / "plans" / "cabinet_plan.md").write_text(PUBLIC_PLAN, encoding="utf-8")
    (corpus / "policykb-manifest.yaml").write_text(
        "plans/cabinet_plan.md: {collection: cabinet}\n", encoding="utf-8")
    reviewed = root / "policies.yaml"
    reviewed.write_text(REVIEWED, encoding="utf-8")
    services = Services(Settings(data_dir=root / "data", ocr_enabled=False, _env_file=None,
                                 registry_path=reviewed), model=model)
    report = services.ingestor.ingest([corpus])
    assert not report.failed, report.summary()["failed"]
    return services
