"""Demo data of the public EMF information, loaded by ``rollout5g demo`` after the approvals (idempotent).

SYNTHETIC, every row marked ``is_synthetic``: public pages of a few registry sites on air (assessed from their cells,
three published, one a draft), measurements of the ecology department at two of them (invented values), science
articles (two published, one draft) and public measurement requests (received, scheduled, answered). Everything
goes through the services (audited), as the ecology department's demo account; the department comes from the
organizations and policy data.
"""

from __future__ import annotations

import datetime as dt

from rollout5g.accounts.choices import Role
from rollout5g.accounts.models import User
from rollout5g.sites.choices import SiteState
from rollout5g.sites.models import Site

from . import services
from .models import SitePage
from .selectors import ecology_department

POSTS = [
    ("5G基站的电磁辐射有多大？（合成示例）", "基站天线的功率密度随距离迅速减小。",
     "国家标准 GB 8702-2014《电磁环境控制限值》规定了公众曝露限值。\n\n5G基站发射的是非电离辐射，"
     "在居民楼前的地面上，测得的功率密度通常只有限值的很小一部分。（合成示例文字）"),
    ("如何申请基站电磁辐射监测（合成示例）", "在本站提交申请，生态环境部门按 HJ 1151-2020 测量并答复。",
     "填写地点和联系方式即可申请，联系方式只用于安排测量，不会公开。（合成示例文字）"),
    ("基站天线与手机辐射的区别（合成示例）", "草稿。", "草稿内容。（合成示例文字）"),
]


def load_demo(*, password: str | None = None) -> list[str]:
    """Load the synthetic records (nothing when they are there already); returns the summary lines."""
    if SitePage.objects.filter(is_synthetic=True).exists():
        return ["EMF information: already loaded"]
    department = ecology_department()
    person = User.objects.filter(organization=department, role=Role.DEPARTMENT, is_active=True).order_by(
        "username").first() if department else None
    if person is None:
        return ["EMF information: no ecology department account in the demo, nothing loaded"]
    today = dt.date.today()
    sites = list(Site.objects.filter(state=SiteState.ON_AIR, cells__total_power_w__gt=0).distinct()
                 .select_related("region").order_by("code")[:4])
    pages = []
    for i, site in enumerate(sites):
        page = services.page_prepare(actor=person, site=site, public_name=f"{site.region.name}基站 {i + 1}（合成示例）",
                                     place=f"{site.region.name} 示例路 {i + 1} 号附近（合成示例）",
                                     on=today - dt.timedelta(days=30), is_synthetic=True)
        if i < min(3, max(len(sites) - 1, 1)) and page.assessment.get("bands"):  # the last stays a draft
            services.page_publish(actor=person, page=page, on=today - dt.timedelta(days=28 - i))
        pages.append(page)
    results = []
    for i, page in enumerate(pages[:2]):
        results.append(services.result_record(
            actor=person, site=page.site, point=f"{page.place} 地面 1.7 米", measured_on=today - dt.timedelta(days=20 + i),
            value=[0.42, 1.3][i], unit=["V/m", "uW/cm2"][i], instrument="宽频场强仪（合成示例）",
            is_synthetic=True))
    for i, (title, summary, body) in enumerate(POSTS):
        post = services.post_create(actor=person, title=title, summary=summary, body=body, source="合成示例",
                                    is_synthetic=True)
        if i < 2:
            services.post_publish(actor=person, post=post, on=today - dt.timedelta(days=40 - 5 * i))
    published = [p for p in pages if p.state == "published"]
    requests = []
    for i in range(3):
        row, _ = services.request_submit(
            name=f"示例居民{i + 1}", phone=f"1390000000{i}", place=f"示例小区 {i + 1} 幢（合成示例）",
            description="担心楼顶基站的辐射（合成示例）", page=published[i] if i < len(published) else None,
            client=f"demo-{i}", token=f"demo-emf-request-{i}", on=today - dt.timedelta(days=10 - 3 * i),
            is_synthetic=True)
        requests.append(row)
    if requests:
        services.request_schedule(actor=person, request=requests[0], on=today - dt.timedelta(days=8))
        if results:
            services.request_answer(actor=person, request=requests[0], result=results[0],
                                    answer="已测量，结果远低于 GB 8702-2014 的限值。（合成示例）",
                                    on=today - dt.timedelta(days=5))
    if len(requests) > 1:
        services.request_schedule(actor=person, request=requests[1], on=today + dt.timedelta(days=2))
    return [f"EMF information: {len(pages)} site pages ({len(published)} published), {len(results)} measurements, "
            f"{len(POSTS)} science articles, {len(requests)} measurement requests (synthetic)"]
