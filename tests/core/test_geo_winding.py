"""RFC 7946 section 3.1.6: exterior rings counterclockwise, holes clockwise (signed area by the shoelace formula)."""

from rollout5g.core.geo import rfc7946


def signed_area(ring):
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False)) / 2


def test_clockwise_polygon_with_counterclockwise_hole_is_rewound():
    outer_cw = [[0, 0], [0, 10], [10, 10], [10, 0], [0, 0]]
    hole_ccw = [[2, 2], [4, 2], [4, 4], [2, 4], [2, 2]]
    assert signed_area(outer_cw) == -100 and signed_area(hole_ccw) == 4
    out = rfc7946({"type": "Polygon", "coordinates": [outer_cw, hole_ccw]})
    assert signed_area(out["coordinates"][0]) == 100  # exterior now counterclockwise, same area
    assert signed_area(out["coordinates"][1]) == -4  # hole now clockwise
    assert sorted(map(tuple, out["coordinates"][0])) == sorted(map(tuple, outer_cw))


def test_multipolygon_each_part_and_other_types_unchanged():
    part = [[0, 0], [0, 1], [1, 1], [1, 0], [0, 0]]
    out = rfc7946({"type": "MultiPolygon", "coordinates": [[part], [[[5, 5], [6, 5], [6, 6], [5, 5]]]]})
    assert [signed_area(p[0]) > 0 for p in out["coordinates"]] == [True, True]
    point = {"type": "Point", "coordinates": [120.7, 30.7]}
    assert rfc7946(point) is point
    collection = rfc7946({"type": "GeometryCollection", "geometries": [{"type": "Polygon", "coordinates": [part]}]})
    assert signed_area(collection["geometries"][0]["coordinates"][0]) == 1
