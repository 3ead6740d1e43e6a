"""Loaded at interpreter start when this folder is on PYTHONPATH: registers the test strategies."""

from tests.manager.strategies import register
from tests.security.interrupting import register as register_interrupting

register()
register_interrupting()
