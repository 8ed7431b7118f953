"""DataCenterMove: a firm moves data or IT to a place or provider, or opens, builds or closes a
data centre or cloud region."""

from __future__ import annotations

import re

from spacy.tokens import Span, Token

from kg.extract.entities import COMPANY_NOUNS
from kg.extract.events._base import (
    BUILD_VERBS,
    DATA_NOUNS,
    _add,
    _agent,
    _Cand,
    _clause_chain,
    _Context,
    _is_negated,
    _lemma,
    _noun_owner,
    _objects,
    _preps,
    _subject,
)
from kg.model import EventType, Kind

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
        if (_lemma(o) in DATA_NOUNS and not (o.lower_ == "it" and o.text != "IT"))  # "it" is no IT
        or _is_dc_noun(o)
        or any(_lemma(c) in DATA_NOUNS for c in o.children if c.dep_ in ("compound", "amod"))
    ]
    to_objs = _preps(trig, "to", "into", "onto", "toward", "towards")
    from_objs = _preps(trig, "from", "outside", "out")
    to_toks = [t for p in to_objs for t in p.subtree]
    from_toks = [t for p in from_objs for t in p.subtree]
    # the place moved to or from is a data centre or a cloud ("to the cloud", "into Azure data
    # centres", "from its own servers"), not a thing merely about them ("towards cloud-based services")
    dc_in_preps = any(
        _is_dc_noun(t) or _lemma(t) == "cloud" or (_lemma(t) == "server" and t.tag_ == "NNS")  # not "a proxy server"
        for p in to_objs + from_objs
        for t in (p, *(c for c in p.children if c.dep_ in ("compound", "amod", "nmod")))
    )
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
        if not providers and trig.dep_ in ("acl", "relcl", "xcomp", "advcl"):
            # "signed a deal with IBM to outsource its IT", "a deal with IBM to outsource ..."
            preps = [p for p in trig.head.children if p.dep_ == "prep" and p.lower_ in ("to", "with")]
            if trig.head.pos_ == "VERB":  # "a deal worth $775 million with IBM"
                preps += [p for o in _objects(trig.head) for p in o.subtree if p.dep_ == "prep" and p.lower_ == "with"]
            providers = ctx.firms(t for p in preps for t in p.subtree)
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
    if not (to or frm or providers or dc_in_preps) and not any(
        _is_dc_noun(t)
        or _lemma(t) in ("cloud", "datacenter", "datacentre")
        or (_lemma(t) == "server" and t.tag_ == "NNS")
        for t in sent
    ):
        return  # "bring networking to home offices": moved nowhere a data centre or cloud is named
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
        if cur.head.i == cur.i:
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
