"""A small plan: the stage most plan store tests start from."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from projsync.db import Store
from projsync.plan.entities import PlanLink, PlanProject, PlanResource, PlanTask
from projsync.plan.service import PlanService

MONDAY = dt.datetime(2026, 3, 2, 8, 0)
DAY = 480


@pytest.fixture
def plan(plan_store: Store) -> PlanService:
    """Project X from Monday 2 March 2026: summary T0 over T1 (3d) → T2 (2d),
    then T3 (5d) after T2; resources Ada (50/h) and Bob (40/h)."""
    service = PlanService(plan_store)
    service.add_project(PlanProject(id="X", name="Bridge", start=MONDAY))
    service.add_tasks(
        "X",
        [
            PlanTask(project="X", id="T0", name="Phase 1"),
            PlanTask(project="X", id="T1", name="Survey", parent="T0", duration=3 * DAY),
            PlanTask(project="X", id="T2", name="Design", parent="T0", duration=2 * DAY),
            PlanTask(project="X", id="T3", name="Build", duration=5 * DAY),
        ],
        [
            PlanLink(project="X", predecessor="T1", successor="T2"),
            PlanLink(project="X", predecessor="T2", successor="T3"),
        ],
    )
    service.add_resource(PlanResource(id="ADA", name="Ada", standard_rate=Decimal("50")))
    service.add_resource(PlanResource(id="BOB", name="Bob", standard_rate=Decimal("40")))
    return service
