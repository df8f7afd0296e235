"""Response schemas shared by the apps' API operations: GeoJSON, file downloads, small acknowledgements.

Every API operation declares what it answers (``response=`` or, for a file, :func:`file_response`), so the OpenAPI
schema says what each status carries and ``.ci/fuzz`` can hold the server to it. Objects whose keys are open-ended
(GeoJSON properties, a case's situation) are typed as objects with ``additionalProperties``.
"""

from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic import BaseModel, ConfigDict


class OpenSchema(BaseModel):
    """A typed object that may carry further keys (kept in the output, shown as additionalProperties).

    A plain pydantic model, not ninja's ``Schema``: ninja's attribute resolver reads only the declared fields, so
    the further keys of a dict (a GeoJSON ``crs_note``, an import report's counts) would be dropped."""

    model_config = ConfigDict(extra="allow", from_attributes=True)


class Feature(OpenSchema):
    """A GeoJSON Feature (RFC 7946 §3.2), WGS-84."""

    type: str
    geometry: dict[str, Any] | None
    properties: dict[str, Any]


class FeatureCollection(OpenSchema):
    """A GeoJSON FeatureCollection (RFC 7946 §3.3), WGS-84 unless it says otherwise."""

    type: str
    features: list[Feature]


class Updated(Schema):
    updated: int


def geojson_response() -> dict:
    """``openapi_extra`` of an operation declared with ``response=FeatureCollection`` that answers it as
    ``application/geo+json`` (RFC 7946 §12), the media type GIS tools expect."""
    return {"responses": {200: {"description": "OK", "content": {
        "application/geo+json": {"schema": {"$ref": "#/components/schemas/FeatureCollection"}}}}}}


def file_response(description: str, *media_types: str) -> dict:
    """``openapi_extra`` of an operation that answers a file: its 200 body in each media type it may have."""
    binary = {"type": "string", "format": "binary"}
    return {"responses": {200: {"description": description,
                                "content": {media: {"schema": binary} for media in media_types}}}}
