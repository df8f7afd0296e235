"""Fixtures of the smart-pole tests: three poles on the open list (two street lights of the resource owner, one
smart pole) and the Zhejiang standards task 9 (deadline 2020-09-30)."""

import pytest

from rollout5g.organizations.models import Organization
from rollout5g.policy.models import PolicyTask


@pytest.fixture
def resources(users):
    from rollout5g.resources import services

    owner = Organization.objects.get(code="jx-jiacheng-group")
    make = lambda name, kind, **kw: services.resource_create(  # noqa: E731
        actor=users["office"], owner=owner, name=name, kind=kind, lon=120.76, lat=30.75, **kw)
    return {"light1": make("中山路路灯 01", "street_light_pole"), "light2": make("中山路路灯 02", "street_light_pole"),
            "smart": make("中山路智慧杆 01", "street_light_pole", smart_pole=True, smart_pole_capacity=3),
            "roof": make("市民中心楼顶", "gov_rooftop")}


@pytest.fixture
def task9(db):
    return PolicyTask.objects.get(document__key="zhejiang-2020-5g-action-plan-tasks", number="9")
