"""Administrative regions (province, cities, counties) with WGS-84 boundaries."""
