"""What every event rule shares: lexicon, parse helpers, status and date cues, the per-doc
context that maps tokens to entities, and the confidence of each rule."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from spacy.tokens import Doc, Span, Token

from kg.extract.dates import resolve_date
from kg.extract.entities import COMPANY_NOUNS, DocEntities
from kg.extract.gazetteer import lookup_place
from kg.model import EventType, Kind, Status

#: Confidence of each rule (see the table in the module docstring).
CONFIDENCE: dict[str, float] = {
    "market_entry.verb": 0.78,
    "market_entry.open": 0.67,
    "market_entry.noun": 0.33,
    "market_entry.aim": 0.75,
    "product_launch.verb": 0.69,
    "product_launch.noun": 0.50,
    "lawsuit.sue": 0.80,
    "lawsuit.charge": 0.80,
    "lawsuit.noun": 0.88,
    "lawsuit.court": 0.75,
    "data_center.move": 0.86,
    "data_center.build": 0.86,
    "data_center.outsource": 0.67,
    "acquisition.verb": 0.83,
    "acquisition.noun": 0.75,
    "acquisition.stake": 0.86,
    "acquisition.sell": 0.83,
}

# ---------------------------------------------------------------------------------------------
# lexicon

ENTRY_VERBS = {
    "enter",
    "expand",
    "launch",
    "open",
    "start",
    "begin",
    "debut",
    "arrive",
    "move",
    "break",
    "venture",
    "foray",
    "set",
    "establish",
    "return",
    "go",
    "roll",
    "extend",
    "sell",
    "operate",
    "introduce",
    "bring",
}
ENTRY_OBJECTS = {
    "store",
    "shop",
    "office",
    "branch",
    "outlet",
    "showroom",
    "operation",
    "business",
    "sale",
    "service",
    "presence",
    "subsidiary",
    "unit",
    "hub",
    "headquarters",
    "website",
    "site",
    "e-commerce",
    "market",
    "venture",
    "joint",
    "flagship",
    "retail",
    "outpost",
    "base",
    "dealership",
    "restaurant",
    "cafe",
    "boutique",
}
LAUNCH_VERBS = {
    "launch",
    "unveil",
    "release",
    "introduce",
    "debut",
    "roll",
    "ship",
    "announce",
    "showcase",
    "unleash",
    "premiere",
    "start",
    "begin",
    "bring",
    "offer",
    "put",
}
LEGAL_NOUNS = {
    "lawsuit",
    "suit",
    "injunction",
    "litigation",
    "trial",
    "case",
    "complaint",
    "claim",
    "action",
    "appeal",
    "proceeding",
    "proceedings",
    "verdict",
    "indictment",
    "prosecution",
    "charge",
    "countersuit",
    "class-action",
}
#: Company nouns that name a part of a firm rather than a firm ("the patent business").
_UNIT_WORDS = frozenset({"business", "unit", "division", "arm", "operation", "subsidiary", "affiliate"})
#: Words that describe any firm and tell none apart ("the new company", "a big firm").
_VAGUE_DESCRIPTORS = frozenset(
    {"new", "big", "large", "small", "major", "leading", "same", "other", "former", "parent", "private",
     "public", "listed", "global", "local", "top", "biggest", "largest", "second", "third", "own", "rival"}
)  # fmt: skip
DATA_NOUNS = {
    "data",
    "workload",
    "server",
    "operation",
    "system",
    "application",
    "infrastructure",
    "service",
    "it",
    "computing",
    "email",
    "e-mail",
    "storage",
    "backup",
    "database",
    "website",
    "site",
    "hosting",
    "datacentre",
    "datacenter",
    "centre",
    "center",
    "cloud",
    "app",
    "mail",
    "network",
    "processing",
    "record",
    "file",
    "content",
    "traffic",
    "platform",
    "computer",
    "mainframe",
    "environment",
    "estate",
    "stack",
    "information",
    "machine",
    "equipment",
    "search",
    "engine",
}
MOVE_VERBS = {
    "move",
    "migrate",
    "shift",
    "transfer",
    "relocate",
    "consolidate",
    "transition",
    "switch",
    "port",
    "lift",
    "redirect",
    "reroute",
    "send",
    "store",
    "host",
    "house",
    "keep",
    "bring",
}
BUILD_VERBS = {
    "open",
    "build",
    "construct",
    "launch",
    "close",
    "shut",
    "expand",
    "plan",
    "set",
    "establish",
    "develop",
    "add",
    "unveil",
    "announce",
    "invest",
    "spend",
    "break",
    "start",
    "begin",
    "complete",
    "create",
    "operate",
    "commission",
    "deploy",
    "acquire",
    "buy",
    "lease",
    "locate",
    "site",
    "place",
    "put",
    "consider",
    "choose",
    "pick",
    "select",
    "finish",
    "erect",
    "inaugurate",
    "debut",
    "introduce",
    "go",
    "power",
    "energize",
    "energise",
    "deliver",
    "roll",
    "host",
    "run",
    "upgrade",
    "increase",
    "double",
    "triple",
    "grow",
    "combine",
    "consolidate",
    "merge",
    "migrate",
    "relocate",
    "move",
    "shift",
    "reduce",
    "cut",
    "sell",
    "shutter",
}
ACQ_VERBS = {"buy", "acquire", "purchase", "take", "bid", "merge", "snap", "swallow", "absorb", "gobble", "pick", "own"}
ACQ_NOUNS = {
    "acquisition",
    "takeover",
    "purchase",
    "bid",
    "merger",
    "buyout",
    "buy-out",
    "buy",
    "tie-up",
    "combination",
    "offer",
    "deal",
    "sale",
}

NEGATORS = {"not", "n't", "never", "no", "neither", "nor"}
DENIAL_VERBS = {"deny", "rule", "refuse", "dismiss", "reject", "decline", "scrap", "abandon"}
FAILED_CUES = {
    "block",
    "abandon",
    "reject",
    "scrap",
    "drop",
    "withdraw",
    "collapse",
    "fail",
    "cancel",
    "veto",
    "prohibit",
    "halt",
    "thwart",
    "sink",
    "torpedo",
    "kill",
    "derail",
    "stall",
    "rebuff",
    "spurn",
    "lapse",
    "terminate",
}
RUMOUR_CUES = {
    "reportedly",
    "rumour",
    "rumor",
    "rumoured",
    "rumored",
    "talk",
    "consider",
    "mull",
    "weigh",
    "explore",
    "speculation",
    "speculate",
    "possible",
    "potential",
    "may",
    "might",
    "could",
    "source",
    "eye",
    "contemplate",
    "said to be",
    "evaluate",
    "study",
    "approach",
    "interested",
    "interest",
    "likely",
    "allegedly",
    "report",
    "suggest",
    "poised",
}
PLAN_CUES = {
    "plan",
    "intend",
    "aim",
    "expect",
    "want",
    "hope",
    "prepare",
    "seek",
    "look",
    "set",
    "schedule",
    "propose",
    "will",
    "shall",
    "'ll",
    "wo",
    "going",
    "target",
    "due",
    "soon",
    "ready",
    "gear",
    "mean",
    "try",
    "move",
    "decide",
    "vow",
    "pledge",
    "promise",
    "earmark",
    "budget",
    "slate",
}
ANNOUNCE_CUES = {
    "announce",
    "unveil",
    "agree",
    "say",
    "confirm",
    "sign",
    "disclose",
    "reveal",
    "declare",
    "state",
    "tell",
    "accept",
    "approve",
    "back",
    "recommend",
    "offer",
    "file",
    "launch",
    "bring",
    "lodge",
    "reach",
}

SUBJECT_KEYWORDS = [
    ("patent", ("patent",)),
    (
        "antitrust",
        (
            "antitrust",
            "anti-trust",
            "competition law",
            "monopol",
            "cartel",
            "anti-competitive",
            "anticompetitive",
            "price-fixing",
            "price fixing",
        ),
    ),
    (
        "privacy",
        (
            "privacy",
            "data protection",
            "surveillance",
            "personal data",
            "wiretap",
            "data requests",
            "search warrant",
            "gag order",
        ),
    ),
    ("copyright", ("copyright", "piracy", "pirat", "file-sharing", "file sharing", "infring")),
    ("trademark", ("trademark", "trade mark", "trade-mark")),
    ("defamation", ("defamation", "libel", "slander", "defam")),
    (
        "fraud",
        (
            "fraud",
            "misled",
            "mislead",
            "embezzl",
            "false accounting",
            "securities law",
            "insider trading",
            "bribe",
            "brib",
            "tax evasion",
            "accounting scandal",
        ),
    ),
    ("contract", ("contract", "breach of", "licensing agreement", "royalt", "unpaid")),
    ("trade secrets", ("trade secret", "theft of", "stole", "stealing")),
]

_DEF_PRON = {"it", "its", "itself", "they", "their", "them", "which", "that", "who"}


def subject_keyword(text: str) -> str | None:
    """The subject of a legal action named in `text`, if any.

    Example:
        >>> subject_keyword("accused the firm of not licensing its patents")
        'patent'
        >>> subject_keyword("a breach of contract claim")
        'contract'
        >>> subject_keyword("a dispute over a parking space") is None
        True
    """
    low = text.lower()
    for subject, cues in SUBJECT_KEYWORDS:
        if any(c in low for c in cues):
            return subject
    return None


# ---------------------------------------------------------------------------------------------
# parse helpers


def _children(t: Token, *deps: str) -> list[Token]:
    return [c for c in t.children if c.dep_ in deps]


def _conjuncts(t: Token) -> list[Token]:
    out = [t]
    for c in t.conjuncts:
        if c.i > t.i:
            out.append(c)
    return out


def _lemma(t: Token) -> str:
    return t.lemma_.lower()


def _clause_chain(t: Token) -> list[Token]:
    """The trigger and the words that govern it, up to the clause's root."""
    chain = [t]
    cur = t
    for _ in range(6):
        if (
            cur.dep_
            in (
                "xcomp",
                "ccomp",
                "conj",
                "advcl",
                "pcomp",
                "acomp",
                "oprd",
                "prep",
                "pobj",
                "dobj",
                "relcl",
                "acl",
                "attr",
                "nsubj",
                "nsubjpass",
                "compound",
                "amod",
                "appos",
            )
            and cur.head.i != cur.i
        ):
            cur = cur.head
            chain.append(cur)
            if cur.dep_ == "ROOT":
                break
        else:
            break
    return chain


