"""get_metrics (an owner's own bakery; a platform admin's aggregate) and aggregate_activity (Cloud Scheduler).

Metrics are read from the daily documents only (tenants/{t}/metrics_days/{day}, metrics_days/{day} and its
shards), which aggregate_activity computes from the activity records (functions/shared/activity.py, docs/metrics.md).
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from core.metrics.answer import dates, metrics, window
from functions.models import Strict
from functions.shared import activity
from functions.shared.auth import OWNERS, require_role
from functions.shared.errors import ApiError
from functions.shared.operation import RUNTIME, Context, operation


class MetricsRequest(Strict):
    scope: Literal["bakery", "platform"] = "bakery"
    weeks: int = Field(default=8, ge=1, le=26, strict=True, description="calendar weeks, the current one included")


def today() -> dt.date:
    """The day metrics end on (UTC); tests replace it."""
    return dt.datetime.now(dt.UTC).date()


@operation(frozenset(), MetricsRequest, needs_tenant=False)
def get_metrics(ctx: Context, body: MetricsRequest) -> dict[str, Any]:
    """Activity figures: an owner's own bakery, or (custom claim admin) the whole platform in aggregate only."""
    start, end = window(today(), body.weeks)
    days = [d.isoformat() for d in dates(start, end)]
    store = activity.store_for(ctx.backend)
    if body.scope == "platform":
        if not ctx.caller.admin:
            raise ApiError(403, "forbidden", "platform metrics need the platform admin claim", "scope")
        mains, listed = store.platform_days(days)
        # the id sets shard by shard (each shard's days at once); main documents folded before the shards
        # existed still hold theirs, so they are a slice too (today's hold none)
        return metrics("platform", mains, start, end, slices=itertools.chain([mains], store.platform_shards(listed)))
    tenant_id = require_role(ctx.caller, OWNERS)
    member = ctx.backend.member(tenant_id, ctx.caller.uid)
    if member is None or not member.active or member.role.value != ctx.caller.role:
        raise ApiError(403, "not_a_member", "this account is no longer a member of this bakery in that role")
    return metrics("bakery", store.bakery_days(tenant_id, days), start, end)


def _from_scheduler(request: Any) -> bool:
    """Cloud Scheduler sets X-CloudScheduler: true; in production the function also sits behind IAM."""
    return bool(request.headers.get("X-CloudScheduler", "").lower() == "true")


@activity.observed_task
def aggregate_activity(request: Any) -> tuple[str, int, dict[str, str]]:
    """Cloud Scheduler, hourly: fold today's and yesterday's activity into their daily documents, bakery by
    bakery, then the platform's from the bakeries' (afresh, so running it again changes nothing).
    `?date=YYYY-MM-DD` folds that day, `?days=N` the last N."""
    headers = {"Content-Type": "application/json"}
    if not _from_scheduler(request):
        return json.dumps({"error": {"code": "forbidden", "message": "only Cloud Scheduler may call this",
                                     "field": None}}), 403, headers
    args = getattr(request, "args", None) or {}
    end = today()
    try:
        if args.get("date"):
            days = [dt.date.fromisoformat(args["date"]).isoformat()]
        else:
            n = int(args.get("days") or 2)
            if not 1 <= n <= 400:
                raise ValueError(n)
            days = [(end - dt.timedelta(days=k)).isoformat() for k in range(n)]
    except ValueError:
        return json.dumps({"error": {"code": "invalid", "message": "date must be YYYY-MM-DD and days 1..400",
                                     "field": "date" if args.get("date") else "days"}}), 400, headers
    answer = activity.aggregate(activity.store_for(RUNTIME.backend), days, _fan_out())
    return json.dumps(answer), 200, headers


def _fan_out() -> activity.FanOut | None:
    """With BAKETRACKER_FOLD_URL set (deployed: fold_activity_chunk's URL), a day of more than one chunk of
    bakeries is folded by one Cloud Task per chunk; without it, here in turn."""
    url = os.environ.get("BAKETRACKER_FOLD_URL", "").strip()
    if not url:
        return None
    from functions.shared.task_queue import CloudTasksQueue

    queue = RUNTIME.tasks if RUNTIME.tasks is not None else CloudTasksQueue.from_environment()
    run = dt.datetime.now(dt.UTC).strftime("%Y%m%d%H")  # one set of tasks per day and hourly run

    def hand(day: str, n: int, tenants: list[str]) -> None:
        queue.enqueue(f"fold-{day}-{run}-{n}", url, {"day": day, "tenants": tenants})

    return hand


class FoldChunk(BaseModel):
    model_config = ConfigDict(extra="forbid")
    day: dt.date
    tenants: list[Annotated[str, Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9_-]+$")]] = Field(
        min_length=1, max_length=activity.CHUNK)


@activity.observed_task
def fold_activity_chunk(request: Any) -> tuple[str, int, dict[str, str]]:
    """Cloud Tasks (enqueued by aggregate_activity): fold one chunk of bakeries' records of a day into their day
    documents, afresh (a task delivered twice writes the same documents)."""
    headers = {"Content-Type": "application/json"}
    queue = request.headers.get("X-CloudTasks-QueueName", "")
    if not queue or queue.rsplit("/", 1)[-1] != os.environ.get("BAKETRACKER_QUEUE", "receipt-extraction"):
        return json.dumps({"error": {"code": "forbidden", "message": "only the task queue may call this",
                                     "field": None}}), 403, headers
    try:
        chunk = FoldChunk.model_validate_json(request.get_data(cache=False) or b"{}")
    except ValidationError as exc:
        first = exc.errors()[0]
        return json.dumps({"error": {"code": "invalid", "message": str(first["msg"]),
                                     "field": ".".join(str(p) for p in first["loc"][:1]) or None}}), 400, headers
    day = chunk.day.isoformat()
    records = activity.fold_bakeries(activity.store_for(RUNTIME.backend), day, chunk.tenants)
    return json.dumps({"day": day, "bakeries": len(chunk.tenants), "records": records}), 200, headers
