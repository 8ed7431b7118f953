"""ProductLaunch: a firm launches, unveils, releases or starts selling a named product."""

from __future__ import annotations

from spacy.tokens import Span, Token

from kg.extract.entities import COMPANY_NOUNS
from kg.extract.events._base import (
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

#: Participles that make a name a part of what is launched ("Ryzen-based laptops").
_PART_OF = frozenset({"based", "powered", "equipped", "enabled", "driven", "compatible", "optimized", "optimised"})
_LAUNCH_NOUNS = {"launch", "release", "debut", "unveiling", "introduction", "rollout", "roll-out"}


def _products_in(ctx: _Context, np: Token) -> list[str]:
    """Products an object NP names: itself, "a version of X", "a service called X", "X, its new ..."."""
    parts = {
        k
        for t in np.subtree
        if t.dep_ == "amod" and t.lower_ in _PART_OF
        for x in t.subtree
        if (k := ctx.ents.token_keys.get(x.i))
    }
    out = [k for k in ctx.np_keys(np) if ctx.kind(k) is Kind.PRODUCT and k not in parts]
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


#: Verbs whose object "release" is a version someone uses, not a launch.
_USE_VERBS = frozenset(
    {"include", "support", "run", "use", "install", "download", "contain", "feature", "require", "bundle",
     "upgrade", "test", "get", "need", "patch"}
)  # fmt: skip


def _in_time_phrase(noun: Token) -> bool:
    """Is `noun` the object of "after", "before", "since", "following", "until" ...?"""
    return noun.dep_ == "pobj" and noun.head.lower_ in ("after", "before", "since", "following", "until", "ahead")


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
            # "the Lumen launched on Friday"; not "the iPhone maker" (a firm), nor the subject of
            # the clause a participle hangs on ("X, launched Thursday, the iPhone maker will ...")
            own = subj.head.i == trig.i and _lemma(subj) not in COMPANY_NOUNS
            sub_keys = [k for k in ctx.np_keys(subj) if ctx.kind(k) is Kind.PRODUCT] if own else []
            if sub_keys and lem in ("debut", "launch", "arrive", "go"):
                products += sub_keys
            firms = ctx.resolve(subj, {Kind.FIRM}, persons_as_firms=True)
        # "Microsoft's Xbox", "its Highlander"
        for o in objs:
            for t in o.subtree:
                if t.dep_ == "poss":
                    firms += ctx.resolve(t, {Kind.FIRM})
    else:
        if lem not in _LAUNCH_NOUNS:
            return
        if trig.dep_ == "dobj" and _lemma(trig.head) in _USE_VERBS:
            return  # "it now includes Microsoft's latest .NET 6 release": a version in use, no launch
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
        if owner is not None and owner.head.i != trig.i and _in_time_phrase(trig):
            owner = None  # "X stopped working after the release of Chrome 80": X did not release it
        firms = ctx.resolve(owner, {Kind.FIRM}, persons_as_firms=True) if owner is not None else []
    products = list(dict.fromkeys(products))
    if not products:
        return
    if not firms:
        # "The Lumen will go on sale in June": the firm that launched it earlier in the article
        firms = [
            k
            for c in cands
            if c.type is EventType.PRODUCT_LAUNCH and set(c.roles.get("product", [])) & set(products)
            for k in c.roles.get("firm", [])
        ][:1]
    if not firms:
        # "the Nintendo DS", "Google Pay": the firm whose whole name starts the product's name
        for pk in products:
            ent = ctx.ents.entities.get(pk)
            if ent is None:
                continue
            words = ent.name.split()
            firms += [
                k
                for k, e in ctx.ents.entities.items()
                if e.kind is Kind.FIRM
                and len(e.name.split()) < len(words)
                and words[: len(e.name.split())] == e.name.split()
            ]
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
