"""The applications tests' open call, for the acknowledgement PDF tests."""

from tests.applications.conftest import call, programme  # noqa: F401
