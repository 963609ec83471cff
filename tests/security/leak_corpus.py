"""The leak suite's corpus: two collections, ``public`` (open) and ``cabinet`` (restricted).

Original text written for these tests (every name, phrase and place is invented). What each
document is for:

* ``lantern_vault_directive_en.txt`` (cabinet): a restricted English policy with goals and
  strategies, distinctive words ("quartzfeather", "Tamarind Owl") and the only mention of a
  submarine cable, which a Khmer query reaches through the glossary (ខ្សែកាបក្រោមសមុទ្រ).
* ``rice_terminal_en.txt`` (public) and ``rice_terminal_km.txt`` (cabinet): a Khmer/English twin
  pair where the restricted document is the twin; the Khmer one carries a restricted Khmer
  phrase (ឃ្លាំងចង្កៀងឈូក) that no open document has.
* ``vault_rumour_en.txt`` (public): a news item paraphrasing the directive, for /related.
* ``open_river_policy_en.txt`` (public): an open policy, so an alignment has something to find.
* ``cabinet_records_plan_en.txt`` (public): a plan two of whose mechanisms only the restricted
  directive supports.
"""

from __future__ import annotations

from pathlib import Path

OPEN_POLICY = """[[page 1]]
OPEN RIVER DIGITAL SERVICES POLICY 2026-2030

Goal 1: Connected river villages
Every river village should reach the internet at a fair price.

Strategy 1: Shared village networks
Operators will share masts and fibre so that remote river villages are worth serving.
Operators that share a mast pay a lower licence fee for it.
[[page 2]]
Goal 2: Confident digital users
People should use online services without help.

Strategy 2: Skills for every household
Train one digital volunteer in each village to help neighbours with phones and forms.
Add a weekly digital skills hour to adult literacy classes.
"""

DIRECTIVE = """[[page 1]]
LANTERN VAULT DIRECTIVE 2026-2030
Restricted to the members of the cabinet.

Goal 1: Sealed cabinet records
The minutes of the cabinet are kept sealed under Operation Tamarind Owl.

Strategy 1: Quartzfeather ledger for encrypted cabinet minutes
Every cabinet minute is encrypted and written to the quartzfeather ledger inside the lantern
vault on the day of the meeting; only the vault keeper can open the quartzfeather ledger.
[[page 2]]
Goal 2: Protected sea links

Strategy 2: Guarded landing stations for the submarine cable
The landing stations of the submarine cable are guarded day and night by the Tamarind Owl
detail, and every visit to them is written to the quartzfeather ledger.
"""

RUMOUR = """[[page 1]]
Reporters heard this week that ministers want their meeting notes locked away in a sealed,
encrypted record book kept in a guarded strong room, opened only by one trusted keeper.
The same rumour says the shore points of the undersea internet line will get guards.
"""

TERMINAL_EN = """[[page 1]]
The Mekong rice terminal opens a digital queue for barges. Barge captains book a loading slot
on their phones, and the terminal sends a message when their slot is ready.
"""

TERMINAL_KM = """[[page 1]]
កំពង់ផែអង្ករមេគង្គបើកជួរឌីជីថលសម្រាប់ទូកដឹកទំនិញ។ ម្ចាស់ទូកកក់ពេលផ្ទុកទំនិញតាមទូរសព្ទ។
ក្រុមប្រឹក្សារដ្ឋមន្ត្រីរក្សាទុកបញ្ជីឃ្លាំងចង្កៀងឈូកនៅកំពង់ផែនេះ ដោយសម្ងាត់។
"""

PLAN = """Draft plan for cabinet records and sea links 2026-2030

The working group reviewed the draft plan, which rests on three mechanisms:
1- Mechanism for encrypting the minutes of every cabinet meeting and writing them to a sealed ledger kept in a guarded vault,
2- Mechanism for guarding the landing stations where the undersea internet cable comes ashore,
3- Mechanism for operators to share masts and fibre so that remote villages get networks.
"""


def _sidecar(title: str, doc_type: str, language: str, collection: str) -> str:
    return (f"title: {title}\ndoc_type: {doc_type}\nissuing_body: Office of Invented Affairs\n"
            f"date: 2026-01-15\nlanguage: {language}\ncollection: {collection}\n")


#: doc id -> (text, title, doc_type, language, collection)
DOCUMENTS: dict[str, tuple[str, str, str, str, str]] = {
    "open_river_policy_en.txt": (OPEN_POLICY, "Open River Digital Services Policy 2026-2030",
                                 "policy", "en", "public"),
    "lantern_vault_directive_en.txt": (DIRECTIVE, "Lantern Vault Directive 2026-2030",
                                       "policy", "en", "cabinet"),
    "vault_rumour_en.txt": (RUMOUR, "Rumours about sealed minutes", "news", "en", "public"),
    "rice_terminal_en.txt": (TERMINAL_EN, "Rice terminal digital queue", "news", "en", "public"),
    "rice_terminal_km.txt": (TERMINAL_KM, "ជួរឌីជីថលកំពង់ផែអង្ករ ឃ្លាំងចង្កៀងឈូក", "news", "km",
                             "cabinet"),
    "cabinet_records_plan_en.txt": (PLAN, "Draft plan for cabinet records and sea links",
                                    "plan_draft", "en", "public"),
}

RESTRICTED_IDS = tuple(d for d, v in DOCUMENTS.items() if v[4] == "cabinet")
PUBLIC_IDS = tuple(d for d, v in DOCUMENTS.items() if v[4] == "public")
DIRECTIVE_ID = "lantern_vault_directive_en.txt"
TWIN_KM_ID = "rice_terminal_km.txt"
RUMOUR_ID = "vault_rumour_en.txt"
PLAN_ID = "cabinet_records_plan_en.txt"

#: Strings only the restricted documents hold: none may reach a caller without access.
RESTRICTED_MARKERS = (
    *RESTRICTED_IDS, "lantern_vault", "rice_terminal_km", "Lantern Vault", "LANTERN VAULT",
    "quartzfeather", "Quartzfeather", "Tamarind Owl", "Guarded landing stations",
    "Sealed cabinet records", "Protected sea links", "ឃ្លាំងចង្កៀងឈូក", "ចង្កៀងឈូក",
)

#: The queries that would match the restricted text, by how they reach it.
EXACT_EN = "quartzfeather ledger in the lantern vault"
EXACT_KM = "ឃ្លាំងចង្កៀងឈូក"
GLOSSARY_KM = "ខ្សែកាបក្រោមសមុទ្រ"  # "submarine cable" through the glossary
TWIN_EN = "Mekong rice terminal digital queue for barges"
QUESTION = "What is the quartzfeather ledger of the Lantern Vault Directive?"

REVIEWED = """version: 1
policies:
  - id: open-river-policy
    title: Open River Digital Services Policy 2026-2030
    short_name: Open River
    match: "*open_river_policy*"
  - id: lantern-vault-directive
    title: Lantern Vault Directive 2026-2030
    short_name: Lantern Vault
    match: "*lantern_vault_directive*"
"""


def write_leak_corpus(folder: Path) -> Path:
    """The six documents with their sidecars under ``folder`` (returned, to ingest)."""
    folder.mkdir(parents=True, exist_ok=True)
    for doc_id, (text, title, doc_type, language, collection) in DOCUMENTS.items():
        (folder / doc_id).write_text(text, encoding="utf-8")
        (folder / f"{doc_id}.meta.yaml").write_text(
            _sidecar(title, doc_type, language, collection), encoding="utf-8")
    return folder


def write_registry(path: Path) -> Path:
    path.write_text(REVIEWED, encoding="utf-8")
    return path
