"""MarketEntry: a firm starts selling or operating in a place (enter, expand into, open its
first store in, launch in, eye a market)."""

from __future__ import annotations

from spacy.tokens import Span, Token

from kg.extract.events._base import (
    ENTRY_OBJECTS,
    _add,
    _agent,
    _Cand,
    _clause_chain,
    _Context,
    _governing_verb,
    _is_negated,
    _lemma,
    _noun_owner,
    _objects,
    _preps,
    _subject,
)
from kg.model import EventType, Kind, Status

#: Verbs that aim a firm at a market: "is eyeing Denmark", "looking to the US market".
_AIM_VERBS = frozenset({"eye", "target", "look", "court"})
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
        elif lem in _AIM_VERBS:
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
