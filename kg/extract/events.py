"""Event rules per type over the dependency parse; status and date cues; evidence sentences.

Each rule looks at a trigger (a verb lemma, or a noun such as "lawsuit" or "data centre"), reads
its arguments from the parse (subject, object, passive agent, prepositional attachments,
possessives), maps them to entity keys through the doc's resolved mentions, and proposes an
event. Candidates of one type that share their key roles are merged, so that one real-world
happening gives one event per article.

Confidence per rule: the rule's precision on the dev gold (83 articles), measured again after
the last rule change (issue #4), smoothed as (hits + 1) / (events + 2) so that a rule seldom
seen stays near 0.5. "dev" counts the rule's events that matched a gold event / all its events
that the gold does not mark optional; small counts make these rough:

==========================  =====  ======  ====================================================
rule                        conf.  dev     reads
==========================  =====  ======  ====================================================
market_entry.verb           0.75   5/6     enter/expand into/launch in/start selling in <place>
market_entry.open           0.67   1/1     open (first) store/office/branch in <place>
market_entry.noun           0.33   0/1     "entry into", "expansion into", "move on/into" <place>
product_launch.verb         0.75   5/6     launch/unveil/release/introduce/roll out <product>
product_launch.noun         0.50   0/0     "the launch/release/debut of <product>"
lawsuit.sue                 0.75   2/2     sue / be sued by / countersue
lawsuit.charge              0.75   2/2     charged/indicted/convicted; denies/faces charges
lawsuit.noun                0.86   5/5     file/bring a lawsuit, suit, injunction; hit with a suit
lawsuit.court               0.75   2/2     win/lose a case, take to court, court ruled against
data_center.move            0.67   5/7     move/migrate/shift data, workloads, servers, IT to ...
data_center.build           0.78   17/21   open/build/close/expand a data centre, cloud region
data_center.outsource       0.50   0/0     outsource IT/data-centre operations to <firm>
acquisition.verb            0.75   11/14   buy/acquire/purchase/take over/merge with/pay for
acquisition.noun            0.71   4/5     acquisition/takeover/purchase/bid/merger of/for <firm>
acquisition.stake           0.86   5/5     buy/take a stake in <firm>
acquisition.sell            0.83   4/4     sell <unit> to <firm>
==========================  =====  ======  ====================================================

Merged events keep the highest confidence of their parts, raised a little for each further
sentence that supports them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from spacy.tokens import Doc, Span, Token

from kg.extract.dates import resolve_date
from kg.extract.entities import COMPANY_NOUNS, LEGAL_SUFFIXES, DocEntities
from kg.model import LITERAL_ROLES, Event, EventType, Kind, Status

__all__ = ["CONFIDENCE", "extract_events", "status_of", "subject_keyword"]

#: Confidence of each rule (see the table in the module docstring).
CONFIDENCE: dict[str, float] = {
    "market_entry.verb": 0.75,
    "market_entry.open": 0.67,
    "market_entry.noun": 0.33,
    "market_entry.aim": 0.50,
    "product_launch.verb": 0.75,
    "product_launch.noun": 0.50,
    "lawsuit.sue": 0.75,
    "lawsuit.charge": 0.75,
    "lawsuit.noun": 0.86,
    "lawsuit.court": 0.75,
    "data_center.move": 0.67,
    "data_center.build": 0.78,
    "data_center.outsource": 0.50,
    "acquisition.verb": 0.75,
    "acquisition.noun": 0.71,
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
            and cur.head is not cur
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
        if cur.head is cur:
            return cur if cur.pos_ in ("VERB", "AUX") else None
        cur = cur.head
        if cur.pos_ in ("VERB", "AUX"):
            return cur
    return None


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
    if verb.dep_ in ("xcomp", "conj", "advcl", "pcomp", "ccomp", "acomp", "oprd") and verb.head is not verb:
        head = verb.head
        if verb.dep_ == "pcomp" and head.dep_ == "prep":
            head = head.head
        if head.pos_ in ("VERB", "AUX"):
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
        if gov is not None and gov is not verb:
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
        if subj is not None and subj is not noun and not passive:
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


def _fill_unkeyed(doc: Doc, ents: DocEntities) -> None:
    """Occurrences the model did not tag of a name the article uses for a firm, person or
    product elsewhere ("Facebook hit with lawsuit" in a headline tagged as a common noun) take
    that name's entity: one name keeps one meaning in an article."""
    surfaces: dict[tuple[str, ...], str] = {}
    for m in ents.mentions:
        if m.kind in (Kind.FIRM, Kind.PERSON, Kind.PRODUCT) and m.text[:1].isupper() and m.entity:
            span = doc.char_span(m.start, m.end)
            if span is not None and len(span) <= 4:
                surfaces.setdefault(tuple(t.text for t in span), m.entity)
    if not surfaces:
        return
    longest = max(len(k) for k in surfaces)
    firm_positions = ents.firm_positions
    i = 0
    n = len(doc)
    while i < n:
        if i in ents.token_keys or not doc[i].text[:1].isupper():
            i += 1
            continue
        for size in range(min(longest, n - i), 0, -1):
            key = surfaces.get(tuple(t.text for t in doc[i : i + size]))
            if key is None or any(j in ents.token_keys for j in range(i, i + size)):
                continue
            # not inside a longer name ("Facebook Messenger" when only "Facebook" is known)
            nxt = doc[i + size] if i + size < n else None
            prev = doc[i - 1] if i > 0 else None
            if prev is not None and nxt is not None and prev.text == "(" and nxt.text == ")":
                break  # "(Reuters)" in a dateline, "(ATR)" after a name: not a party here
            if (
                nxt is not None
                and nxt.pos_ == "PROPN"
                and nxt.text[:1].isupper()
                and nxt.lower_.rstrip(".") not in LEGAL_SUFFIXES
            ) or (prev is not None and prev.pos_ == "PROPN" and prev.text[:1].isupper() and not prev.is_sent_start):
                break
            for j in range(i, i + size):
                ents.token_keys[j] = key
            if ents.kind(key) is Kind.FIRM:
                firm_positions.append((i, key))
            i += size - 1
            break
        i += 1
    firm_positions.sort()


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
        _fill_unkeyed(doc, ents)
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
            root = doc[i]
            while root.dep_ in ("compound", "flat") and root.head is not root:
                root = root.head
            if root.dep_ in ("nsubj", "nsubjpass"):
                self.subject_firms.append((i, k))
        self.has_cloud = bool(re.search(r"\b(cloud|data ?cent(?:er|re)s?|datacent(?:er|re)s?)\b", doc.text, re.I))

    def kind(self, key: str) -> Kind | None:
        return self.ents.kind(key)

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
                if t.dep_ == "poss" or (t is root.head and any(c.dep_ == "poss" for c in t.children)):
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
        # "... driven by Constellation, the world's biggest winemaker. It seized the top spot":
        # a sentence that opens on "it" after a sentence naming one firm means that firm
        opener = self.sents[sent][0] if sent < len(self.sents) else None
        if sent > 0 and opener is not None and opener.lower_ in ("it", "its") and opener.i <= i:
            before = {k for j, k in self.ents.firm_positions if self.sent_of.get(j) == sent - 1}
            if len(before) == 1:
                return next(iter(before))
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


# ---------------------------------------------------------------------------------------------
# rules

_DC_WORDS = (
    "datacentre",
    "datacenter",
    "datacentres",
    "datacenters",
    "data-center",
    "data-centre",
    "data-centers",
    "data-centres",
)
_DC_HEADS = (
    "centre",
    "center",
    "centres",
    "centers",
    "facility",
    "facilities",
    "campus",
    "campuses",
    "hub",
    "site",
    "sites",
    "farm",
    "farms",
    "building",
    "project",
    "park",
    "complex",
)


