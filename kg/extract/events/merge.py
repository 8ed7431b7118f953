"""One event per real-world happening: candidates of one type that share their key roles merge."""

from __future__ import annotations

from kg.extract.events._base import _Cand
from kg.model import LITERAL_ROLES, EventType, Status

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
        # or one was done in an earlier year
        if not s(a, "firm") & s(b, "firm"):
            return False
        if a.date and b.date and a.date[:4] != b.date[:4]:
            # a region opened in 2014 is not the one launched in 2021; a plan announced this year
            # to open next year is one happening
            early = a if a.date < b.date else b
            if early.status is Status.COMPLETED:
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
        # "enter Japan" and "open its first store in Tokyo": one entry into one country
        same_market = s(a, "market") & s(b, "market") or s(a, "market") & b.within or s(b, "market") & a.within
        return bool(s(a, "firm") & s(b, "firm") and same_market)
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
