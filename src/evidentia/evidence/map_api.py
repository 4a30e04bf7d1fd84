"""Map search: evidence recorded inside a box and a time range."""

from ninja import Router

router = Router(tags=["map"])