_DC_NOT_FACILITY = {
    "group",
    "division",
    "business",
    "unit",
    "segment",
    "revenue",
    "sale",
    "market",
    "chip",
    "product",
    "processor",
    "customer",
    "industry",
    "sector",
    "spending",
    "demand",
    "networking",
    "software",
    "operator",
    "provider",
    "company",
    "firm",
    "space",
    "capacity",
    "power",
    "equipment",
    "gear",
    "server",
    "switch",
    "team",
}


def _is_dc_noun(t: Token) -> bool:
    low = t.lower_
    if t.dep_ == "compound" and t.head.i > t.i and t.head.lemma_.lower() in _DC_NOT_FACILITY:
        return False
    if low in _DC_WORDS:
        return True
    doc = t.doc
    if low in _DC_HEADS:
        prev = doc[t.i - 1].lower_ if t.i > 0 else ""
        prev2 = doc[t.i - 2].lower_ if t.i > 1 else ""
        if low in ("centre", "center", "centres", "centers"):
            return prev in ("data", "computing", "server", "colocation", "hosting", "processing", "cloud")
        if prev in ("server",) and low in ("farm", "farms"):
            return True
        return (
            prev in _DC_WORDS
            or (prev in ("center", "centre") and prev2 == "data")
            or prev in ("colocation", "hyperscale")
        )
    if low in ("region", "regions", "zone", "zones"):
        prev = doc[t.i - 1].lower_ if t.i > 0 else ""
        return prev in ("cloud", "availability") or any(
            c.lower_ in ("cloud", "availability", "aws", "azure") for c in t.children
        )
    return False


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
        )
    )


_ENTRY_NOUNS = (
    "entry",
    "expansion",
    "move",
    "foray",
    "push",
    "debut",
    "launch",
    "step",
    "arrival",
    "venture",
    "rollout",
    "roll-out",
)


def _place_objects(ctx: _Context, t: Token, *preps: str) -> list[str]:
    """Places named by the objects of `preps` under `t`: "into the US market", "in Accra, Ghana"."""
    out: list[str] = []
    for p in _preps(t, *preps):
        out += [k for k in ctx.np_keys(p) if k.startswith("place/")]
        for q in _preps(p, "in", "of"):  # "markets in Asia", "the city of Hyderabad"
            out += [k for k in ctx.np_keys(q) if k.startswith("place/")]
    return list(dict.fromkeys(out))


def _rule_market_entry(ctx: _Context, trig: Token, sent: Span, si: int, cands: list[_Cand]) -> None:
    lem = _lemma(trig)
    chain = _clause_chain(trig)
    markets: list[str] = []
    rule = "market_entry.verb"
    objs = _objects(trig)
    subj, passive = (None, False)
    if trig.pos_ == "VERB":
        subj, passive = _subject(trig)
        if lem == "enter":
            for o in objs:
                markets += [k for k in ctx.np_keys(o) if k.startswith("place/")]
                if _lemma(o) in ("market", "city", "country", "region", "state"):
                    markets += ctx.places(o.subtree)
            markets += _place_objects(ctx, trig, "in", "into")
        elif lem in ("expand", "venture", "foray", "break", "move", "extend", "return", "go", "push"):
            markets = _place_objects(ctx, trig, "into", "to", "in", "across", "throughout")
            prep_words = {c.lower_ for c in trig.children if c.dep_ == "prep"}
            if lem in ("move", "go", "return", "push", "break") and "into" not in prep_words:
                markets = []  # "moved to" is too loose; "moved into" is fine
            if lem == "extend" and not any(_lemma(o) in ENTRY_OBJECTS for o in objs):
                markets = []
            if (
                lem == "expand"
                and objs
                and not any(_lemma(o) in ENTRY_OBJECTS | {"presence", "reach", "footprint"} for o in objs)
            ):
                markets = []
        elif lem in ("eye", "target", "look", "court"):
            # "PiggyBaggy is eyeing Denmark", "looking to the US and European markets"
            targets = _preps(trig, "to", "towards", "toward") if lem == "look" else objs
            for o in targets:
                if _lemma(o) == "market":
                    markets += ctx.places(o.subtree)
                elif lem != "look":
                    markets += [k for k in ctx.np_keys(o) if k.startswith("place/")]
            if markets and trig.dep_ != "acl":  # not "campaigns targeting Australia"
                rule = "market_entry.aim"
                subj, passive = _subject(trig)
                if passive:
                    return
                firms = ctx.resolve(subj, {Kind.FIRM})
                markets = [m for m in markets if ctx.kind(m) in (Kind.COUNTRY, Kind.REGION, Kind.CITY, Kind.PLACE)]
                if firms and markets and not _is_negated(chain, sent):
                    roles = {"firm": firms[:1], "market": markets, "product": ctx.products(sent)}
                    _add(cands, ctx, EventType.MARKET_ENTRY, roles, trig, chain, sent, si, rule, Status.PLANNED)
            return
        elif lem in (
            "launch",
            "open",
            "start",
            "begin",
            "set",
            "establish",
            "debut",
            "roll",
            "introduce",
            "bring",
            "operate",
            "sell",
            "arrive",
        ):
            obj_lems = {_lemma(o) for o in objs}
            if lem in ("start", "begin"):
                # "start selling/operating in X"
                inner = [
                    c
                    for c in trig.children
                    if c.dep_ in ("xcomp", "dobj")
                    and _lemma(c) in ("sell", "operate", "offer", "trade", "ship", "deliver", "serve", "do")
                ]
                if not inner:
                    return
                tgt = inner[0]
                markets = _place_objects(ctx, tgt, "in", "into", "to", "across")
                markets += ctx.places(
                    t
                    for o in _objects(tgt)
                    for t in o.subtree
                    if t.dep_ in ("compound", "amod") and _lemma(o) in ("sale", "business", "operation", "service")
                )
            elif lem in ("sell", "operate"):
                return
            elif lem == "roll" and passive and any(c.lower_ == "out" for c in trig.children):
                # "a scheme being rolled out in London by Bollore"
                markets = _place_objects(ctx, trig, "in", "across", "to")
            elif (
                obj_lems & ENTRY_OBJECTS
                or lem in ("debut",)
                or (lem in ("launch", "arrive") and not objs and not passive and trig.tag_ != "VBN")
            ):  # "X launched in Britain": the firm itself arrives
                markets += _place_objects(ctx, trig, "in", "into", "to", "across", "throughout")
                for o in objs:
                    markets += _place_objects(ctx, o, "in", "into", "to", "across")
                    if _lemma(o) in ENTRY_OBJECTS:
                        markets += [k for k in ctx.np_keys(o) if k.startswith("place/")]
                rule = "market_entry.open" if lem in ("open", "set", "establish") else rule
                # a firm opening its "first" store abroad; opening a store at home is no entry
                if (
                    lem == "open"
                    and not any(
                        c.lower_ in ("first", "new", "flagship", "own", "debut") for o in objs for c in o.subtree
                    )
                    and not any(
                        _lemma(o)
                        in (
                            "office",
                            "operation",
                            "subsidiary",
                            "business",
                            "presence",
                            "hub",
                            "headquarters",
                            "branch",
                        )
                        for o in objs
                    )
                ):
                    return
            else:
                return
    else:
        if lem not in _ENTRY_NOUNS:
            return
        rule = "market_entry.noun"
        preps: tuple[str, ...] = (
            ("into", "to", "on", "in")
            if lem in ("entry", "expansion", "move", "foray", "push", "arrival", "step")
            else ("in",)
        )
        markets = _place_objects(ctx, trig, *preps)
        if lem == "step" and not any(c.lower_ in ("towards", "toward", "into") for c in trig.children):
            return
        if lem in ("move", "step") and not any(c.lower_ in ("first", "its", "their") for c in trig.children):
            return
        if lem in ("launch", "debut", "rollout", "roll-out") and not any(
            _lemma(c) in ENTRY_OBJECTS for c in trig.children if c.dep_ in ("compound", "nmod")
        ):
            return
    markets = [m for m in markets if ctx.kind(m) in (Kind.COUNTRY, Kind.REGION, Kind.CITY, Kind.PLACE)]
    if not markets:
        return
    if trig.pos_ == "VERB":
        if passive:
            agent = _agent(trig)
            firms = ctx.resolve(agent, {Kind.FIRM}) if agent is not None else []
        else:
            firms = ctx.resolve(subj, {Kind.FIRM}, persons_as_firms=True)
    else:
        owner = _noun_owner(trig)
        firms = ctx.resolve(owner, {Kind.FIRM}) if owner is not None else []
        if not firms:
            gov = _governing_verb(trig)
            if gov is not None:
                s2, _ = _subject(gov)
                if s2 is not None and _lemma(s2) in _ENTRY_NOUNS:
                    s2 = _noun_owner(s2)
                firms = ctx.resolve(s2, {Kind.FIRM})
    if not firms or _is_negated(chain, sent):
        return
    products = ctx.products(sent)
    _add(
        cands,
        ctx,
        EventType.MARKET_ENTRY,
        {"firm": firms[:1], "market": markets, "product": products},
        trig,
        chain,
        sent,
        si,
        rule,
    )


