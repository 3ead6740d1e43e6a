"""exceeded: a written file measured against the god class and god module limits, as the analyzer counts."""

from __future__ import annotations

from gitupgrade.config.loader import Config, default_config
from gitupgrade.refactor.strategies.limits import exceeded


def config(**analysis: int) -> Config:
    data = default_config().to_dict()
    data["analysis"].update(analysis)
    return Config(data)


CLASS = "@dataclass\nclass Big:\n" + "".join(f"    def m{i}(self):\n        return {i}\n" for i in range(5))


def test_module_over_its_line_or_definition_limit() -> None:
    text = "".join(f"def f{i}():\n    return {i}\n" for i in range(4))
    assert exceeded("m.py", text, config(god_module_max_definitions=3)) == (
        "m.py would have 8 lines and 4 definitions (limits 500 lines, 3 definitions)"
    )
    assert exceeded("m.py", text, config(god_module_max_lines=7)).startswith("m.py would have 8 lines")
    assert exceeded("m.py", text, config()) is None


def test_class_over_its_method_limit_counting_decorators_as_the_analyzer_does() -> None:
    assert exceeded("m.py", CLASS, config(god_class_max_methods=4), module=False, classes=["Big"]) == (
        "Big in m.py would have 5 methods and 12 lines (limits 4 methods, 500 lines)"
    )
    assert exceeded("m.py", CLASS, config(god_class_max_methods=4), module=False, classes=["Other"]) is None
    assert exceeded("m.py", CLASS, config(), module=False, classes=["Big"]) is None