def _governing_verb(t: Token, hops: int = 4) -> Token | None:
    cur = t
    for _ in range(hops):
        if cur.head.i == cur.i:
            return cur if cur.pos_ in ("VERB", "AUX") else None
        cur = cur.head
        if cur.pos_ in ("VERB", "AUX"):
            return cur
    return None


#: Verbs whose object, not their subject, does what the infinitive after it says.
_OBJECT_CONTROL = frozenset(
    {"urge", "ask", "tell", "force", "persuade", "encourage", "allow", "require", "order", "invite", "advise",
     "warn", "push", "pressure", "help", "enable", "let", "call"}
)  # fmt: skip


def _subject(verb: Token, depth: int = 0) -> tuple[Token | None, bool]:
    """The subject of `verb` (climbing xcomp/conj/advcl/relcl/acl) and whether it is passive."""
    for c in verb.children:
        if c.dep_ in ("nsubj", "csubj", "nsubjpass"):
            passive = c.dep_ == "nsubjpass"
            if c.lower_ in ("which", "that", "who") and verb.dep_ in ("relcl", "acl"):
                return verb.head, passive
            return c, passive
    if depth > 4:
        return None, False
    own_passive = any(c.dep_ == "auxpass" for c in verb.children)
    if verb.dep_ in ("xcomp", "conj", "advcl", "pcomp", "ccomp", "acomp", "oprd") and verb.head.i != verb.i:
        head = verb.head
        if verb.dep_ == "pcomp" and head.dep_ == "prep":
            head = head.head
        if head.pos_ in ("VERB", "AUX"):
            controller = [c for c in head.children if c.dep_ == "dobj"] if _lemma(head) in _OBJECT_CONTROL else []
            if verb.dep_ == "xcomp" and controller:
                return controller[0], own_passive  # "urged banks to move": the banks move
            subj, passive = _subject(head, depth + 1)
            # "X agreed to be bought": the passive belongs to the lower verb
            return subj, own_passive if verb.dep_ in ("xcomp",) else (passive or own_passive)
        if head.pos_ in ("NOUN", "PROPN"):
            return _noun_owner(head, depth + 1), own_passive
    if verb.dep_ in ("relcl", "acl") and verb.head.pos_ in ("NOUN", "PROPN", "PRON"):
        if any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children) or verb.tag_ == "VBG":
            # "its bid to acquire X", "a deal to buy X": the owner of the bid
            return _noun_owner(verb.head, depth + 1), own_passive
        # "X, bought last month", "X, which bought Y"
        return verb.head, own_passive or (verb.tag_ == "VBN" and verb.dep_ == "acl")
    if verb.dep_ in ("pobj", "prep", "dobj"):
        gov = _governing_verb(verb)
        if gov is not None and gov.i != verb.i:
            return _subject(gov, depth + 1)
    return None, False