def _products_in(ctx: _Context, np: Token) -> list[str]:
    """Products an object NP names: itself, "a version of X", "a service called X", "X, its new ..."."""
    out = [k for k in ctx.np_keys(np) if ctx.kind(k) is Kind.PRODUCT]
    for c in np.children:
        if c.dep_ == "prep" and c.lower_ in ("of", "as", "including", "like"):
            for p in c.children:
                if p.dep_ == "pobj":
                    out += _products_in(ctx, p)
        elif c.dep_ == "acl" and c.lemma_.lower() in ("call", "name", "bill", "dub", "brand", "know", "market"):
            for t in c.subtree:
                k = ctx.ents.token_keys.get(t.i)
                if k and ctx.kind(k) is Kind.PRODUCT:
                    out.append(k)
        elif c.dep_ in ("appos", "conj"):
            out += _products_in(ctx, c)
    return list(dict.fromkeys(out))


def _rule_product_launch(ctx: _Context, trig: Token, sent: Span, si: int, cands: list[_Cand]) -> None:
    lem = _lemma(trig)
    chain = _clause_chain(trig)
    rule = "product_launch.verb"
    products: list[str] = []
    firms: list[str] = []
    markets: list[str] = []
    if trig.pos_ == "VERB":
        if lem == "roll" and not any(c.lower_ == "out" for c in trig.children):
            return
        objs = _objects(trig)
        if lem in ("start", "begin"):
            inner = [c for c in trig.children if c.dep_ in ("xcomp",) and _lemma(c) in ("sell", "ship", "offer")]
            if not inner:
                return
            objs = _objects(inner[0])
        elif lem == "put" and not any(_lemma(t) == "sale" for t in trig.subtree):
            return
        elif lem == "go":  # "the X went on sale on Tuesday"
            if not any(_lemma(o) == "sale" for o in _preps(trig, "on")):
                return
        elif lem in ("bring", "extend", "expand"):
            to = _preps(trig, "to")
            if (
                not to
                and lem == "bring"
                and any(t.lower_ == "market" and t.i > 0 and t.doc[t.i - 1].lower_ == "to" for t in trig.subtree)
            ):
                to = [t for t in trig.subtree if t.lower_ == "market"]  # "to market" read as a verb
            if not to:
                return
            markets = ctx.places(t for p in to for t in p.subtree)
            if not markets and not any(
                _lemma(p) in ("market", "store", "shelf", "consumer", "customer", "user") for p in to
            ):
                return
        elif lem == "offer" and not _preps(trig, "in"):
            return
        for o in objs + _preps(trig, "including"):  # "unveil three phones, including the X"
            products += _products_in(ctx, o)
        subj, passive = _subject(trig)
        if passive and subj is not None:
            products += _products_in(ctx, subj)
            agent = _agent(trig)
            firms += ctx.resolve(agent, {Kind.FIRM}, persons_as_firms=True) if agent is not None else []
            for t in subj.subtree:
                if t.dep_ == "poss":
                    firms += ctx.resolve(t, {Kind.FIRM})
        elif subj is not None:
            sub_keys = [k for k in ctx.np_keys(subj) if ctx.kind(k) is Kind.PRODUCT]
            if sub_keys and lem in ("debut", "launch", "arrive", "go"):
                products += sub_keys
            firms = ctx.resolve(subj, {Kind.FIRM}, persons_as_firms=True)
        # "Microsoft's Xbox", "its Highlander"
        for o in objs:
            for t in o.subtree:
                if t.dep_ == "poss":
                    firms += ctx.resolve(t, {Kind.FIRM})
    else:
        if lem not in ("launch", "release", "debut", "unveiling", "introduction", "rollout", "roll-out", "arrival"):
            return
        rule = "product_launch.noun"
        for p in _preps(trig, "of"):
            products += _products_in(ctx, p)
        products += [
            k
            for c in trig.children
            if c.dep_ in ("compound", "poss", "nmod")
            for k in ctx.np_keys(c)
            if ctx.kind(k) is Kind.PRODUCT
        ]
        owner = _noun_owner(trig)
        firms = ctx.resolve(owner, {Kind.FIRM}, persons_as_firms=True) if owner is not None else []
    products = list(dict.fromkeys(products))
    if not products:
        return
    if not firms:
        # "the Nintendo DS", "Google Pay": the firm in the product's name
        for pk in products:
            ent = ctx.ents.entities.get(pk)
            if ent is None:
                continue
            first = ent.name.split()[0]
            firms += [k for k, e in ctx.ents.entities.items() if e.kind is Kind.FIRM and e.name.split()[0] == first]
        firms = list(dict.fromkeys(firms))
    if not firms:
        # "its iPod", "Apple's iPhone" elsewhere in the article
        for pk in products:
            maker = ctx.product_owner(pk)
            if maker:
                firms.append(maker)
                break
    if not firms or _is_negated(chain, sent):
        return
    markets += ctx.places(t for p in _preps(trig, "in", "into", "across", "throughout") for t in p.subtree)
    for pk in products:
        _add(
            cands,
            ctx,
            EventType.PRODUCT_LAUNCH,
            {"firm": firms[:1], "product": [pk], "market": markets},
            trig,
            chain,
            sent,
            si,
            rule,
        )


_PARTY = {Kind.FIRM, Kind.PERSON, Kind.COUNTRY, Kind.PLACE, Kind.REGION, Kind.CITY}
_COURT_WORDS = ("court", "judge", "jury", "tribunal", "prosecutor", "attorney", "courtroom", "district")


