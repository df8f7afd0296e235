"""``ogrinfo -ro -al -so`` on a downloaded file: what GDAL/OGR (and so QGIS) makes of it."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

needs_gdal = pytest.mark.skipif(not shutil.which("ogrinfo"), reason="needs gdal-bin (ogrinfo)")


@dataclass
class OgrLayer:
    name: str
    geometry: str
    count: int
    crs: str  # the layer's coordinate reference system as ogrinfo prints it (WKT), "" for none
    fields: list[str]


def ogrinfo(path: Path, *open_options: str) -> list[OgrLayer]:
    args = ["ogrinfo", "-ro", "-al", "-so"]
    for option in open_options:
        args += ["-oo", option]
    out = subprocess.run([*args, str(path)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "ERROR" not in out.stderr, out.stderr
    layers = []
    for block in re.split(r"\n(?=Layer name: )", out.stdout)[1:]:
        name = re.search(r"Layer name: (.*)", block).group(1).strip()
        geometry = re.search(r"Geometry: (.*)", block).group(1).strip()
        count = int(re.search(r"Feature Count: (\d+)", block).group(1))
        crs = block.split("Layer SRS WKT:\n", 1)[1].split("\nData axis", 1)[0] if "Layer SRS WKT:" in block else ""
        fields = re.findall(r"^(\S[^:\n]*): (?:String|Integer|Integer64|Real|Date|DateTime)", block, re.M)
        layers.append(OgrLayer(name, geometry, count, "" if crs.strip() == "(unknown)" else crs, fields))
    return layers


def save(tmp_path: Path, response, name: str | None = None) -> Path:
    assert response.status_code == 200, response.content[:500]
    disposition = response.get("Content-Disposition", "")
    match = re.search(r'filename="([^"]+)"', disposition)
    path = tmp_path / (name or (match.group(1) if match else "download"))
    body = b"".join(response.streaming_content) if response.streaming else response.content
    path.write_bytes(body)
    return path


def ogr_geometries(path: Path) -> list[str]:
    """The geometry type of every feature (``ogrinfo -ro -al``, WKT keywords: POINT, MULTIPOLYGON, …)."""
    out = subprocess.run(["ogrinfo", "-ro", "-al", "-q", str(path)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return re.findall(r"^\s+(POINT|MULTIPOINT|LINESTRING|MULTILINESTRING|POLYGON|MULTIPOLYGON)\b", out.stdout, re.M)
