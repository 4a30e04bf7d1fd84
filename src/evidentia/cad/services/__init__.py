"""The CAD app's services: the one door for imports, tagging and policy changes."""
