"""The community portal's one door: every change to its records goes through here."""