def _jurisdiction(ctx: _Context, trig: Token, sent: Span) -> list[str]:
    out = ctx.places(t for p in _deep_preps(trig, "in") for t in p.subtree)
    for t in sent:
        k = ctx.ents.token_keys.get(t.i)
        if not k or not k.startswith("place/"):
            continue
        h = t
        for _ in range(3):
            if _lemma(h) in _COURT_WORDS:
                out.append(k)
                break
            h = h.head
    return list(dict.fromkeys(out))


#: People and firms outside a firm that a firm's name modifies: "a Facebook shareholder" is not Facebook.
_OUTSIDER_HEADS = frozenset(
    {"shareholder", "stockholder", "investor", "customer", "user", "client", "subscriber", "consumer",
     "supplier", "rival", "competitor", "critic", "owner", "buyer", "fan", "victim", "advertiser"}
)  # fmt: skip


#: Heads under which a country or place named as a modifier is the party ("the U.S. government").
_STATE_HEADS = frozenset(
    {"government", "state", "authority", "ministry", "department", "prosecutor", "administration",
     "regulator", "commission", "agency", "kremlin", "treasury", "attorney", "official", "court"}
)  # fmt: skip


def _parties(ctx: _Context, head: Token | None, anaphor: bool = True) -> list[str]:
    if head is not None and head.i not in ctx.ents.token_keys:
        if _lemma(head) in _OUTSIDER_HEADS:
            return []
        keys = ctx.resolve(head, _PARTY, allow_anaphor=anaphor)
        if _lemma(head) not in _STATE_HEADS:
            # "a Norwegian student": the country only describes the party
            keys = [k for k in keys if not k.startswith("place/")]
        return keys
    return ctx.resolve(head, _PARTY, allow_anaphor=anaphor)


_LEGAL_CONTEXT = re.compile(
    r"\b(court|lawsuit|sued|sues|suing|suit|legal|judge|tribunal|antitrust|patent|copyright|"
    r"class action|jury|prosecut|indict|injunction|infring|damages|litigation|plaintiff|defendant)",
    re.I,
)


def _rule_lawsuit(ctx: _Context, trig: Token, sent: Span, si: int, cands: list[_Cand]) -> None:
    lem = _lemma(trig)
    chain = _clause_chain(trig)
    plaintiffs: list[str] = []
    defendants: list[str] = []
    rule = "lawsuit.sue"
    low = sent.text.lower()
    negation_ok = False
    if trig.pos_ == "VERB" and lem in ("sue", "countersue"):
        subj, passive = _subject(trig)
        if passive:
            defendants = _parties(ctx, subj)
            agent = _agent(trig)
            plaintiffs = _parties(ctx, agent) if agent is not None else []
        else:
            plaintiffs = _parties(ctx, subj)
            for o in _objects(trig):
                defendants += _parties(ctx, o)
    elif trig.pos_ == "VERB" and lem in (
        "charge",
        "indict",
        "convict",
        "acquit",
        "prosecute",
        "sentence",
        "jail",
        "try",
    ):
        if not re.search(
            r"\b(court|prosecut|jury|judge|fraud|trial|indict|criminal|charges? of|conspiracy"
            r"|with (fraud|conspiracy|theft|stealing|bribery|insider))",
            low,
        ):
            return
        if lem == "charge" and not re.search(r"\bcharged (with|in|over|for)\b", low):
            return
        if lem == "try" and not re.search(r"\b(court|trial|judge|jury)\b", low):
            return
        rule = "lawsuit.charge"
        subj, passive = _subject(trig)
        if passive:
            defendants = _parties(ctx, subj)
            agent = _agent(trig)
            plaintiffs = _parties(ctx, agent) if agent is not None else []
        else:
            plaintiffs = _parties(ctx, subj, anaphor=False)
            for o in _objects(trig):
                defendants += _parties(ctx, o)
    elif trig.pos_ == "VERB" and lem in ("order", "find", "fine") and _subject(trig)[1]:
        # "X was ordered to pay", "X was found guilty/liable", "X was fined by a court"
        subj, _ = _subject(trig)
        agent = _agent(trig)
        by_court = agent is not None and _lemma(agent) in _COURT_AGENTS
        before = sent.doc[sent.start - 1].sent.text.lower() if sent.start > 0 else ""
        court_near = by_court or re.search(
            r"\b(court|judge|jury|tribunal|verdict|ruling|ruled|trial)\b", f"{before} {low}"
        )
        if lem == "find":
            if not any(_lemma(c) in ("guilty", "liable") for c in trig.subtree if c.i > trig.i):
                return
            if not court_near:
                return
        elif lem == "order":
            if not court_near or not any(c.dep_ == "xcomp" for c in trig.children):
                return
        elif not by_court:
            return
        rule = "lawsuit.court"
        defendants = _parties(ctx, subj)
    elif trig.pos_ == "VERB" and lem in (
        "file",
        "bring",
        "launch",
        "lodge",
        "win",
        "lose",
        "settle",
        "take",
        "face",
        "hit",
        "slap",
        "seek",
        "obtain",
        "rule",
        "order",
        "deny",
        "plead",
        "serve",
        "grant",
    ):
        objs = _objects(trig)
        subj, passive = _subject(trig)
        legal_obj = [o for o in objs if _lemma(o) in LEGAL_NOUNS]
        with_legal = [p for p in _preps(trig, "with") if _lemma(p) in LEGAL_NOUNS]
        if lem == "take":
            if not any(_lemma(p) == "court" for p in _preps(trig, "to")):
                return
            rule = "lawsuit.court"
            plaintiffs = _parties(ctx, subj)
            for o in objs:
                defendants += _parties(ctx, o)
        elif lem in ("rule", "order"):
            if subj is None or _lemma(subj) not in ("court", "judge", "jury", "tribunal"):
                return
            rule = "lawsuit.court"
            for a in _preps(trig, "against"):
                defendants += _parties(ctx, a)
            for o in objs:
                defendants += _parties(ctx, o)
        elif lem in ("hit", "slap", "serve") and with_legal:
            # "Facebook hit with lawsuit"
            rule = "lawsuit.noun"
            defendants = (
                _parties(ctx, subj) if (passive or trig.tag_ == "VBN" or subj is not None and lem == "hit") else []
            )
            for o in objs:
                defendants += _parties(ctx, o)
            for w in with_legal:
                for a in _preps(w, "by", "from"):
                    plaintiffs += _parties(ctx, a)
        elif lem in ("deny", "face", "plead") and (legal_obj or lem == "plead"):
            if lem == "plead" and not re.search(r"\bguilty\b", low):
                return
            if lem in ("deny", "face") and not any(
                _lemma(o) in ("charge", "lawsuit", "suit", "trial", "indictment", "prosecution", "claim")
                or (
                    lem == "face"
                    and _lemma(o) in ("action", "case", "proceeding")
                    and any(c.lower_ in ("legal", "court", "criminal", "civil") for c in o.children)
                )  # "was already facing legal action"
                for o in legal_obj
            ):
                return
            if lem == "deny" and not any(_lemma(o) == "charge" for o in legal_obj):
                return
            rule = "lawsuit.charge"
            defendants = _parties(ctx, subj)
            negation_ok = True
        elif legal_obj or (passive and subj is not None and _lemma(subj) in LEGAL_NOUNS):
            if lem in ("win", "lose") and not any(
                _lemma(o) in ("case", "lawsuit", "suit", "appeal", "trial", "injunction", "judgment", "verdict")
                for o in legal_obj
            ):
                return
            if lem == "grant" and not any(_lemma(o) == "injunction" for o in legal_obj):
                return
            if any(
                _lemma(o) in ("claim", "action", "charge", "case", "complaint", "appeal") for o in legal_obj
            ) and not _LEGAL_CONTEXT.search(low):
                return
            rule = "lawsuit.noun" if lem not in ("win", "lose") else "lawsuit.court"
            for a in _deep_preps(trig, "against"):
                defendants += _parties(ctx, a)
            if lem in ("file", "bring", "launch", "lodge", "take", "seek", "obtain", "win"):
                if passive:
                    agent = _agent(trig)
                    plaintiffs = _parties(ctx, agent) if agent is not None else []
                else:
                    plaintiffs = _parties(ctx, subj)
            elif lem in ("face", "hit", "lose", "settle"):
                defendants = _parties(ctx, subj) + defendants
            elif lem == "grant":
                for o in objs:
                    if _lemma(o) != "injunction":
                        plaintiffs += _parties(ctx, o)
                defendants += [k for o in legal_obj for p in _deep_preps(o, "against") for k in _parties(ctx, p)]
        else:
            return
    elif (
        trig.pos_ == "NOUN"
        and lem in ("charge", "trial")
        and trig.dep_ == "pobj"
        and trig.head.lower_ == "on"
        and (lem == "trial" or _preps(trig, "of"))
    ):
        # "Mr K is in jail on charges of fraud", "is on trial for tax evasion": the clause's subject
        gov = _governing_verb(trig)
        if gov is None:
            return
        rule = "lawsuit.charge"
        defendants = _parties(ctx, _subject(gov)[0], anaphor=False)
    elif trig.pos_ in ("NOUN", "PROPN") and lem in (
        "lawsuit",
        "suit",
        "injunction",
        "litigation",
        "countersuit",
        "indictment",
    ):
        if lem == "suit" and not _LEGAL_CONTEXT.search(low.replace("suit", "", 1)) and "against" not in low:
            return
        gov = trig.head
        if trig.dep_ in ("dobj",) and _lemma(gov) in (
            "file",
            "bring",
            "launch",
            "lodge",
            "win",
            "seek",
            "obtain",
            "face",
            "settle",
            "lose",
            "grant",
        ):
            return  # the verb rule reads this one
        if trig.dep_ == "pobj" and gov.lower_ == "with" and _lemma(gov.head) in ("hit", "slap", "serve"):
            return
        rule = "lawsuit.noun"
        for a in _preps(trig, "against"):
            defendants += _parties(ctx, a)
        for a in _preps(trig, "by", "from"):
            plaintiffs += _parties(ctx, a)
        poss = _children(trig, "poss")
        if poss:
            plaintiffs += _parties(ctx, poss[0])
    elif trig.pos_ == "NOUN" and lem in _CASE_NOUNS:
        # "a case against X", "legal action against X brought by Y"
        against = _preps(trig, "against")
        if not against or not _LEGAL_CONTEXT.search(low):
            return
        gov = trig.head
        if trig.dep_ == "dobj" and _lemma(gov) in ("file", "bring", "launch", "lodge", "win", "lose", "settle"):
            return  # the verb rule reads this one
        rule = "lawsuit.noun"
        for a in against:
            defendants += _parties(ctx, a)
        for a in _preps(trig, "by", "from"):
            plaintiffs += _parties(ctx, a)
        if not defendants:
            return
    else:
        return
    if not negation_ok and _is_negated(chain, sent) and lem != "lose":
        return
    defendants = [d for d in defendants if d not in plaintiffs]
    roles = {"plaintiff": plaintiffs, "defendant": defendants, "jurisdiction": _jurisdiction(ctx, trig, sent)}
    _add(cands, ctx, EventType.LAWSUIT, roles, trig, chain, sent, si, rule)
    kw = subject_keyword(sent.text)
    if kw:
        cands[-1].roles["subject"] = [kw]


