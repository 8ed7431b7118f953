"""Event rules per type over the dependency parse; status and date cues; evidence sentences.

Each rule looks at a trigger (a verb lemma, or a noun such as "lawsuit" or "data centre"), reads
its arguments from the parse (subject, object, passive agent, prepositional attachments,
possessives), maps them to entity keys through the doc's resolved mentions, and proposes an
event. Candidates of one type that share their key roles are merged, so that one real-world
happening gives one event per article.

Confidence per rule: the rule's precision on the dev gold (83 articles), measured again after
the last rule change (issue #4) with ``benchmarks/rule_precision.py``, smoothed as
(hits + 1) / (events + 2) so that a rule seldom seen stays near 0.5. "dev" counts the rule's
events that matched a gold event / all its events that the gold does not mark optional; small
counts make these rough:

==========================  =====  ======  ====================================================
rule                        conf.  dev     reads
==========================  =====  ======  ====================================================
market_entry.verb           0.78   6/7     enter/expand into/launch in/start selling in <place>
market_entry.open           0.67   1/1     open (first) store/office/branch in <place>
market_entry.noun           0.33   0/1     "entry into", "expansion into", "move on/into" <place>
market_entry.aim            0.75   2/2     eye/target <place>, look to <place> markets (planned)
product_launch.verb         0.69   10/14   launch/unveil/release/introduce/roll out <product>
product_launch.noun         0.50   0/0     "the launch/release/debut of <product>"
lawsuit.sue                 0.80   3/3     sue / be sued by / countersue
lawsuit.charge              0.80   3/3     charged/indicted/convicted; denies/faces charges
lawsuit.noun                0.88   6/6     file/bring a lawsuit, suit, injunction; hit with a suit
lawsuit.court               0.75   2/2     win/lose a case, take to court, court ruled against
data_center.move            0.86   5/5     move/migrate/shift data, workloads, servers, IT to ...
data_center.build           0.86   18/20   open/build/close/expand a data centre, cloud region
data_center.outsource       0.67   1/1     outsource IT/data-centre operations to <firm>
acquisition.verb            0.83   14/16   buy/acquire/purchase/take over/merge with/pay for
acquisition.noun            0.75   5/6     acquisition/takeover/purchase/bid/merger of/for <firm>
acquisition.stake           0.86   5/5     buy/take a stake in <firm>
acquisition.sell            0.83   4/4     sell <unit> to <firm>
==========================  =====  ======  ====================================================

Merged events keep the highest confidence of their parts, raised a little for each further
sentence that supports them.
"""

from __future__ import annotations

from datetime import date

from spacy.tokens import Doc

from kg.extract.entities import DocEntities
from kg.extract.events._base import (
    ACQ_NOUNS,
    ACQ_VERBS,
    CONFIDENCE,
    ENTRY_VERBS,
    LAUNCH_VERBS,
    MOVE_VERBS,
    _Cand,
    _Context,
    _lemma,
    status_of,
    subject_keyword,
)
from kg.extract.events.acquisition import _rule_acquisition, _rule_sell
from kg.extract.events.data_center import (
    _is_dc_noun,
    _rule_data_center_build,
    _rule_data_center_move,
    _rule_previous_location,
)
from kg.extract.events.lawsuit import _LAWSUIT_TRIGGERS, _rule_lawsuit
from kg.extract.events.market_entry import _AIM_VERBS, _ENTRY_NOUNS, _rule_market_entry
from kg.extract.events.merge import _REQUIRED, _attach_orphans, _merge
from kg.extract.events.product_launch import _LAUNCH_NOUNS, _rule_product_launch
from kg.model import LITERAL_ROLES, Event

__all__ = ["CONFIDENCE", "extract_events", "status_of", "subject_keyword"]


# the lemmas that call each rule, made once (the loop below looks at every token)
_ENTRY_TRIGGERS = frozenset(ENTRY_VERBS) | frozenset(_ENTRY_NOUNS)
_LAUNCH_TRIGGERS = frozenset(LAUNCH_VERBS) | {"extend", "expand", "go"} | frozenset(_LAUNCH_NOUNS)
_MOVE_TRIGGERS = frozenset(MOVE_VERBS) | {"outsource", "hand", "contract"}  # verbs only
_ACQ_TRIGGERS = frozenset(ACQ_VERBS) | {"pay"} | frozenset(ACQ_NOUNS) | {"talk", "negotiation"}


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
            if lem in _ENTRY_TRIGGERS or (lem in _AIM_VERBS and t.pos_ == "VERB"):
                _rule_market_entry(ctx, t, sent, si, cands)
            if lem in _LAUNCH_TRIGGERS:
                _rule_product_launch(ctx, t, sent, si, cands)
            if lem in _LAWSUIT_TRIGGERS:
                _rule_lawsuit(ctx, t, sent, si, cands)
            if t.pos_ == "VERB" and lem in _MOVE_TRIGGERS:
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
            if lem in _ACQ_TRIGGERS:
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
