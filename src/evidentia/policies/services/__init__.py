"""The one door for every change to published policies (see the package modules)."""
