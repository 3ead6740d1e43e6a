"""Configuration: packaged defaults merged with the repository's config.yaml and --config."""

from __future__ import annotations

from gitupgrade.config.loader import Config, default_config, load_config

__all__ = ["Config", "default_config", "load_config"]
