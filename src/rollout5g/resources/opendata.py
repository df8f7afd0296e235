"""The open list described for open-data portals: a DCAT catalogue in the data.json form (DCAT-US / Project Open
Data v1.1 field names, which DCAT-AP harvesters such as CKAN's ckanext-dcat read), served at the stable public URL
``/open-list/data.json`` and linked from the public page.

One dataset, the open list, with the title, description, publisher, contact, licence, the dates (first issued, last
modified = the newest published batch), the notice period, the spatial extent, the coordinate system (``conformsTo``:
the EPSG URI) and one distribution per download: CSV, Excel and GeoJSON in WGS-84, and CSV and GeoJSON in GCJ-02
(named as such), plus the JSON API.

Settings: ``ROLLOUT5G_OPEN_LIST_PUBLISHER`` (default: the organization of whoever published the newest batch),
``ROLLOUT5G_OPEN_LIST_LICENSE`` (a licence URL; default CC BY 4.0), ``ROLLOUT5G_OPEN_LIST_CONTACT_EMAIL`` (default
``DEFAULT_FROM_EMAIL``).
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from rollout5g.regions.services import home_file_stem

from . import downloads
from .models import ListRelease, ReleaseEntry

DEFAULT_LICENSE = "https://creativecommons.org/licenses/by/4.0/"
SCHEMA = "https://project-open-data.cio.gov/v1.1/schema"

#: (format, crs) of every distribution, with its title and the format's name and media type.
DISTRIBUTIONS = (
    ("csv", "wgs84", "CSV（WGS-84）", "CSV", "text/csv"),
    ("xlsx", "wgs84", "Excel（WGS-84）", "XLSX",
     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("geojson", "wgs84", "GeoJSON（WGS-84）", "GeoJSON", "application/geo+json"),
    ("csv", "gcj02", "CSV（GCJ-02 坐标）", "CSV", "text/csv"),
    ("geojson", "gcj02", "GeoJSON（GCJ-02 坐标）", "GeoJSON", "application/geo+json"),
)


def publisher_name(release: ListRelease | None) -> str:
    configured = getattr(settings, "ROLLOUT5G_OPEN_LIST_PUBLISHER", "")
    if configured:
        return configured
    person = getattr(release, "published_by", None)
    if person is not None and person.organization_id:
        return person.organization.name
    return f"{home_file_stem()}5G建设工作专班"


def _extent(release: ListRelease) -> str | None:
    """``west,south,east,north`` of the published points (WGS-84), the data.json ``spatial`` bounding box form."""
    points = [(s["lon"], s["lat"]) for s in
              ReleaseEntry.objects.filter(release=release).values_list("snapshot", flat=True)]
    if not points:
        return None
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    return f"{min(lons):.5f},{min(lats):.5f},{max(lons):.5f},{max(lats):.5f}"


def _download_url(build, release, fmt: str, crs: str) -> str:
    url = reverse("resources:release_download", args=[release.number, fmt])
    return build(url + ("?crs=gcj02" if crs == "gcj02" else ""))


def catalog(*, build_absolute_uri) -> dict:
    """The data.json catalogue of the open list. ``build_absolute_uri`` turns a path into a full URL (the request's).
    The newest published batch supplies the distributions and the dates; before the first batch the dataset has
    none."""
    from .selectors import latest_release

    release = latest_release()
    first = ListRelease.objects.filter(published_at__isnull=False).order_by("number").first()
    landing = build_absolute_uri(reverse("resources:index"))
    stem = home_file_stem()
    dataset = {
        "@type": "dcat:Dataset",
        "title": f"{stem}5G基站建设公共资源开放清单",
        "description": (f"{stem}向 5G 基站建设免费开放的公共资源：党政机关和事业单位楼顶、场馆、公园、学校、医院、"
                        "交通枢纽，以及路灯杆、信号灯杆、监控杆、电力杆等杆塔。按批次（第N批）公示发布，"
                        "不收取进场费、协调费、分摊费，仅按实结算电费。"),
        "keyword": ["5G", "公共资源", "开放清单", "站址", "智慧杆", stem],
        "identifier": landing,
        "landingPage": landing,
        "accessLevel": "public",
        "license": getattr(settings, "ROLLOUT5G_OPEN_LIST_LICENSE", "") or DEFAULT_LICENSE,
        "publisher": {"@type": "org:Organization", "name": publisher_name(release)},
        "contactPoint": {"@type": "vcard:Contact", "fn": publisher_name(release),
                         "hasEmail": "mailto:" + (getattr(settings, "ROLLOUT5G_OPEN_LIST_CONTACT_EMAIL", "")
                                                  or settings.DEFAULT_FROM_EMAIL)},
        "language": ["zh-CN"],
        "accrualPeriodicity": "irregular",
        "conformsTo": downloads.CRS_URIS["wgs84"],
        "references": [build_absolute_uri("/api/docs#/Open%20list")],
        "distribution": [],
    }
    if first is not None:
        dataset["issued"] = first.published_at.date().isoformat()
    if release is not None:
        dataset.update(
            modified=release.published_at.date().isoformat(),
            version=release.label,
            temporal=f"{release.notice_start.isoformat()}/{release.notice_end.isoformat()}",
        )
        extent = _extent(release)
        if extent:
            dataset["spatial"] = extent
        for fmt, crs, title, name, media in DISTRIBUTIONS:
            distribution = {
                "@type": "dcat:Distribution",
                "title": f"{release.label} {title}",
                "description": f"坐标系：{downloads.CRS_DESCRIPTIONS[crs]}",
                "downloadURL": _download_url(build_absolute_uri, release, fmt, crs),
                "mediaType": media,
                "format": name,
            }
            if crs in downloads.CRS_URIS:
                distribution["conformsTo"] = downloads.CRS_URIS[crs]
            dataset["distribution"].append(distribution)
        dataset["distribution"].append({
            "@type": "dcat:Distribution", "title": "JSON API", "format": "API", "mediaType": "application/json",
            "accessURL": build_absolute_uri("/api/open-list/releases/latest/entries"),
            "description": "最新一批的条目（分页），以及 /api/open-list/releases/latest/geojson 的 GeoJSON",
        })
    return {
        "@context": f"{SCHEMA}/catalog.jsonld",
        "@type": "dcat:Catalog",
        "conformsTo": SCHEMA,
        "describedBy": f"{SCHEMA}/catalog.json",
        "dataset": [dataset],
    }
