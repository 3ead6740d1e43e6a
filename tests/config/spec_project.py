"""A project whose config.yaml is the spec's block verbatim, shared with another application."""

from __future__ import annotations

# The specification's configuration block, character for character.
SPEC_BLOCK = """self_upgrading:
  enabled: true
  ledger_db_path: "upgrade_ledger.db"
  auto_upgrade_enabled: true
  scan_schedule: "weekly"  # weekly, daily, manual
  scan_interval_hours: 168  # 7 days
  validation_required: true
  test_execution_required: true
  backup_retention_days: 30
  max_upgrade_retries: 3
  risk_policies:
    auto_approve_low_risk: true
    auto_approve_medium_risk: false
    auto_approve_high_risk: false
    require_manual_review: true
  priority_thresholds:
    critical: 9      # Security vulnerabilities, major bugs
    high: 7          # Performance issues, god classes
    medium: 5        # Code quality improvements
    low: 3           # Style improvements, minor refactoring
    minimal: 1       # Documentation, comments
  learning:
    enabled: true
    success_pattern_tracking: true
    failure_pattern_analysis: true
    outcome_based_scoring: true
    adaptive_thresholds: true
  integration:
    reflection_engine: true
    recursive_planner: true
    self_prompter: true
    health_monitoring: true
"""

# Another application's section, with tags only that application understands.
OTHER_APP = """webapp:
  secret_key: !ENV ${WEBAPP_SECRET}
  database: !include database.yaml
  workers: 4
"""

# The project's own keys beside the spec's block: small limits that make Inventory a god class.
PROJECT_KEYS = """  analysis:
    god_class_max_methods: 6
    god_class_max_lines: 400
  validation:
    test_command: PYTEST_DISABLE_PLUGIN_AUTOLOAD=1 python -m pytest -q -p no:cacheprovider tests
    timeout_seconds: 60
"""

INVENTORY = '''"""Stock and pricing of a shop."""


class Inventory:
    """Keeps stock levels and prices."""

    def __init__(self):
        self.stock = {}
        self.prices = {}

    def add(self, name, count):
        self.stock[name] = self.stock.get(name, 0) + count

    def remove(self, name, count):
        self.stock[name] = self.stock.get(name, 0) - count

    def count(self, name):
        return self.stock.get(name, 0)

    def in_stock(self, name):
        return self.stock.get(name, 0) > 0

    def set_price(self, name, price):
        self.prices[name] = price

    def price(self, name):
        return self.prices.get(name, 0)

    def discount(self, name, percent):
        self.prices[name] = self.prices.get(name, 0) * (100 - percent) / 100

    def cheapest(self):
        return min(self.prices, key=self.prices.get) if self.prices else None
'''

TESTS = """from shop.inventory import Inventory


def test_inventory():
    inv = Inventory()
    inv.add("pen", 3)
    inv.remove("pen", 1)
    assert inv.count("pen") == 2 and inv.in_stock("pen")
    inv.set_price("pen", 10)
    inv.set_price("ink", 20)
    inv.discount("ink", 75)
    assert inv.price("ink") == 5 and inv.cheapest() == "ink"
"""


def config_yaml(medium: str = "false", extra: str = "") -> str:
    """The other app's section, then the spec's block with ``auto_approve_medium_risk`` set, then our keys."""
    block = SPEC_BLOCK.replace("auto_approve_medium_risk: false", f"auto_approve_medium_risk: {medium}")
    return OTHER_APP + block + PROJECT_KEYS + extra


def files(config: str) -> dict[str, str]:
    """The files of the project."""
    return {
        "src/shop/__init__.py": "",
        "src/shop/inventory.py": INVENTORY,
        "tests/test_inventory.py": TESTS,
        "config.yaml": config,
        ".gitignore": "__pycache__/\n",
    }
