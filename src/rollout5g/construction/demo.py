"""Demo data of the 5G facilities of construction projects, loaded by ``rollout5g demo`` after the registry
(idempotent). SYNTHETIC: invented projects (marked ``is_synthetic``), one or two per county of the home region, in
every state of the workflow, dated relative to today so that review clocks run, fall due and are overdue; two are
accepted, so their reserved sites are in the special plan and the ledger and the indicator have something to count.
Everything goes through the services (audited), as the people of the demo accounts.
"""

from __future__ import annotations

import datetime as dt

from shapely.geometry import Point, shape

from rollout5g.accounts.models import User
from rollout5g.organizations.models import Organization
from rollout5g.regions.services import home_districts
from rollout5g.workcalendar.services import working_calendar

from . import services
from .choices import ProjectKind, ProjectState
from .models import ConstructionProject

#: (name, kind, size, how far it goes, working days ago it was registered). Names are invented.
PROJECTS = [
    ("（合成）城南安置房一期", ProjectKind.HOUSING, "86000", "accepted", 60),
    ("（合成）高铁新城综合客运枢纽", ProjectKind.TRANSPORT_HUB, "42000", "accepted", 55),
    ("（合成）科技城人才公寓", ProjectKind.HOUSING, "64000", "acceptance", 45),
    ("（合成）市民服务中心", ProjectKind.PUBLIC_BUILDING, "30000", "building", 40),
    ("（合成）滨湖大道（东段）", ProjectKind.MUNICIPAL_ROAD, "3.2", "design_approved", 30),
    ("（合成）老城区有机更新（一期）", ProjectKind.RENEWAL_AREA, "120000", "returned", 25),
    ("（合成）湘家荡学校", ProjectKind.PUBLIC_BUILDING, "18000", "in_review_overdue", 20),
    ("（合成）城北商住地块", ProjectKind.HOUSING, "45000", "in_review", 4),
    ("（合成）运河新城道路提升", ProjectKind.MUNICIPAL_ROAD, "1.8", "registered", 1),
]
ORDER = ["registered", "in_review", "in_review_overdue", "returned", "design_approved", "building", "acceptance",
         "accepted"]


def _inside(region, count: int) -> tuple[tuple[float, float], list[tuple[float, float]]]:
    """A point inside the county and ``count`` points near it, all inside."""
    polygon = shape(region.geometry)
    centre = polygon.representative_point()
    points = []
    for i in range(count):
        p = Point(centre.x + 0.0008 * (i % 4), centre.y + 0.0008 * (i // 4))
        points.append((p.x, p.y) if polygon.contains(p) else (centre.x, centre.y))
    return (centre.x, centre.y), points


def _workdays_ago(n: int, today: dt.date) -> dt.date:
    calendar = working_calendar()
    day = today
    while n > 0:
        day -= dt.timedelta(days=1)
        if calendar.is_working_day(day):
            n -= 1
    return day


def load_demo(*, password: str | None = None) -> list[str]:
    """Load the synthetic projects (nothing when they are there already); returns the summary lines."""
    if ConstructionProject.objects.filter(is_synthetic=True).exists():
        return ["construction projects: already loaded"]
    services.ensure_guideline()
    users = {u.username: u for u in User.objects.filter(username__in=("owner", "planning", "construction"))}
    planning, construction = users["planning"].organization, users["construction"].organization
    developer = users["owner"].organization
    tower = Organization.objects.filter(kind="tower_company").order_by("code").first()
    counties = list(home_districts())
    today = dt.date.today()
    for i, (name, kind, size, stage, ago) in enumerate(PROJECTS):
        county = counties[i % len(counties)]
        registered_on = _workdays_ago(ago, today)
        project = services.project_register(
            actor=users["owner"], name=name, kind=kind, region=county, size=size,
            planning_department=planning, construction_department=construction, operator=tower,
            developer=developer, registered_on=registered_on, is_synthetic=True, **_location(county))
        _advance(project, stage, users, today, registered_on)
    accepted = ConstructionProject.objects.filter(is_synthetic=True, state=ProjectState.ACCEPTED).count()
    return [f"construction projects: {len(PROJECTS)} (synthetic), {accepted} with their 5G facilities accepted"]


def _location(county) -> dict:
    (lon, lat), _ = _inside(county, 0)
    return {"lon": lon, "lat": lat}


def _advance(project, stage: str, users, today: dt.date, registered_on: dt.date) -> None:
    owner, planning, construction = users["owner"], users["planning"], users["construction"]
    level = ORDER.index(stage)
    if level == 0:
        return
    required = project.facilities("required")
    _, points = _inside(project.region, required["sites"])
    sites = [{"name": f"{n + 1}号站址", "lon": lon, "lat": lat} for n, (lon, lat) in enumerate(points)]
    project = services.project_design(actor=owner, project=project, sites=sites,
                                      facilities={k: v for k, v in required.items() if k != "sites"})
    submitted = today if stage == "in_review" else registered_on
    project = services.project_submit(actor=owner, project=project, on=submitted)
    if stage in ("in_review", "in_review_overdue"):
        if stage == "in_review_overdue":
            review = project.reviews.get(kind="planning")
            services.review_decide(actor=planning, review=review, approve=True, on=registered_on)
        return
    if stage == "returned":
        services.review_decide(actor=planning, review=project.reviews.get(kind="planning"), approve=False,
                               findings="机房面积不足，天面未预留设备平台（合成示例）", on=registered_on)
        return
    for review in project.reviews.all():
        services.review_decide(actor=planning if review.kind == "planning" else construction, review=review,
                               approve=True, on=registered_on)
    project.refresh_from_db()
    if level <= ORDER.index("design_approved"):
        return
    project = services.project_start(actor=owner, project=project, on=registered_on)
    if level <= ORDER.index("building"):
        return
    built = project.facilities("reserved")
    project = services.project_request_acceptance(actor=owner, project=project, built=built, on=today)
    if level <= ORDER.index("acceptance"):
        return
    services.project_accept(actor=construction, project=project, on=today, note="5G配套设施按设计建成（合成示例）")