_BUILD_NOUNS = {
    "construction",
    "opening",
    "launch",
    "development",
    "expansion",
    "investment",
    "plan",
    "project",
    "closure",
    "building",
    "move",
    "migration",
    "relocation",
    "consolidation",
    "acquisition",
    "purchase",
    "groundbreaking",
    "unveiling",
    "announcement",
    "spending",
}


def _rule_data_center_move(ctx: _Context, trig: Token, sent: Span, si: int, cands: list[_Cand]) -> None:
    """Moving data, workloads, servers, IT operations to another place, data centre or provider."""
    lem = _lemma(trig)
    chain = _clause_chain(trig)
    objs = _objects(trig)
    subj, passive = _subject(trig)
    things = objs + ([subj] if passive and subj is not None else [])
    data_obj = [
        o
        for o in things
        if _lemma(o) in DATA_NOUNS
        or _is_dc_noun(o)
        or any(_lemma(c) in DATA_NOUNS for c in o.children if c.dep_ in ("compound", "amod"))
    ]
    to_toks = [t for p in _preps(trig, "to", "into", "onto", "toward", "towards") for t in p.subtree]
    from_toks = [t for p in _preps(trig, "from", "outside", "out") for t in p.subtree]
    dc_in_preps = any(_is_dc_noun(t) or _lemma(t) in ("cloud", "server") for t in to_toks + from_toks)
    providers: list[str] = []
    rule = "data_center.move"
    if lem in ("outsource", "hand", "contract"):
        if not (
            data_obj
            or any(
                _lemma(t) in ("it", "technology", "computing", "datacenter", "operation", "infrastructure")
                for t in sent
            )
        ):
            return
        rule = "data_center.outsource"
        providers = ctx.firms(t for p in _preps(trig, "to", "with") for t in p.subtree)
        if not providers and trig.dep_ in ("acl", "relcl", "xcomp"):
            # "signed a deal with IBM to outsource its IT"
            providers = ctx.firms(t for p in _preps(trig.head, "to", "with") for t in p.subtree)
        if not providers:
            return
    else:
        # without data or a data centre in sight: "migrated to AWS", a firm reached by "to" in a
        # sentence about clouds or servers
        if (
            not data_obj
            and not dc_in_preps
            and not (
                lem in ("move", "migrate", "shift", "switch", "transition")
                and ctx.firms(to_toks)
                and any(_lemma(t) in ("cloud", "server", "data") or _is_dc_noun(t) for t in sent)
            )
        ):
            return
        if lem in ("store", "host", "house", "keep", "send", "bring") and not (to_toks or from_toks):
            return
        providers = ctx.firms(to_toks) + ctx.firms(t for p in _preps(trig, "on", "with") for t in p.subtree)
    to = ctx.places(to_toks) + ctx.places(t for p in _preps(trig, "in") for t in p.subtree)
    frm = ctx.places(from_toks)
    for o in data_obj:
        frm += ctx.places(t for p in _preps(o, "from", "outside", "in") for t in p.subtree)
        to += ctx.places(t for p in _preps(o, "to") for t in p.subtree)
    if passive:
        agent = _agent(trig)
        firms = ctx.resolve(agent, {Kind.FIRM}) if agent is not None else []
    else:
        firms = ctx.resolve(subj, {Kind.FIRM}, persons_as_firms=True)
    if not firms or _is_negated(chain, sent):
        return
    firm = firms[0]
    providers = [p for p in providers if p != firm]
    _add(
        cands,
        ctx,
        EventType.DATA_CENTER_MOVE,
        {"firm": [firm], "to": to, "from": [f for f in frm if f not in to], "provider": providers[:1]},
        trig,
        chain,
        sent,
        si,
        rule,
    )


