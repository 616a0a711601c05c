"""How the project's modules may import each other, read from the source (ast): nothing
is imported, so a rule broken by an import that would fail at start-up is still found.

- Apps are layered, bottom first (LAYERS). A module imports from its own layer and those
  below, never above, and no two apps (or layers' entries) import each other.
- A lower layer reaches a higher one only through hooks the higher app registers in its
  AppConfig.ready() (accounts.personal_data.EXPORTERS, mentoring_hub.mail.OPT_OUTS, ...):
  imports inside the AppConfig (ready() and the methods it calls) are not counted. An
  import inside any other function needs a comment on its line or the line above saying
  why (two apps that would otherwise import each other).
- Models and domain modules never handle a request: they import neither django.http
  and its kin nor any views, admin, URLs or forms.
- No module imports itself back through others (at import time).
"""

import ast
from collections import defaultdict
from functools import cache
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)

# Bottom first. An entry is an app (a package) or a module; a module belongs to the
# longest entry its name starts with. Entries in one layer may use each other one way.
LAYERS = [
    # The shared services every app uses: mail, periodic jobs, URL fetching, time
    # zones, the shared cache, share images, the admin's base classes, settings.
    ["mentoring_hub"],
    ["accounts"],
    ["events"],
    ["mentors"],
    ["mentoring", "community"],  # split from mentors (issue #22)
    # The project itself, above every app: its URLs, home and member's pages, and the
    # Jinja2 environment (with the schedule's filters).
    ["mentoring_hub.urls", "mentoring_hub.views", "mentoring_hub.jinja2"],
]

# Imports that break the layers today, each with its reason. The test fails once one of
# them is gone, so that this list only shrinks.
ALLOWED_TODAY = {}

# Modules that handle requests, by their name; apart from `apps` (which wires the app
# in: hooks, receivers, admin registrations), the rest of an app is its models and
# domain modules.
REQUEST_MODULES = {
    "views",
    "admin",
    "admin_site",
    "urls",
    "feeds",
    "forms",
    "middleware",
    "adapter",
}
# ...and those whose name does not say so.
RESPONDS_TOO = {
    "mentoring_hub.cards": "answers the request for a share image (cached, with its ETag)",
}
HTTP = ("django.http", "django.shortcuts", "django.template.response", "django.views")


def entries():
    return [entry for layer in LAYERS for entry in layer]


def layer_of(entry):
    return next(i for i, layer in enumerate(LAYERS) if entry in layer)


def entry_of(module):
    """The LAYERS entry `module` belongs to, or None for a module outside the project."""
    matches = [entry for entry in entries() if is_within(module, entry)]
    return max(matches, key=len, default=None)


