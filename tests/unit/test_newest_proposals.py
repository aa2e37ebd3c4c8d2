"""`UnitOfWork.newest_proposals` on the memory store (what list_proposals reads): newest first by creation time,
then id; only one status if asked; at most `limit`; the same as sorting every proposal."""

from __future__ import annotations

import datetime as dt

from core.bakery import Bakery
from core.memory_repository import MemoryStore
from core.proposals import service
from core.proposals.model import Proposal, ProposalStatus, Source

AT = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC)


def _proposal(pid: str, minutes: int | None, status: ProposalStatus = ProposalStatus.PROPOSED) -> Proposal:
    at = None if minutes is None else AT + dt.timedelta(minutes=minutes)
    return Proposal(pid, Source.VOICE, (), status, created_at=at)


def _store() -> MemoryStore:
    proposals = [_proposal("p-a", 5), _proposal("p-b", 5, ProposalStatus.CONFIRMED), _proposal("p-c", 1),
                 _proposal("p-d", None), _proposal("p-e", 9, ProposalStatus.CONFIRMED), _proposal("p-f", 3)]
    return MemoryStore(Bakery(proposals={p.id: p for p in proposals}))


def test_newest_first_then_by_id_and_none_last() -> None:
    uow = _store().unit_of_work()
    assert [p.id for p in uow.newest_proposals(10)] == ["p-e", "p-b", "p-a", "p-f", "p-c", "p-d"]
    assert [p.id for p in uow.newest_proposals(2)] == ["p-e", "p-b"]
    assert [p.id for p in uow.newest_proposals(10, "confirmed")] == ["p-e", "p-b"]
    assert uow.newest_proposals(10, "undone") == []


def test_listing_equals_sorting_every_proposal() -> None:
    store = _store()
    every = list(store.bakery.proposals.values())
    for status in (None, *ProposalStatus):
        for limit in (1, 3, 50):
            expected = sorted((p for p in every if status is None or p.status is status),
                              key=lambda p: (p.created_at or dt.datetime.min.replace(tzinfo=dt.UTC), p.id),
                              reverse=True)[:limit]
            assert service.listing(store.unit_of_work(), status=status, limit=limit) == expected
