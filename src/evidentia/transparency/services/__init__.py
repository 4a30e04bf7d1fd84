"""The transparency portal's services: the refresh (the only writer of `Dataset`)."""