@cache
def project_modules():
    """{dotted name: path} of every module in the apps, migrations left out (they
    import what they were written against)."""
    found = {}
    for app in {entry.split(".")[0] for entry in entries()}:
        for path in sorted((ROOT / app).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if "migrations" in parts:
                continue
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


class Import:
    def __init__(self, importer, target, node, function):
        self.importer, self.target, self.node, self.function = importer, target, node, function

    @property
    def in_ready(self):
        """Inside the AppConfig: ready() and the methods it calls to register hooks."""
        return self.function is not None and self.importer.endswith(".apps")

    @property
    def at_import_time(self):
        return self.function is None

    def __repr__(self):
        return f"{self.importer}:{self.node.lineno} imports {self.target}"


def targets(node, importer):
    """The modules an import statement names: for `from a import b`, a.b when it is a
    module of ours, else a. The project writes no relative imports."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    assert node.level == 0, f"{importer}:{node.lineno}: a relative import"
    return [
        f"{node.module}.{alias.name}"
        if f"{node.module}.{alias.name}" in project_modules()
        else node.module
        for alias in node.names
    ]


@cache
def imports():
    found = []
    for module, path in project_modules().items():
        tree = ast.parse(path.read_text(), filename=str(path))
        found.extend(walk(tree, module, None))
    return found


def walk(node, module, function):
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.Import | ast.ImportFrom):
            for target in targets(child, module):
                yield Import(module, target, child, function)
        elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
            yield from walk(child, module, function or child.name)
        else:
            yield from walk(child, module, function)


def between_entries():
    """(importer's entry, target's entry, import) for imports that cross entries,
    leaving out those inside the AppConfig."""
    for imp in imports():
        source, target = entry_of(imp.importer), entry_of(imp.target)
        if target is not None and source != target and not imp.in_ready:
            yield source, target, imp


def is_allowed_today(imp):
    return any(
        imp.importer == importer and is_within(imp.target, target)
        for importer, target in ALLOWED_TODAY
    )


def is_within(module, name):
    """Whether `module` is `name` or inside it."""
    return module == name or module.startswith(f"{name}.")


def handles_requests(module):
    """Whether `module` handles requests: by its name or its package's (app/views/x.py)."""
    return bool(REQUEST_MODULES.intersection(module.split(".")[1:])) or module in RESPONDS_TOO


def is_http(module):
    return any(is_within(module, name) for name in HTTP)


def cycles(graph):
    """Each edge a -> b of `graph` ({node: set of nodes}) that a path from b leads back
    to a closes a cycle: [a, b, ..., a] for each, shortest first."""
    found = []
    for start in sorted(graph):
        for following in sorted(graph[start]):
            if trail := shortest_path(graph, following, start):
                found.append([start, *trail])
    return sorted(found, key=len)


def shortest_path(graph, start, goal):
    """[start, ..., goal] along `graph`'s edges (breadth first), or None."""
    trails, seen = [[start]], {start}
    while trails:
        trail = trails.pop(0)
        if trail[-1] == goal:
            return trail
        for following in sorted(graph.get(trail[-1], ())):
            if following not in seen:
                seen.add(following)
                trails.append([*trail, following])
    return None


def test_every_app_of_ours_has_a_layer():
    ours = {
        app.split(".")[0] for app in settings.INSTALLED_APPS if (ROOT / app.split(".")[0]).is_dir()
    }
    assert ours - {entry.split(".")[0] for entry in entries()} == set()


def test_no_module_imports_a_higher_layer():
    upward = [
        imp
        for source, target, imp in between_entries()
        if layer_of(target) > layer_of(source) and not is_allowed_today(imp)
    ]
    assert upward == []


def test_no_two_apps_import_each_other():
    uses = defaultdict(set)
    for source, target, imp in between_entries():
        if not is_allowed_today(imp):
            uses[source].add(target)
    assert cycles(uses) == []


def test_no_module_imports_itself_back():
    uses = defaultdict(set)
    for imp in imports():
        if imp.at_import_time and imp.target in project_modules():
            uses[imp.importer].add(imp.target)
    assert cycles(uses) == []


def test_imports_inside_functions_are_hooks_in_ready_or_say_why():
    unexplained = []
    for imp in imports():
        if imp.at_import_time or imp.in_ready:
            continue
        lines = project_modules()[imp.importer].read_text().splitlines()
        here, above = lines[imp.node.lineno - 1], lines[imp.node.lineno - 2]
        if "#" not in here and not above.strip().startswith("#"):
            unexplained.append(imp)
    assert unexplained == []


def test_models_and_domain_modules_never_handle_requests():
    found = [
        imp
        for imp in imports()
        if not handles_requests(imp.importer)
        and not imp.importer.endswith(".apps")
        and (
            is_http(imp.target)
            or (imp.target in project_modules() and handles_requests(imp.target))
        )
    ]
    assert found == []


def test_modules_named_as_exceptions_exist():
    """Once a module is split or moved, take it off these lists."""
    named = {*RESPONDS_TOO, *(importer for importer, _target in ALLOWED_TODAY)}
    assert named - set(project_modules()) == set()


def test_allowed_exceptions_still_happen():
    """Once an exception is fixed, take it off ALLOWED_TODAY."""
    happening = {
        (importer, target)
        for importer, target in ALLOWED_TODAY
        for imp in imports()
        if imp.importer == importer and is_within(imp.target, target)
    }
    assert happening == set(ALLOWED_TODAY)


def test_cycles_are_found_and_named():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph)[0] == ["a", "b", "c", "a"]
    assert cycles({"a": {"b"}, "b": set()}) == []
