"""docs/architecture.md stays true: every `path/file.py:function` it names exists.

A reference is written in backquotes, relative to the repository's root:
`addons/marketing_ops/models/step/emailing.py:_launch_emailing`, or with its class,
`addons/…/runner.py:MarketingAutomationTrace._cron_execute`. A plain `path/file` reference
(a view, a folder) must exist too.
"""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAP = ROOT / "docs" / "architecture.md"
FUNCTION_REF = re.compile(r"`((?:addons|scripts|bench|tests)/[\w./-]+\.py):([\w.]+)`")
PATH_REF = re.compile(r"`((?:addons|scripts|bench|tests|docs)/[\w./-]+)`")


def defined_names(path):
    """Every function and class of a Python file, by its qualified name (``Class.method``)."""
    names = set()

    def visit(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                qualified = f"{prefix}{child.name}"
                names.add(qualified)
                visit(child, f"{qualified}.")
            elif isinstance(child, ast.Assign | ast.AnnAssign):
                targets = child.targets if isinstance(child, ast.Assign) else [child.target]
                names.update(f"{prefix}{t.id}" for t in targets if isinstance(t, ast.Name))

    visit(ast.parse(path.read_text(encoding="utf-8")), "")
    return names


def broken_references(text, root=ROOT):
    broken = []
    for file_name, function in FUNCTION_REF.findall(text):
        path = root / file_name
        if not path.is_file():
            broken.append(f"{file_name}:{function} (no such file)")
            continue
        names = defined_names(path)
        # a method may be named alone when it is the only one of that name in the file
        short = {name.rsplit(".", 1)[-1] for name in names}
        if function not in names and ("." in function or function not in short):
            broken.append(f"{file_name}:{function} (not defined there)")
    broken.extend(
        f"{file_name} (no such path)"
        for file_name in PATH_REF.findall(text)
        if not (root / file_name.split(":", 1)[0]).exists()
    )
    return broken


def test_every_reference_of_the_map_exists():
    text = MAP.read_text(encoding="utf-8")
    assert len(FUNCTION_REF.findall(text)) >= 30, "the map names too few functions to guide"
    broken = broken_references(text)
    assert not broken, "docs/architecture.md names what no longer exists:\n" + "\n".join(broken)


def test_a_renamed_function_breaks_the_map(tmp_path):
    module = tmp_path / "addons" / "demo" / "engine.py"
    module.parent.mkdir(parents=True)
    module.write_text(
        "class Runner:\n    def tick(self):\n        pass\n\n\ndef plan():\n    pass\n"
    )
    text = (
        "`addons/demo/engine.py:Runner.tick` `addons/demo/engine.py:plan` "
        "`addons/demo/engine.py:tick` `addons/demo/engine.py:Runner.tock` "
        "`addons/demo/gone.py:plan` `addons/demo/views`"
    )
    assert broken_references(text, tmp_path) == [
        "addons/demo/engine.py:Runner.tock (not defined there)",
        "addons/demo/gone.py:plan (no such file)",
        "addons/demo/views (no such path)",
    ]
