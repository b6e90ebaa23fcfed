"""Hostile files (damaged, lying, bomb-like, huge or deep), generated on demand by make_hostile."""