def _rule_data_center_build(ctx: _Context, dc: Token, sent: Span, si: int, cands: list[_Cand]) -> None:
    """Opening, building, closing a data centre or a cloud region: read from the data-centre
    noun up to the verb or noun that governs it."""
    trig = None
    cur = dc
    for _ in range(5):
        if cur.head is cur:
            break
        cur = cur.head
        if cur.pos_ == "VERB" and _lemma(cur) in BUILD_VERBS:
            trig = cur
            break
        if cur.pos_ == "NOUN" and _lemma(cur) in _BUILD_NOUNS:
            trig = cur
            break
        if (
            cur.pos_ == "VERB"
            and _lemma(cur) not in ("be", "have", "include", "say", "call", "name", "dub", "bill")
            and cur.dep_ not in ("xcomp", "advcl", "pcomp", "acl")
        ):
            break
    if trig is None:
        # "a new data centre will open in X", "the data center opened": the noun is the subject
        if dc.dep_ in ("nsubj", "nsubjpass") and _lemma(dc.head) in (
            "open",
            "go",
            "come",
            "begin",
            "start",
            "close",
            "be",
        ):
            trig = dc.head
            if _lemma(trig) == "be" and not any(
                _lemma(c) in ("operational", "online", "live", "open") for c in trig.children
            ):
                return
        else:
            return
    if (
        trig.pos_ == "VERB"
        and _lemma(trig) in ("host", "run", "operate", "power", "own", "use", "have")
        and not any(c.lower_ in ("new", "first") for c in dc.children)
    ):
        return
    chain = _clause_chain(trig)
    to = ctx.places(t for p in _preps(dc, "in", "at", "near", "outside", "on") for t in p.subtree)
    to += [k for k in ctx.np_keys(dc) if k.startswith("place/")]
    to += ctx.places(t for p in _preps(trig, "in", "at", "near", "to") for t in p.subtree)
    providers = [k for k in ctx.np_keys(dc) if ctx.kind(k) is Kind.FIRM]
    firms: list[str] = []
    if trig.pos_ == "VERB":
        subj, passive = _subject(trig)
        if passive:
            agent = _agent(trig)
            firms = ctx.resolve(agent, {Kind.FIRM}) if agent is not None else []
        elif subj is not None and subj.i != dc.i:
            if _lemma(subj) in _BUILD_NOUNS:
                subj = _noun_owner(subj) or subj
            firms = ctx.resolve(subj, {Kind.FIRM}, persons_as_firms=True)
    else:
        owner = _noun_owner(trig)
        firms = ctx.resolve(owner, {Kind.FIRM}, persons_as_firms=True) if owner is not None else []
    if not firms:
        firms = [k for k in ctx.np_keys(dc) if ctx.kind(k) is Kind.FIRM and any(c.dep_ == "poss" for c in dc.children)]
    if not firms and (dc.dep_ in ("nsubj", "nsubjpass") or _has_anaphor(sent)):
        k = ctx.salient(dc.i)
        firms = [k] if k else []
    if not firms or _is_negated(chain, sent):
        return
    providers = [p for p in providers if p != firms[0]]
    _add(
        cands,
        ctx,
        EventType.DATA_CENTER_MOVE,
        {"firm": firms[:1], "to": to, "provider": providers[:1]},
        trig,
        chain,
        sent,
        si,
        "data_center.build",
    )


def _has_anaphor(sent: Span) -> bool:
    """Does the sentence speak of "the company", "the bank", "it" ...?"""
    for t in sent:
        if t.lower_ in ("it", "its") and t.dep_ in ("nsubj", "poss", "nsubjpass"):
            return True
        if t.lemma_.lower() in COMPANY_NOUNS and any(c.lower_ in ("the", "its") for c in t.children):
            return True
    return False


def _rule_previous_location(ctx: _Context, sent: Span, si: int, cands: list[_Cand]) -> None:
    """ "Previously ... were served from a data centre in X": a `from` for the last move."""
    low = sent.text.lower()
    if not re.search(r"\b(previously|formerly|used to|until now|had been)\b", low):
        return
    if not any(_is_dc_noun(t) or t.lower_ in ("servers", "server") for t in sent):
        return
    places = ctx.places(sent)
    moves = [c for c in cands if c.type is EventType.DATA_CENTER_MOVE and c.sent >= si - 2]
    if moves and places:
        frm = moves[-1].roles.setdefault("from", [])
        frm += [p for p in places if p not in moves[-1].roles.get("to", []) and p not in frm]
        moves[-1].evidence.append(sent.text.strip())


_UNIT_NOUNS = (
    "stake",
    "share",
    "holding",
    "control",
    "interest",
    "majority",
    "part",
    "portion",
    "percent",
    "%",
    "unit",
    "business",
    "division",
    "operation",
    "asset",
    "arm",
    "subsidiary",
    "property",
    "rest",
    "remainder",
    "chunk",
    "bulk",
)
_ACTOR = {Kind.FIRM, Kind.PERSON}


_UNIT_REFS = ("unit", "subsidiary", "division", "business", "arm", "operation", "affiliate")


def _unit_referent(ctx: _Context, np: Token) -> list[str]:
    """ "the unit", "the former Yukos subsidiary", "its key production unit": the firm such a
    unit was last named as in the two sentences before (not its owner)."""
    if _lemma(np) not in _UNIT_REFS or any(c.dep_ == "poss" for c in np.children):
        return []  # "Nokia's handset business" is bought from Nokia: the owner is the target
    owners = set(ctx.np_keys(np))
    if not (owners or any(c.lower_ in ("the", "its", "this", "that") for c in np.children)):
        return []
    si = ctx.sent_of.get(np.i, 0)
    recent = [
        k
        for i, k in ctx.ents.firm_positions
        if i < np.sent.start and ctx.sent_of.get(i, 0) >= si - 2 and k not in owners
    ]
    return recent[-1:]


def _targets_in(ctx: _Context, np: Token) -> list[str]:
    """Firms an object NP names as what is bought: the NP itself, a unit named before ("the
    unit"), or the firm a stake, unit or business "in"/"of" which is bought."""
    named = [c for c in np.children if c.dep_ in ("appos", "compound") and ctx.ents.token_keys.get(c.i)]
    unit = _unit_referent(ctx, np) if not any(c.dep_ == "appos" for c in named) else []
    if unit:
        return unit
    head_keys = [k for k in ctx.np_keys(np) if ctx.kind(k) is Kind.FIRM]
    poss = {ctx.ents.token_keys.get(c.i) for c in np.subtree if c.dep_ == "poss"}
    out = [k for k in head_keys if k not in poss] or head_keys
    if _lemma(np) in _UNIT_NOUNS or not out:
        for p in _preps(np, "in", "of"):
            out += [k for k in ctx.np_keys(p) if ctx.kind(k) is Kind.FIRM]
            if _lemma(p) in _UNIT_NOUNS:
                for q in _preps(p, "in", "of"):
                    out += [k for k in ctx.np_keys(q) if ctx.kind(k) is Kind.FIRM]
    return list(dict.fromkeys(out))


