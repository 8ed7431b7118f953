"""Lawsuit: a firm or person sues, is sued, is charged, wins or loses a case in court."""

from __future__ import annotations

import re

from spacy.tokens import Span, Token

from kg.extract.events._base import (
    LEGAL_NOUNS,
    _add,
    _agent,
    _Cand,
    _children,
    _clause_chain,
    _Context,
    _deep_preps,
    _governing_verb,
    _is_negated,
    _lemma,
    _objects,
    _preps,
    _subject,
    subject_keyword,
)
from kg.model import EventType, Kind

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


#: Who decides a case rather than brings it.
_BENCH = frozenset({"judge", "justice", "court", "jury", "magistrate", "tribunal", "arbitrator"})


def _verb_parties(ctx: _Context, trig: Token, anaphor: bool = True) -> tuple[list[str], list[str]]:
    """Plaintiffs and defendants of "X sued Y" / "Y was sued by X" / "X charged Y".

    A past form with no object and no "against" is a headline's passive ("Halvard sued over
    logo", "Brask charged with fraud"): its subject is the defendant.
    """
    subj, passive = _subject(trig)
    objects = _objects(trig)
    if (
        not passive
        and not objects
        and trig.tag_ in ("VBD", "VBN")
        and not _preps(trig, "against")
        and not any(c.dep_ in ("aux", "auxpass", "xcomp", "advcl") for c in trig.children)
    ):
        passive = True  # not "they have sued", "they sued to reverse it": active, object left out
    if passive:
        agent = _agent(trig)
        if agent is not None and any(_lemma(t) in _BENCH for t in agent.subtree):
            agent = None  # "sentenced by U.S. District Judge Richard Jones": the bench, not a party
        return (_parties(ctx, agent) if agent is not None else []), _parties(ctx, subj)
    plaintiffs = _parties(ctx, subj, anaphor=anaphor)
    return plaintiffs, [k for o in objects for k in _parties(ctx, o)]


def _rule_lawsuit(ctx: _Context, trig: Token, sent: Span, si: int, cands: list[_Cand]) -> None:
    lem = _lemma(trig)
    chain = _clause_chain(trig)
    plaintiffs: list[str] = []
    defendants: list[str] = []
    rule = "lawsuit.sue"
    low = sent.text.lower()
    negation_ok = False
    if trig.pos_ == "VERB" and lem in ("sue", "countersue"):
        plaintiffs, defendants = _verb_parties(ctx, trig)
    elif trig.pos_ == "VERB" and lem in _CHARGE_VERBS:
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
        plaintiffs, defendants = _verb_parties(ctx, trig, anaphor=False)
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
    elif trig.pos_ == "VERB" and lem in _FILING_VERBS:
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


#: Verbs that name a court case through their object or subject ("file a lawsuit", "face charges").
_FILING_VERBS = frozenset(
    {"file", "bring", "launch", "lodge", "win", "lose", "settle", "take", "face", "hit", "slap", "seek",
     "obtain", "rule", "order", "deny", "plead", "serve", "grant"}
)  # fmt: skip
#: Verbs that charge, try or sentence someone.
_CHARGE_VERBS = frozenset({"charge", "indict", "convict", "acquit", "prosecute", "sentence", "jail", "try"})
_LAWSUIT_TRIGGERS = (
    _FILING_VERBS
    | _CHARGE_VERBS
    | {"sue", "countersue", "find", "fine", "trial", "lawsuit", "suit", "injunction", "litigation", "countersuit"}
    | {"indictment", "case", "action", "complaint", "proceeding", "proceedings"}
)
_CASE_NOUNS = ("case", "action", "complaint", "proceeding", "proceedings")
_COURT_AGENTS = ("court", "judge", "jury", "tribunal", "magistrate", "arbitrator", "panel")
