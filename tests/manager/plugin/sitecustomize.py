"""Loaded at interpreter start when this folder is on PYTHONPATH: registers the test strategy."""

from tests.manager.strategies import register

register()