def _noun_owner(noun: Token, depth: int = 0) -> Token | None:
    """Who a noun such as "bid", "plan" or "deal" belongs to: its possessor, or the subject
    of the verb it hangs from."""
    poss = _children(noun, "poss")
    if poss:
        return poss[0]
    if noun.dep_ in ("nsubj", "nsubjpass"):
        return None
    gov = _governing_verb(noun, 5)
    if gov is not None:
        subj, passive = _subject(gov, depth + 1)
        if subj is not None and subj.i != noun.i and not passive:
            return subj
    return None


def _agent(verb: Token) -> Token | None:
    """The "by X" of a passive verb (when the parser left "by" childless, the next name)."""
    for c in verb.children:
        if c.dep_ == "agent":
            for p in c.children:
                if p.dep_ == "pobj":
                    return p
            for t in c.doc[c.i + 1 : c.i + 6]:
                if t.pos_ == "PROPN" and (t.ent_type_ or t.text[:1].isupper()):
                    while t.dep_ in ("compound", "flat") and t.head.i > t.i and t.head.pos_ == "PROPN":
                        t = t.head
                    return t
                if t.is_punct or t.pos_ == "VERB":
                    break
    return None


def _preps(t: Token, *words: str) -> list[Token]:
    """Objects of prepositions of `t` (and of a multiword "outside of", "out of")."""
    out = []
    for c in t.children:
        if c.dep_ in ("prep", "agent", "dative") and c.lower_ in words:
            for p in c.children:
                if p.dep_ in ("pobj", "pcomp"):
                    out.extend(_conjuncts(p))
                elif p.dep_ == "prep":  # "outside of X"
                    out.extend(q for q in p.children if q.dep_ == "pobj")
    return out


