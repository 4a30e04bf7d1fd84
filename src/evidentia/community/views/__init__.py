"""Staff pages of the community portal at /community/, one module per page."""
