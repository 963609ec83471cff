"""A Khmer↔English lexicon learned from the user's own bilingual material (twin documents
and the hand-written glossary), merged under the glossary so a hand row always wins."""
