"""Open311 GeoReport v2: views, parameter parsing, the public query and rendering."""
