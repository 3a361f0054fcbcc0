"""The code's layout: imports run one way. A circle of imports, even one kept alive by an import
inside a function, ties modules that should be read, tested and moved on their own."""

import ast
import functools
import os
import re
from pathlib import Path

import pytest

from tests.support.processes import BASE_DIR

# The code's shape does not depend on the database: checked on the SQLite pass only.
pytestmark = pytest.mark.sqlite_only

# Whatever the repository holds that is not the project's own Python.
NOT_OURS = {".venv", "node_modules", "var", "media", "staticfiles", "test-artifacts"}


def project_modules() -> dict[str, Path]:
    """Each project module by its dotted name (the virtualenv and other folders not ours are
    not even walked: .venv alone holds thousands of files)."""
    modules = {}
    for folder, subfolders, files in os.walk(BASE_DIR):
        subfolders[:] = sorted(d for d in subfolders if d not in NOT_OURS and d[0] != ".")
        for file in files:
            if file.endswith(".py"):
                relative = (Path(folder) / file).relative_to(BASE_DIR)
                name = ".".join(relative.with_suffix("").parts).removesuffix(".__init__")
                modules[name] = BASE_DIR / relative
    return modules


def imported_names(module: str, path: Path, node: ast.AST) -> list[str]:
    """The dotted names an import statement may mean, relative imports resolved."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    package = module.split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    if node.level:
        package = package[: len(package) - (node.level - 1)]
        base = ".".join([*package, node.module] if node.module else package)
    else:
        base = node.module
    return [base] + [f"{base}.{alias.name}" for alias in node.names]


def import_graph() -> dict[str, set[str]]:
    """Each project module and the project modules it imports, at the top or in a function (a
    copy of the one parse of the tree that the tests share)."""
    return {name: set(targets) for name, targets in _parsed_import_graph().items()}


@functools.cache
def _parsed_import_graph() -> dict[str, set[str]]:
    modules = project_modules()
    graph = {name: set() for name in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for target in imported_names(name, path, node):
                    while target and target not in modules:
                        target = target.rpartition(".")[0]
                    if target and target != name:
                        graph[name].add(target)
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(module):
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in graph[module]:
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            group = []
            while not group or group[-1] != module:
                group.append(stack.pop())
                on_stack.discard(group[-1])
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return found


def test_the_checker_finds_a_circle_through_an_import_inside_a_function():
    made_up = {"a.models": {"a.forms"}, "a.forms": {"a.models"}, "b": {"a.models"}}
    assert circles(made_up) == [["a.forms", "a.models"]]
    graph = import_graph()
    assert "base.blocks" in graph["base.models"]  # from .blocks import BodyBlock
    assert "activities.signups" in graph["activities.apps"]  # imported inside ready()


def test_no_module_imports_itself_back_through_others():
    assert circles(import_graph()) == []


def app_graph() -> dict[str, set[str]]:
    """Each top-level package (the apps, faxeif, scripts, tests) and the packages it imports."""
    graph: dict[str, set[str]] = {}
    for name, targets in import_graph().items():
        app = name.split(".")[0]
        graph.setdefault(app, set()).update(t.split(".")[0] for t in targets)
        graph[app].discard(app)
    return graph


def test_apps_import_each_other_one_way():
    assert circles(app_graph()) == []


def test_the_floor_under_the_page_types_imports_none_of_them():
    """base/ (the base page, blocks, settings, navigation) and what lies under it (the page
    cache, the owners and review dates of every page, the Danish spreadsheet downloads, the
    queue of outgoing e-mail) know no page app: a block that shows another app's content looks
    its model up by name, and the mail queue calls the function that composes a mail by its
    dotted path."""
    graph = app_graph()
    assert graph["base"] <= {"pagecache", "review"}
    assert graph["pagecache"] == set()
    assert graph["review"] <= {"spreadsheets", "mail"}
    assert graph["spreadsheets"] == set()
    assert graph["mail"] == set()
    assert "base" in graph["contacts"] and "base" in graph["pages"]


def test_faxeif_is_the_project_not_a_library_of_the_apps():
    """Apps take nothing from the project package (settings, URLs, WSGI, health and error
    views), except the SQLite engine's file creation for a restore into an empty database;
    manage.py starts Django through it as the WSGI entry point does."""
    users = {app for app, targets in app_graph().items() if "faxeif" in targets}
    assert users <= {"manage", "backups", "tests", "scripts"}


def test_tests_share_helpers_through_tests_support_never_through_each_other():
    graph = import_graph()
    test_modules = {
        name for name in graph if name.rpartition(".")[2].startswith(("test_", "conftest"))
    }
    imports_of_tests = {(name, target) for name in graph for target in graph[name] & test_modules}
    assert imports_of_tests == set()


def test_scripts_take_nothing_from_the_tests():
    graph = import_graph()
    from_tests = {
        (name, target)
        for name in graph
        if name.startswith("scripts.")
        for target in graph[name]
        if target.split(".")[0] == "tests"
    }
    assert from_tests == set()


def test_the_readme_layout_names_every_app_and_only_those():
    from django.conf import settings

    layout = (BASE_DIR / "README.md").read_text().split("## Layout", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"`(\w+)/`", layout))
    apps = {app for app in settings.INSTALLED_APPS if (BASE_DIR / app).is_dir()}
    # Folders that are not apps: mail/ is a package (a task and nothing Django loads as an app).
    folders = {"templates", "static", "tests", "scripts", "deploy", "docs", "mail"}
    assert named - folders == apps
