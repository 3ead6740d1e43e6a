"""Sample code of the integration tests: a clean package, and the change that adds an import cycle."""

from __future__ import annotations

CLEAN = {
    "pkg/__init__.py": "",
    "pkg/a.py": "from pkg import b\n\n\ndef f():\n    return b.g()\n",
    "pkg/b.py": "def g():\n    return 1\n",
}
CYCLE = {"pkg/b.py": "from pkg import a\n\n\ndef g():\n    return 1\n\n\ndef h():\n    return a.f()\n"}
CYCLE_LINE = "new   error    circular_import         pkg/b.py:1  import cycle pkg.a -> pkg.b -> pkg.a"