def _rule_acquisition(ctx: _Context, trig: Token, sent: Span, si: int, cands: list[_Cand]) -> None:
    lem = _lemma(trig)
    chain = _clause_chain(trig)
    acquirers: list[str] = []
    targets: list[str] = []
    rule = "acquisition.verb"
    subj, passive = _subject(trig)
    if trig.pos_ == "VERB":
        objs = _objects(trig)
        if lem == "take":
            if any(c.lower_ == "over" and c.dep_ in ("prt", "advmod", "prep") for c in trig.children):
                pass
            elif any(_lemma(o) in ("stake", "control", "share", "holding") for o in objs):
                rule = "acquisition.stake"
            else:
                return
        if lem in ("snap", "pick", "gobble") and not any(c.lower_ == "up" for c in trig.children):
            return
        if lem == "pay":
            objs = _preps(trig, "for")
            if not objs:
                return
        if lem == "bid":
            objs = objs + _preps(trig, "for")
        if lem == "merge":
            if passive:
                return
            partners = []
            for p in _preps(trig, "with"):
                partners += ctx.resolve(p, {Kind.FIRM}, allow_anaphor=False)
            acquirers = ctx.resolve(subj, {Kind.FIRM})
            if len(acquirers) > 1 and not partners:
                partners, acquirers = acquirers[1:], acquirers[:1]
            targets = partners
        elif lem == "own":
            return
        else:
            rel = [o for o in objs if o.lower_ in ("which", "that", "whom")]
            if trig.dep_ == "relcl" and not passive and lem != "bid" and (rel or not objs):
                # "InterTAN, the Canadian retailer it acquired", "EDS, which HP bought": the head
                head = trig.head
                named = head.dep_ != "appos" or _targets_in(ctx, head)
                objs = [o for o in objs if o not in rel] + [head if named else head.head]
            for o in objs:
                tg = _targets_in(ctx, o)
                if tg and _lemma(o) in ("stake", "share", "holding", "interest", "percent", "%", "majority"):
                    rule = "acquisition.stake"
                targets += tg
            if rule == "acquisition.stake" or any(_lemma(o) in ("stake", "share") for o in objs):
                targets += [k for p in _preps(trig, "in") for k in ctx.np_keys(p) if ctx.kind(k) is Kind.FIRM]
            if passive:
                targets = _targets_in(ctx, subj) if subj is not None else []
                if subj is not None and not targets:
                    targets = ctx.resolve(subj, {Kind.FIRM})
                agent = _agent(trig)
                acquirers = ctx.resolve(agent, _ACTOR) if agent is not None else []
                if not acquirers and trig.dep_ == "acl":
                    # "US wine maker Robert Mondavi, bought last month": the story's buyer
                    k = ctx.salient(trig.i)
                    acquirers = [k] if k else []
            else:
                acquirers = ctx.resolve(subj, _ACTOR)
    else:
        if lem in ("talk", "negotiation"):
            # "merger talks with X"
            if not any(
                _lemma(c) in ("merger", "takeover", "acquisition", "buyout")
                for c in trig.children
                if c.dep_ in ("compound", "amod", "nmod")
            ):
                return
            rule = "acquisition.noun"
            for p in _preps(trig, "with"):
                targets += ctx.resolve(p, {Kind.FIRM}, allow_anaphor=False)
            owner = _noun_owner(trig)
            acquirers = ctx.resolve(owner, _ACTOR) if owner is not None else []
        else:
            if lem == "sale" and _preps(trig, "to") and _preps(trig, "of"):
                # "the sale of X to Y"
                acquirers = [k for p in _preps(trig, "to") for k in ctx.resolve(p, _ACTOR, allow_anaphor=False)]
                targets = [k for p in _preps(trig, "of") for k in _targets_in(ctx, p)]
                acquirers = [a for a in acquirers if a not in targets]
                if acquirers and targets and not _is_negated(chain, sent):
                    roles = {"acquirer": acquirers[:1], "target": targets[:1]}
                    _add(cands, ctx, EventType.ACQUISITION, roles, trig, chain, sent, si, "acquisition.sell")
                return
            if lem in ("deal", "offer", "sale", "combination") and (lem != "offer" or not _preps(trig, "for")):
                return
            rule = "acquisition.noun"
            for p in _preps(trig, "of", "for", "in"):
                targets += _targets_in(ctx, p)
            if lem in ("merger", "tie-up", "combination"):
                for p in _preps(trig, "with", "between"):
                    targets += ctx.resolve(p, {Kind.FIRM}, allow_anaphor=False)
            owner = _noun_owner(trig)
            if owner is not None:
                acquirers = ctx.resolve(owner, _ACTOR)
            for p in _preps(trig, "by", "from"):
                acquirers += ctx.resolve(p, _ACTOR, allow_anaphor=False)
            if lem in ("merger", "tie-up", "combination") and not acquirers and len(targets) > 1:
                acquirers, targets = targets[:1], targets[1:]
            comp = [c for c in trig.children if c.dep_ in ("compound", "nmod")]
            if lem in ("merger", "tie-up", "combination") and not acquirers and not targets:
                # "the Pollux and Vardan merger", "the Pollux-Vardan tie-up": the first named first
                named = [ctx.ents.token_keys.get(t.i) for c in comp for t in c.subtree]
                pair = list(dict.fromkeys(k for k in named if k and ctx.kind(k) is Kind.FIRM))
                if len(pair) >= 2:
                    acquirers, targets = pair[:1], pair[1:2]
            if comp and not targets:
                targets = [k for c in comp for k in ctx.np_keys(c) if ctx.kind(k) is Kind.FIRM]
    acquirers = [a for a in acquirers if a not in targets]
    targets = [t for t in targets if ctx.kind(t) is Kind.FIRM]
    if not acquirers or not targets or _is_negated(chain, sent):
        return
    roles = {"acquirer": acquirers[:2], "target": targets[:2]}
    value = _money(ctx, trig, sent)
    if value:
        roles["value"] = [value]
    _add(cands, ctx, EventType.ACQUISITION, roles, trig, chain, sent, si, rule)


def _rule_sell(ctx: _Context, trig: Token, sent: Span, si: int, cands: list[_Cand]) -> None:
    """ "X sells its unit Y to Z": an acquisition of Y by Z; "X sells its handset business to
    Z": of X by Z."""
    chain = _clause_chain(trig)
    buyers = []
    for p in _preps(trig, "to"):
        buyers += ctx.resolve(p, _ACTOR, allow_anaphor=False)
    if not buyers:
        return
    targets = []
    objs = _objects(trig)
    subj, passive = _subject(trig)
    if passive and subj is not None:
        objs = [subj]
    for o in objs:
        targets += _targets_in(ctx, o)
    if not targets and any(_lemma(o) in _UNIT_NOUNS for o in objs) and not passive:
        targets = ctx.resolve(subj, {Kind.FIRM})
    targets = [t for t in targets if t not in buyers and ctx.kind(t) is Kind.FIRM]
    if not targets or _is_negated(chain, sent):
        return
    roles = {"acquirer": buyers[:1], "target": targets[:1]}
    value = _money(ctx, trig, sent)
    if value:
        roles["value"] = [value]
    _add(cands, ctx, EventType.ACQUISITION, roles, trig, chain, sent, si, "acquisition.sell")


def _money(ctx: _Context, trig: Token, sent: Span) -> str | None:
    money = [e for e in ctx.sent_ents(sent) if e.label_ == "MONEY"]
    if not money:
        return None
    sub = {t.i for t in trig.subtree}
    money.sort(key=lambda e: (e.start not in sub, abs(e.start - trig.i)))
    return money[0].text


# ---------------------------------------------------------------------------------------------
# merging

_REQUIRED = {
    EventType.MARKET_ENTRY: ("firm", "market"),
    EventType.PRODUCT_LAUNCH: ("firm", "product"),
    EventType.LAWSUIT: ("defendant",),
    EventType.DATA_CENTER_MOVE: ("firm",),
    EventType.ACQUISITION: ("acquirer", "target"),
}
_STATUS_RANK = {Status.COMPLETED: 5, Status.FAILED: 4, Status.ANNOUNCED: 3, Status.PLANNED: 2, Status.RUMOURED: 1}


