"""The public portal's pages at /public/, one module per page. They take no staff
session data and show nothing that identifies a resident (see services/public.py)."""