def _deep_preps(t: Token, *words: str) -> list[Token]:
    """Objects of prepositions `words` anywhere under `t` (not crossing into clauses)."""
    out = []
    stack = [t]
    while stack:
        x = stack.pop()
        for c in x.children:
            if c.dep_ in ("relcl", "ccomp", "advcl", "csubj"):
                continue
            if c.dep_ == "prep" and c.lower_ in words:
                for p in c.children:
                    if p.dep_ == "pobj":
                        out.extend(_conjuncts(p))
            stack.append(c)
    return out


def _objects(verb: Token) -> list[Token]:
    objs = []
    for c in verb.children:
        if c.dep_ in ("dobj", "attr", "oprd"):
            objs.extend(_conjuncts(c))
    return objs


def _is_negated(chain: list[Token], sent: Span) -> bool:
    for v in chain[:3]:
        for c in v.children:
            if c.dep_ == "neg" or (c.lower_ in NEGATORS and c.dep_ in ("neg", "det", "advmod")):
                return True
        if _lemma(v) in {"deny", "rule", "refuse"} and v is not chain[0]:
            return True
    # "had it also taken over X", "if it had bought X": a counterfactual, not an event
    trig = chain[0]
    for v in (trig, trig.head):  # the parser hangs "it" on the trigger or on "had"
        subj = next((c for c in v.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subj is None or subj.i == 0:
            continue
        had = trig.doc[subj.i - 1]  # "had" right before the subject: an auxiliary, or the head
        linked = had.i == v.i or had.head.i == v.i or trig.head.i == had.i
        if had.lower_ == "had" and linked and not any(c.dep_ == "nsubj" and c.i < had.i for c in had.children):
            return True
    if any(c.dep_ == "mark" and c.lower_ == "if" for c in trig.children) and any(
        c.dep_ == "aux" and c.lower_ == "had" for c in trig.children
    ):
        return True
    # "has no plans to", "won't be among"
    for v in chain:
        for c in v.children:
            if (
                c.dep_ in ("dobj", "nsubj")
                and _lemma(c) in ("plan", "intention", "intent", "desire")
                and any(d.lower_ == "no" for d in c.children)
            ):
                return True
    return False


def status_of(chain: list[Token], sent: Span) -> Status:
    """The status an event's clause states, from its verbs, auxiliaries and adverbs."""
    lemmas = set()
    words = set()
    trig = chain[0]
    for v in chain:
        if v is not trig:
            lemmas.add(_lemma(v))
        for c in v.children:
            if c.dep_ in ("aux", "auxpass", "advmod", "neg", "prt", "npadvmod", "nsubj", "mark", "amod"):
                lemmas.add(_lemma(c))
                words.add(c.lower_)
    sent_low = sent.text.lower()
    if lemmas & FAILED_CUES or re.search(
        r"\b(called off|walked away|fell through|collapsed|blocked|pulled out of|pulls out of|backed out of)\b",
        sent_low,
    ):
        return Status.FAILED
    if lemmas & RUMOUR_CUES or re.search(
        r"\b(reportedly|rumou?r|in talks|talks with|merger talks|sources? (said|say|close|familiar)|"
        r"according to (people|sources|a person)|is said to|are said to|considering|speculat|report(ed)? that)",
        sent_low,
    ):
        return Status.RUMOURED
    if lemmas & PLAN_CUES or words & {"will", "'ll", "wo", "shall", "soon"}:
        if "would" in words and lemmas & {"say", "announce", "confirm"}:
            return Status.ANNOUNCED
        return Status.PLANNED
    if any(c.dep_ == "aux" and c.lower_ == "to" for c in trig.children) and (
        len(chain) == 1 or _lemma(chain[1]) in PLAN_CUES or trig.dep_ == "ROOT"
    ):
        return Status.PLANNED
    if trig.tag_ == "VBD" and not lemmas & {"agree", "propose", "offer"}:
        return Status.COMPLETED  # "said it bought X", "since X entered the US": it happened
    if "would" in words or lemmas & (ANNOUNCE_CUES - {"launch"}) or words & {"proposed", "planned"}:
        return Status.ANNOUNCED
    if "being" in words:
        return Status.ANNOUNCED
    if trig.tag_ in ("VBD", "VBN") or words & {"has", "have", "had"}:
        return Status.COMPLETED
    if trig.tag_ in ("VBZ", "VBP", "VBG") or trig.pos_ == "NOUN":
        return Status.ANNOUNCED
    return Status.COMPLETED


# ---------------------------------------------------------------------------------------------
# candidates and context


@dataclass
class _Cand:
    type: EventType
    roles: dict[str, list[str]]
    status: Status | None
    date: str | None
    sent: int
    rule: str
    evidence: list[str] = field(default_factory=list)
    confidence: float = 0.5
    #: the countries (place keys) its markets lie in: "Tokyo" is in place/jp
    within: set[str] = field(default_factory=set)


_PERSON_HEADS = {
    "ceo",
    "chief",
    "executive",
    "boss",
    "chairman",
    "founder",
    "president",
    "head",
    "spokesman",
    "spokeswoman",
    "director",
    "officer",
    "manager",
}


def _name_root(t: Token) -> Token:
    """The last word of the name `t` is part of ("Tata" in "Tata Motors" gives "Motors")."""
    while t.dep_ in ("compound", "flat") and t.head.i != t.i:
        t = t.head
    return t


def _is_source(t: Token) -> bool:
    """Is `t` (part of) the news source of a sentence: "told Reuters", "according to CNET"?"""
    t = _name_root(t)
    if t.dep_ in ("dobj", "dative") and t.head.lemma_ in ("tell", "inform"):
        return True
    return t.dep_ == "pobj" and t.head.lower_ == "to" and t.head.head.lower_ == "according"


class _Context:
    def __init__(self, doc: Doc, ents: DocEntities, published: date | None) -> None:
        self.doc = doc
        self.ents = ents
        self._ents_by_sent: dict[int, list[Span]] | None = None
        self.published = published
        self.sents = list(doc.sents)
        self.sent_of: dict[int, int] = {}
        for i, s in enumerate(self.sents):
            for t in s:
                self.sent_of[t.i] = i
        counts = Counter(k for _, k in ents.firm_positions)
        self.firm_counts = counts
        title_end = self.sents[0].end if self.sents else 0
        title_firms = [k for i, k in ents.firm_positions if i < title_end]
        self.topic = None
        if counts:
            best = counts.most_common(1)[0][0]
            self.topic = title_firms[0] if title_firms and counts[title_firms[0]] * 2 >= counts[best] else best
        self.subject_firms: list[tuple[int, str]] = []
        for i, k in ents.firm_positions:
            if _name_root(doc[i]).dep_ in ("nsubj", "nsubjpass"):
                self.subject_firms.append((i, k))
        self.has_cloud = bool(re.search(r"\b(cloud|data ?cent(?:er|re)s?|datacent(?:er|re)s?)\b", doc.text, re.I))

    @cached_property
    def descriptors(self) -> dict[str, set[str]]:
        """What the article calls each firm: the words of "BitSight, a cybersecurity ratings
        company" and "cybersecurity company BitSight" ({"cybersecurity", "rating"}), so that
        "the cybersecurity company" later means BitSight."""
        out: dict[str, set[str]] = {}
        for i, k in self.ents.firm_positions:
            for c in _name_root(self.doc[i]).children:
                if c.dep_ in ("appos", "compound") and _lemma(c) in COMPANY_NOUNS:
                    words = {_lemma(t) for t in c.subtree if t.dep_ in ("amod", "compound", "nmod") and t.is_alpha}
                    out.setdefault(k, set()).update(words - _VAGUE_DESCRIPTORS)
        return out

    def described(self, head: Token) -> str | None:
        """The one firm named before `head` whose description shares a word with the modifiers
        of `head` ("the cybersecurity company"), or None."""
        mods = {_lemma(c) for c in head.children if c.dep_ in ("amod", "compound", "nmod") and c.is_alpha}
        mods -= _VAGUE_DESCRIPTORS
        if not mods:
            return None
        seen = {k for j, k in self.ents.firm_positions if j < head.i}
        found = {k for k, words in self.descriptors.items() if k in seen and words & mods}
        return next(iter(found)) if len(found) == 1 else None

    def kind(self, key: str) -> Kind | None:
        return self.ents.kind(key)

    def country_of(self, key: str) -> str | None:
        """The key of the country a place entity lies in (its own for a country), if known."""
        ent = self.ents.entities.get(key) or self.ents.reserve.get(key)
        if ent is None or not key.startswith("place/"):
            return None
        place = lookup_place(ent.name)
        return f"place/{place.country.lower()}" if place is not None and place.country else None

    def sent_ents(self, sent: Span) -> list[Span]:
        """The doc's NER spans inside `sent` (computed once per doc)."""
        if self._ents_by_sent is None:
            self._ents_by_sent = {}
            for e in self.doc.ents:
                self._ents_by_sent.setdefault(self.sent_of.get(e.start, -1), []).append(e)
        return self._ents_by_sent.get(self.sent_of.get(sent.start, -1), [])

    def np_keys(self, head: Token, deep: bool = False) -> list[str]:
        """Entity keys named by the noun phrase headed by `head` (its compounds, appositions,
        conjuncts and possessors; with `deep`, its whole subtree)."""
        keys: list[str] = []
        toks: Iterable[Token]
        if deep:
            toks = head.subtree
        else:
            stack, seen, found = [head], set(), []
            while stack:
                t = stack.pop()
                if t.i in seen:
                    continue
                seen.add(t.i)
                found.append(t)
                for c in t.children:
                    if c.dep_ in (
                        "compound",
                        "appos",
                        "conj",
                        "poss",
                        "flat",
                        "nmod",
                        "amod",
                        "npadvmod",
                        "nummod",
                        "cc",
                    ):
                        stack.append(c)
            toks = sorted(found, key=lambda x: x.i)
        for t in toks:
            k = self.ents.token_keys.get(t.i)
            if k and k not in keys:
                keys.append(k)
        return keys

    def resolve(
        self, head: Token | None, kinds: set[Kind], allow_anaphor: bool = True, persons_as_firms: bool = False
    ) -> list[str]:
        """Keys of `kinds` that the NP at `head` refers to; pronouns and "the company" go to the
        salient firm; with `persons_as_firms`, a firm's person ("Mr Jobs", "the CEO") to it."""
        if head is None:
            return []
        if head.lower_ in ("which", "that") and head.dep_ in ("dobj", "pobj", "nsubjpass", "nsubj"):
            # "the framework, which a top court ruled illegal": what the relative clause is about
            verb = head.head
            while verb.dep_ in ("xcomp", "ccomp", "prep"):
                verb = verb.head
            if verb.dep_ in ("relcl", "acl"):
                return self.resolve(verb.head, kinds, allow_anaphor=False, persons_as_firms=persons_as_firms)
            return []
        allk = [
            k
            for k in self.np_keys(head)
            if k not in self.ents.reserve or self.kind(k) in kinds and Kind.FIRM not in kinds
        ]
        keys = [k for k in allk if self.kind(k) in kinds]
        if any(self.kind(k) in (Kind.FIRM, Kind.PERSON) for k in keys):
            keys = [k for k in keys if self.kind(k) in (Kind.FIRM, Kind.PERSON)]
        if keys:
            return keys
        if persons_as_firms and Kind.FIRM in kinds:
            persons = [k for k in allk if self.kind(k) is Kind.PERSON]
            if persons:
                f = self.affiliation(persons[0])
                return [f] if f else []
            if _lemma(head) in _PERSON_HEADS and any(c.lower_ in ("the", "its") for c in head.children):
                k = self.salient(head.i)
                return [k] if k else []
        if not allow_anaphor or Kind.FIRM not in kinds:
            return []
        lem = _lemma(head)
        dets = {c.lower_ for c in head.children if c.dep_ in ("det", "poss")}
        is_anaphor = head.lower_ in ("it", "its", "itself", "their", "which") or (
            lem in COMPANY_NOUNS and dets & {"the", "this", "that", "its", "our"}
        )
        # "A Chinese telecoms firm has been indicted": the story's firm, in its lead
        if (
            not is_anaphor
            and lem in COMPANY_NOUNS
            and dets & {"a", "an"}
            and self.sent_of.get(head.i, 99) <= 2
            and self.topic
        ):
            return [self.topic]
        if is_anaphor:
            if lem in COMPANY_NOUNS:  # "the cybersecurity company": the firm the article called so
                k = self.described(head)
                if k is not None:
                    return [k]
            # "With its buy of X, Alibaba ...": a firm subject later in the same sentence
            if head.lower_ in ("its", "their") and head.i < head.sent.root.i:
                subj = [c for c in head.sent.root.children if c.dep_ == "nsubj"]
                if subj:
                    later = [k for k in self.np_keys(subj[0]) if self.kind(k) is Kind.FIRM]
                    if later:
                        return later[:1]
            k = self.salient(head.i)
            return [k] if k else []
        return []

    def product_owner(self, product: str) -> str | None:
        """The firm that owns a product by a possessive somewhere in the doc ("its X", "F's X")."""
        for m in self.ents.mentions:
            if m.entity != product:
                continue
            span = self.doc.char_span(m.start, m.end, alignment_mode="expand")
            if span is None:
                continue
            root = span.root
            for t in list(root.children) + ([root.head] if root.dep_ == "compound" else []):
                if t.dep_ == "poss" or (t.i == root.head.i and any(c.dep_ == "poss" for c in t.children)):
                    poss = t if t.dep_ == "poss" else next(c for c in t.children if c.dep_ == "poss")
                    keys = self.resolve(poss, {Kind.FIRM})
                    if keys:
                        return keys[0]
        return None

    def affiliation(self, person: str) -> str | None:
        """The firm a person speaks or acts for: the story's firm when the sentence that first
        names them names it too, else the nearest firm there, else the story's firm."""
        for m in self.ents.mentions:
            if m.entity != person:
                continue
            span = self.doc.char_span(m.start, m.end, alignment_mode="expand")
            if span is None:
                continue
            # "Apple CEO Steve Jobs", "Steve Jobs, Apple's chief executive": the firm in the person's phrase
            own = [k for k in self.np_keys(span.root) if self.kind(k) is Kind.FIRM]
            if own:
                return own[0]
            firms = [(abs(i - span.start), k) for i, k in self.ents.firm_positions if self.sent_of.get(i) == m.sentence]
            if any(k == self.topic for _, k in firms):
                return self.topic
            if firms:
                return min(firms)[1]
            break
        return self.topic

    def salient(self, i: int) -> str | None:
        """The firm a "the company" or "it" at token `i` most likely means."""
        sent = self.sent_of.get(i, 0)
        recent = [(j, k) for j, k in self.subject_firms if j < i and self.sent_of.get(j, 0) >= sent - 2]
        if recent and self.sent_of.get(recent[-1][0]) == sent:
            return recent[-1][1]
        # "... a smaller part of Nokia after its proposed takeover": a pronoun with no firm
        # subject before it in its sentence means the nearest firm named there, not a subject
        # of an earlier sentence
        if self.doc[i].lower_ in ("it", "its") and not any(  # "The retailer, ... said it": that firm
            c.dep_ in ("nsubj", "nsubjpass") and _lemma(c) in COMPANY_NOUNS and _lemma(c) not in _UNIT_WORDS
            for c in self.doc[i].sent.root.children  # but "The patent business ... its" is no firm
        ):
            here = [
                k
                for j, k in self.ents.firm_positions
                if j < i and self.sent_of.get(j) == sent and not _is_source(self.doc[j])
            ]
            if here:
                return here[-1]
        # "... driven by Constellation, the world's biggest winemaker. It seized the top spot":
        # a sentence that opens on "it" after a sentence naming one firm means that firm
        opener = self.sents[sent][0] if sent < len(self.sents) else None
        if sent > 0 and opener is not None and opener.lower_ in ("it", "its") and opener.i <= i:
            named = {
                k
                for j, k in self.ents.firm_positions
                if self.sent_of.get(j) == sent - 1 and not _is_source(self.doc[j])
            }
            if len(named) == 1:
                return next(iter(named))
        if recent:
            return recent[-1][1]
        if self.topic and any(j < i for j, k in self.ents.firm_positions if k == self.topic):
            return self.topic
        before = [k for j, k in self.ents.firm_positions if j < i and self.sent_of.get(j, 0) >= sent - 1]
        if before:
            return before[-1]
        return self.topic

    def places(self, tokens: Iterable[Token]) -> list[str]:
        out = []
        for t in tokens:
            k = self.ents.token_keys.get(t.i)
            if k and k.startswith("place/") and k not in out:
                out.append(k)
        return out

    def firms(self, tokens: Iterable[Token]) -> list[str]:
        out = []
        for t in tokens:
            k = self.ents.token_keys.get(t.i)
            if k and self.kind(k) is Kind.FIRM and k not in out:
                out.append(k)
        return out

    def products(self, tokens: Iterable[Token]) -> list[str]:
        out = []
        for t in tokens:
            k = self.ents.token_keys.get(t.i)
            if k and self.kind(k) is Kind.PRODUCT and k not in out:
                out.append(k)
        return out

    def date_for(self, trig: Token, sent: Span, status: Status | None) -> str | None:
        future = status is Status.PLANNED
        dates = [e for e in self.sent_ents(sent) if e.label_ == "DATE"]
        if not dates:
            return None
        sub = {t.i for t in trig.subtree}
        dates.sort(key=lambda e: (e.start not in sub, abs(e.start - trig.i)))
        for e in dates:
            d = resolve_date(e.text, self.published, future=future)
            if d:
                return d
        return None


def _add(
    cands: list[_Cand],
    ctx: _Context,
    etype: EventType,
    roles: dict[str, list[str]],
    trig: Token,
    chain: list[Token],
    sent: Span,
    si: int,
    rule: str,
    status: Status | None = None,
) -> None:
    status = status or status_of(chain, sent)
    cands.append(
        _Cand(
            etype,
            {r: list(dict.fromkeys(v)) for r, v in roles.items() if v},
            status,
            ctx.date_for(trig, sent, status),
            si,
            rule,
            [sent.text.strip()],
            CONFIDENCE[rule],
            {c for m in roles.get("market", []) if (c := ctx.country_of(m)) and c != m},
        )
    )