def _same(a: _Cand, b: _Cand) -> bool:
    if a.type is not b.type:
        return False

    def s(c: _Cand, r: str) -> set[str]:
        return set(c.roles.get(r, []))

    if a.type is EventType.ACQUISITION:
        # the same deal seen from either side ("A merges with B" / "B merges with A")
        return bool(s(a, "target") & s(b, "target") and s(a, "acquirer") & s(b, "acquirer")) or bool(
            s(a, "target") & s(b, "acquirer") and s(a, "acquirer") & s(b, "target")
        )
    if a.type is EventType.DATA_CENTER_MOVE:
        # one firm's data-centre plans in one article are one story, unless two providers differ
        # or they happen in different years
        if not s(a, "firm") & s(b, "firm"):
            return False
        if a.date and b.date and a.date[:4] != b.date[:4]:
            return False
        return not s(a, "provider") or not s(b, "provider") or bool(s(a, "provider") & s(b, "provider"))
    if a.type is EventType.LAWSUIT:
        da, db, pa, pb = s(a, "defendant"), s(b, "defendant"), s(a, "plaintiff"), s(b, "plaintiff")
        # a criminal charge and a firm's own action against the same defendant are two cases
        for x, y, py in ((a, b, pb), (b, a, pa)):
            if x.rule == "lawsuit.charge" and y.rule != "lawsuit.charge" and any(k.startswith("firm/") for k in py):
                return False
        if da and db and not da & db:
            return False
        if pa and pb and not pa & pb:
            return False
        return bool(da & db) or (not da or not db)
    if a.type is EventType.MARKET_ENTRY:
        return bool(s(a, "firm") & s(b, "firm") and s(a, "market") & s(b, "market"))
    return bool(s(a, "firm") & s(b, "firm") and s(a, "product") & s(b, "product"))


def _merge(cands: list[_Cand]) -> list[_Cand]:
    out: list[_Cand] = []
    for c in cands:
        for m in out:
            if _same(m, c):
                crossed = c.type is EventType.ACQUISITION and not (
                    set(m.roles.get("acquirer", [])) & set(c.roles.get("acquirer", []))
                )
                for r, vs in ({} if crossed else c.roles).items():
                    cur = m.roles.setdefault(r, [])
                    if r in LITERAL_ROLES:
                        if not cur:
                            cur.extend(vs)
                        continue
                    cur.extend(v for v in vs if v not in cur)
                for e in c.evidence:
                    if e not in m.evidence:
                        m.evidence.append(e)
                m.confidence = min(0.95, max(m.confidence, c.confidence) + 0.05)
                if m.date is None:
                    m.date = c.date
                break
        else:
            out.append(c)
    return out


def _attach_orphans(cands: list[_Cand]) -> list[_Cand]:
    """A lawsuit mention with no defendant ("the suit has resulted in ...") supports the last
    lawsuit before it; alone it is no event."""
    out: list[_Cand] = []
    suits = [c for c in cands if c.type is EventType.LAWSUIT and c.roles.get("defendant")]
    for c in cands:
        if c.type is EventType.LAWSUIT and not c.roles.get("defendant"):
            prev = [o for o in out if o.type is EventType.LAWSUIT and o.roles.get("defendant") and c.sent - o.sent <= 3]
            if prev:
                p = prev[-1]
                for r in ("plaintiff", "jurisdiction", "subject"):
                    if c.roles.get(r) and not p.roles.get(r):
                        p.roles[r] = c.roles[r]
                p.evidence.extend(e for e in c.evidence if e not in p.evidence)
                continue
            if not any(0 < o.sent - c.sent <= 3 for o in suits):
                continue  # no lawsuit near it to support: it would join an unrelated one
        out.append(c)
    return out


# ---------------------------------------------------------------------------------------------

_LAWSUIT_TRIGGERS = {
    "trial",
    "sue",
    "countersue",
    "charge",
    "indict",
    "convict",
    "acquit",
    "prosecute",
    "file",
    "bring",
    "lodge",
    "win",
    "lose",
    "settle",
    "take",
    "face",
    "hit",
    "slap",
    "seek",
    "obtain",
    "rule",
    "order",
    "lawsuit",
    "suit",
    "injunction",
    "litigation",
    "countersuit",
    "launch",
    "deny",
    "plead",
    "serve",
    "grant",
    "indictment",
    "try",
    "find",
    "fine",
    "case",
    "action",
    "complaint",
    "proceeding",
    "proceedings",
}
#: Legal nouns that name a court case only with "against <party>" and legal words around.
_CASE_NOUNS = ("case", "action", "complaint", "proceeding", "proceedings")
_COURT_AGENTS = ("court", "judge", "jury", "tribunal", "magistrate", "arbitrator", "panel")
_LAUNCH_NOUNS = {"launch", "release", "debut", "unveiling", "introduction", "rollout", "roll-out"}


def extract_events(doc: Doc, ents: DocEntities, published: date | None = None) -> list[Event]:
    """Read events from a parsed doc whose entities `ents` are resolved.

    Every entity key an event uses is added to `ents.entities` when it was only in reserve.
    """
    ctx = _Context(doc, ents, published)
    cands: list[_Cand] = []
    for si, sent in enumerate(ctx.sents):
        for t in sent:
            lem = _lemma(t)
            if t.pos_ not in ("VERB", "NOUN", "PROPN"):
                continue
            if (
                lem in ENTRY_VERBS
                or lem in _ENTRY_NOUNS
                or (lem in ("eye", "target", "look", "court") and t.pos_ == "VERB")
            ):
                _rule_market_entry(ctx, t, sent, si, cands)
            if lem in LAUNCH_VERBS | {"extend", "expand", "go"} or lem in _LAUNCH_NOUNS:
                _rule_product_launch(ctx, t, sent, si, cands)
            if lem in _LAWSUIT_TRIGGERS:
                _rule_lawsuit(ctx, t, sent, si, cands)
            if t.pos_ == "VERB" and lem in MOVE_VERBS | {"outsource", "hand", "contract"}:
                _rule_data_center_move(ctx, t, sent, si, cands)
            cloud_region = (
                ctx.has_cloud
                and t.lower_ in ("region", "regions")
                and any(
                    c.lower_ in ("its", "new", "first", "second", "third", "cloud", "own") or c.pos_ == "PROPN"
                    for c in t.children
                )
            )
            if (
                _is_dc_noun(t) and (t.lower_ not in ("region", "regions", "zone", "zones") or ctx.has_cloud)
            ) or cloud_region:
                _rule_data_center_build(ctx, t, sent, si, cands)
            if lem in ACQ_VERBS | {"pay"} or lem in ACQ_NOUNS | {"talk", "negotiation"}:
                _rule_acquisition(ctx, t, sent, si, cands)
            if lem in ("sell", "divest", "offload") and t.pos_ == "VERB":
                _rule_sell(ctx, t, sent, si, cands)
        _rule_previous_location(ctx, sent, si, cands)
    cands = _attach_orphans(cands)
    merged = _merge(cands)
    events: list[Event] = []
    for c in merged:
        if not all(c.roles.get(r) for r in _REQUIRED[c.type]):
            continue
        roles: list[tuple[str, str]] = []
        for r, vs in c.roles.items():
            for v in vs:
                if r not in LITERAL_ROLES:
                    ents.use(v)
                    if v not in ents.entities:
                        continue
                roles.append((r, v))
        events.append(
            Event(
                type=c.type,
                roles=tuple(roles),
                status=c.status,
                date=c.date,
                evidence=tuple(c.evidence),
                confidence=round(c.confidence, 2),
                rule=c.rule,
            )
        )
    return events
