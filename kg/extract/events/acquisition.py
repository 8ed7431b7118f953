"""Acquisition: a firm buys, bids for or merges with another firm or a stake in it; a firm sells a
unit to a named buyer."""

from __future__ import annotations

from spacy.tokens import Span, Token

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


#: What a buyer pays for that is a property, not a firm ("the Sears building", "its Dublin campus").
_PROPERTY_NOUNS = frozenset(
    {"building", "headquarters", "hq", "campus", "site", "plant", "factory", "office", "tower", "property",
     "land", "estate", "premises", "warehouse", "stadium", "mall", "hotel"}
)  # fmt: skip
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
    if _lemma(np) in _PROPERTY_NOUNS:
        return []  # "paid $123 million for Oakland's historic Sears building": a property, not the firm
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
            if passive or objs:
                return  # "GE bought Vivendi, merging it with NBC": a merger of two of its parts
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
                named = [k for c in comp for t in c.subtree if (k := ctx.ents.token_keys.get(t.i))]
                pair = list(dict.fromkeys(k for k in named if ctx.kind(k) is Kind.FIRM))
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
