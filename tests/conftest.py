"""Shared by every test run: property tests have no per-example deadline, because timing on a
busy 2-core CI machine says nothing about correctness."""

from hypothesis import settings

settings.register_profile("project", deadline=None)
settings.load_profile("project")
