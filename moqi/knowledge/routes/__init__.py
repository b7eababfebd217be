"""The knowledge base API, one router under /api/knowledge: search; items and their versions;
proposals and review; usage and hot topics; success stories; import and export. AnyUser logged
in reads, proposes, rates and shares; knowledge editors (and admins) review, roll back, import
and export."""

from __future__ import annotations

from fastapi import APIRouter

from moqi.knowledge.routes import items, proposals, search, stories, transfer, usage

router = APIRouter(prefix="/api/knowledge", tags=["knowledge"])
for part in (search, items, proposals, usage, stories, transfer):
    router.include_router(part.router)
