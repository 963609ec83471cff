"""Follow-up questions: "What about its timeline?" is answered about the policy the
conversation is on, without any language model.

A question is a follow-up when it points back (its, they, that policy, what about…, and the…?,
Khmer វា, ពួកគេ, គោលនយោបាយនោះ, ចុះ…វិញ) or is too short to stand alone, and does not name a
document itself. Its subject is the document the previous answer mostly cited (or the document
the previous question named), else the previous question's own words. The subject is carried
forward in up to three attempts, tried in order until one finds an answer: the question as asked
within the subject documents (a filter), then with the subject's name appended (still filtered),
then with the subject appended and the caller's filters only (a query expansion).
A question that names its own subject is asked as it is.

Everything this module needs (tokens, index terms, document titles) is passed in.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace

from answers.conversation_run import first_found, in_context
from answers.conversation_titles import TitleIndex, TitleTerms, longest_common_run, short_title
from answers.conversation_types import (
    AnswerInContext,
    Attempt,
    CarriedDocument,
    NamedDocument,
    Resolution,
    Turn,
)
from index.jurisdiction import countries_named
from index.search_types import SearchFilters
from ingest.analysis import Analyzer
from ingest.khmer.segment import tokenize_mixed

__all__ = ["DEFINITE_SUBJECT_TERMS", "ELLIPTICAL_TERMS", "MAX_CARRIED", "MAX_TURNS", "SHORT_FOLLOW_UP_TERMS", "SUBJECT_TERMS", "TITLE_RUN",
           "AnswerInContext", "Attempt", "CarriedDocument", "ConversationResolver",
           "NamedDocument", "Resolution", "TitleIndex", "TitleTerms", "Turn", "first_found",
           "in_context", "short_title"]

#: Previous turns that count: a conversation further back than this has moved on.
MAX_TURNS = 8
#: At most this many subject documents are carried (more is a topic, not a document).
MAX_CARRIED = 2
#: A question with no more content terms than this cannot stand on its own ("Who leads?").
ELLIPTICAL_TERMS = 1
#: "What about …" / "And …" introduce a follow-up only when this short ("What about the 5G
#: spectrum licence?" changes the subject).
SHORT_FOLLOW_UP_TERMS = 2
#: A pronoun after "and" refers inside the question when the clause before holds this many
#: content terms ("How many digital government strategies are there and what are they?").
INNER_SUBJECT_TERMS = 2
#: "the meeting" / "the policy" is the conversation's when the question says little else
#: ("What did the meeting decide?"; "What is the policy on rural broadband?" names its own).
DEFINITE_SUBJECT_TERMS = 2
#: "And <subject>?" turns to another subject only when that subject is this short; longer,
#: the question stands on its own.
SUBJECT_TERMS = 5
_SUBJECT_LEADS = ("what about ", "how about ", "and ", "same for ")
#: A question names a document when it shares this many consecutive title terms with it
#: (or the whole title, when the title is shorter).
TITLE_RUN = 3

_PRONOUNS = frozenset("it its it's itself they them their theirs".split())
_DETERMINERS = frozenset("this that these those same said above".split())
_DOC_NOUNS = frozenset("""policy policies plan plans document documents law laws strategy
    strategies decree sub-decree subdecree prakas framework programme program project
    resolution blueprint initiative meeting report centre center one regulation""".split())
_LEADS = ("what about", "how about", "and ", "also ", "what else", "anything else",
          "tell me more", "more about", "same for")
_KM_PRONOUNS = frozenset({"វា", "ពួកគេ", "របស់វា"})
_KM_DEMONSTRATIVES = frozenset({"នោះ", "នេះ", "ដដែល", "ខាងលើ"})
_KM_DOC_NOUNS = frozenset("""នយោបាយ គោលនយោបាយ ផែនការ ឯកសារ ច្បាប់ អនុក្រឹត្យ ក្របខ័ណ្ឌ
    យុទ្ធសាស្ត្រ គម្រោង កម្មវិធី ប្រកាស ព្រះរាជក្រឹត្យ កិច្ចប្រជុំ មជ្ឈមណ្ឌល សេចក្តីសម្រេច""".split())
_KM_LEAD, _KM_TAIL = "ចុះ", "វិញ"
_KM_CUES = _KM_PRONOUNS | {_KM_LEAD, _KM_TAIL}
_KHMER = re.compile(r"[\u1780-\u17ff]")


class ConversationResolver:
    """Decides whether a question follows up on the conversation and what it is about.

    ``tokenize``: raw words (Khmer segmented); ``terms``: the index terms of a text (stop words
    dropped, stemmed), the same analysis search uses; ``titles``: the indexed documents with
    their titles' terms, read only when there is history to resolve against.
    """

    def __init__(self, tokenize: Callable[[str], list[str]], terms: Callable[[str], list[str]],
                 titles: Callable[[], TitleTerms]) -> None:
        self.tokenize = tokenize
        self.terms = terms
        self.titles = titles
        self._titles: TitleTerms | None = None

    @classmethod
    def for_analyzer(cls, analyzer: Analyzer, documents: Callable[[], Iterable[NamedDocument]],
                     index: TitleIndex | None = None, version: str = "") -> ConversationResolver:
        """A resolver that reads words and terms as search does (``analyzer``); titles come
        from ``index`` (``version``: the index's generation) when given, else are analysed."""
        index = index or TitleIndex(analyzer.analyze)
        return cls(lambda text: tokenize_mixed(text, analyzer.segmenter), analyzer.analyze,
                   lambda: index.titles(version, documents))

    def resolve(self, question: str, history: Sequence[Turn],
                filters: SearchFilters | None = None) -> Resolution:
        filters = filters or SearchFilters()
        as_asked = Attempt(question, filters, "as_asked")
        if not history:
            return Resolution(question, False, "no previous turns", attempts=[as_asked])
        if (switched := self._switched(question, history, filters)) is not None:
            return switched
        if named := self.named_documents(question):
            return Resolution(question, False, f"names its subject: {named[0].title}",
                              attempts=[as_asked])
        cue = self.follow_up_cue(question)
        if cue is None:
            return Resolution(question, False, "stands on its own", attempts=[as_asked])
        carried, subject = self._subject(history[-MAX_TURNS:])
        if not carried and not subject:
            return Resolution(question, False, f"{cue}, but no subject to carry",
                              attempts=[as_asked])
        searched = self._without_khmer_cues(question)
        expanded = f"{searched} ({subject})"
        attempts: list[Attempt] = []
        if carried and not filters.doc_ids:
            # in the subject's documents, the question as asked finds the passage that answers
            # it; the subject's words help when the question alone is too weak to answer,
            # though they also pull sentences that merely name the subject
            within = replace(filters, doc_ids=[d.doc_id for d in carried])
            attempts += [Attempt(searched, within, "filter"),
                         Attempt(expanded, within, "filter", asks=searched)]
        attempts.append(Attempt(expanded, filters, "expansion", asks=searched))
        return Resolution(question, True, cue, subject, carried, attempts)

    def _switched(self, question: str, history: Sequence[Turn],
                  filters: SearchFilters) -> Resolution | None:
        """"And Kerala's IT policy?", "What about Vietnam?", "ចុះសិង្ហបុរីវិញ?": a short lead-in
        that names another document or country asks the conversation's last question about
        it. Asked alone it names its subject and would be searched as it stands, and the
        question it carries ("What are its KPIs?") would be lost."""
        subject = self.new_subject(question)
        if subject is None:
            return None
        previous = next((t.question for t in reversed(history[-MAX_TURNS:])
                         if self.new_subject(t.question) is None), None)
        if previous is None:
            return None
        asked = f"{self._without_subject(self._without_khmer_cues(previous))} ({subject})"
        named = self.named_documents(subject)
        carried = [CarriedDocument(d.doc_id, d.title) for d in named[:MAX_CARRIED]]
        attempts: list[Attempt] = []
        if carried and len(named) <= MAX_CARRIED and not filters.doc_ids:
            within = replace(filters, doc_ids=[d.doc_id for d in carried])
            attempts.append(Attempt(asked, within, "filter"))
        attempts.append(Attempt(asked, filters, "expansion"))
        return Resolution(question, True, f"asks the previous question about {subject}",
                          subject, carried, attempts)

    def _without_subject(self, question: str) -> str:
        """``question`` without the documents and countries it names: "What are the KPIs of
        Singapore's Digital Government Blueprint?" asked about Kerala's policy is "What are
        the KPIs of?" and Kerala, not a question about both."""
        named = self.named_documents(question)
        if not named and not countries_named(question):
            return question
        title_terms = {t for d in named for t in self.terms(d.title)}
        kept = [w for w in self.tokenize(question)
                if not ((terms := self.terms(w)) and set(terms) <= title_terms)
                and not countries_named(w) and w != "s"]
        khmer = bool(_KHMER.search(question))
        return ("" if khmer else " ").join(kept) + ("?" if question.rstrip().endswith("?") else "")

    def new_subject(self, question: str) -> str | None:
        """What a short lead-in question ("And …?", "What about …?", "ចុះ…វិញ?") turns the
        conversation to, when that is a document or a country, not an aspect of the same
        subject ("What about its timeline?", "And the budget?")."""
        text = question.strip().rstrip("?？ ")
        lowered = text.lower()
        lead = next((lead for lead in _SUBJECT_LEADS if lowered.startswith(lead)), None)
        if lead is not None:
            rest = text[len(lead):].strip(" ,")
        else:
            words = [w for w in self.tokenize(text) if w.strip() and w != "តើ"]
            if len(words) < 3 or words[0] != _KM_LEAD or words[-1] != _KM_TAIL:
                return None
            rest = "".join(words[1:-1])
        if not rest or len(self.terms(rest)) > SUBJECT_TERMS \
                or any(w.lower() in _PRONOUNS and not w.isupper() for w in self.tokenize(rest)) \
                or _KM_PRONOUNS.intersection(self.tokenize(rest)):
            return None
        return rest if self.named_documents(rest) or countries_named(rest) else None

    # -- what the question says -----------------------------------------------------------

    def follow_up_cue(self, question: str) -> str | None:
        """Why ``question`` reads as a follow-up (the cue found), or None."""
        raw = self.tokenize(question)
        words = [w.lower() for w in raw]
        n_terms = len([t for t in self.terms(question) if t not in _KM_CUES])
        for i, word in enumerate(words):
            # "IT" in capitals is information technology, not a pronoun
            if (word in _PRONOUNS and not raw[i].isupper() and not self._refers_within(words, i)
                    and not _names_before(raw, i)) or word in _KM_PRONOUNS:
                return f"refers back ({word})"
            following = words[i + 1] if i + 1 < len(words) else ""
            previous = words[i - 1] if i else ""
            if word in _DETERMINERS and following in _DOC_NOUNS:
                return f"refers back ({word} {following})"
            if word == "the" and following in _DOC_NOUNS and n_terms <= DEFINITE_SUBJECT_TERMS:
                return f"refers back (the {following})"
            if word in _KM_DEMONSTRATIVES and previous in _KM_DOC_NOUNS:
                return f"refers back ({previous}{word})"
        text = " ".join(words)
        lead = next((lead.strip() for lead in _LEADS if text.startswith(lead)), None)
        khmer = [w for w in words if w != "តើ"]
        if khmer and khmer[0] == _KM_LEAD:
            lead = f"{_KM_LEAD}…{_KM_TAIL}" if khmer[-1] == _KM_TAIL else _KM_LEAD
        if lead and n_terms <= SHORT_FOLLOW_UP_TERMS:
            return f"continues ({lead}…)"
        if n_terms <= ELLIPTICAL_TERMS:
            return "too short to stand alone"
        return None

    def _refers_within(self, words: list[str], i: int) -> bool:
        """A pronoun in a later clause points at the question's own first clause when that
        clause has a subject of its own: "How many digital government strategies are there
        and what are they?" is no follow-up; "And what are their goals?" is."""
        joins = [j for j in range(1, i) if words[j] == "and"]
        if not joins:
            return False
        first_clause = words[:joins[-1]]
        return len(self.terms(" ".join(first_clause))) >= INNER_SUBJECT_TERMS

    def named_documents(self, text: str) -> list[NamedDocument]:
        """Documents whose title ``text`` names (a run of consecutive title terms)."""
        terms = self.terms(text)
        named = []
        for document, title_terms in self._title_terms():
            need = min(TITLE_RUN, len(title_terms))
            if need and longest_common_run(terms, title_terms) >= need:
                named.append(document)
        return named

    # -- what the conversation is about ----------------------------------------------------

    def _subject(self, history: Sequence[Turn]) -> tuple[list[CarriedDocument], str]:
        """The latest turn that gives a subject: the documents it named or cited most, and a
        phrase for the expansion (their titles, or the question's content words)."""
        for turn in reversed(history):
            named = self.named_documents(turn.question)
            if 0 < len(named) <= MAX_CARRIED:
                docs = [CarriedDocument(d.doc_id, d.title) for d in named]
                return docs, "; ".join(short_title(d.title) for d in docs)
            if docs := self._most_cited(turn.cited):
                return docs, "; ".join(short_title(d.title) for d in docs)
            if self.follow_up_cue(turn.question) is None:
                return [], self._content_words(turn.question)
        return [], ""

    def _most_cited(self, cited: Sequence[str]) -> list[CarriedDocument]:
        """The documents cited most (first cited first: the answer's best document); ids the
        index does not hold (deleted since, or never there) are ignored."""
        titles = {d.doc_id: d.title for d, _ in self._title_terms()}
        counts = Counter(doc_id for doc_id in cited if doc_id in titles)
        if not counts:
            return []
        top = max(counts.values())
        return [CarriedDocument(doc_id, titles[doc_id])
                for doc_id in counts if counts[doc_id] == top][:MAX_CARRIED]

    def _content_words(self, question: str) -> str:
        """The question's words that carry a topic, as written (not stemmed)."""
        return " ".join(w for w in self.tokenize(question) if self.terms(w))

    def _without_khmer_cues(self, question: str) -> str:
        """Khmer cue words are not stop words: they would be searched for. English cue words
        are stop words already, so an English question is searched as written."""
        if not _KHMER.search(question):
            return question
        words = self.tokenize(question)
        if not _KM_CUES.intersection(words):
            return question
        kept = [w for w in words if w not in _KM_CUES | {"របស់"} and w.strip("?？ ")]
        # Khmer writes no space between words: re-spaced, "យន្តការ" (mechanism) would read as
        # "យន្ត ការ" and miss its glossary row; a space stays only beside a Latin word
        out = ""
        for word in kept:
            if out and not (_KHMER.search(out[-1]) and _KHMER.search(word[0])):
                out += " "
            out += word
        return out + "?"

    def _title_terms(self) -> TitleTerms:
        if self._titles is None:
            self._titles = self.titles()
        return self._titles


def _names_before(raw: Sequence[str], i: int) -> bool:
    """Whether the words before a pronoun name its subject: a country or a capitalised name
    after the first word ("When did Kerala announce its first IT policy?", "What does the
    DGP say about its budget?"). "What are its goals?" names none and follows up."""
    before = [w for w in raw[1:i] if w.strip()]
    return bool(countries_named(" ".join(raw[:i]))) or any(
        w[:1].isupper() and w.lower() not in _PRONOUNS for w in before)
