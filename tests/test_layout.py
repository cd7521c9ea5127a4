"""Imports run one way: cli -> batch, stages, report, evaluate -> document -> stages of the
flow -> records, schema, io, memo, config, errors. Function-local imports count too."""

from __future__ import annotations

import ast
from pathlib import Path

import pipeline

PACKAGE = Path(pipeline.__file__).parent
# Each module's layer; a module imports only from lower layers or from its own package.
LAYERS: dict[str, float] = {
    "pipeline": 0, "pipeline.errors": 0, "pipeline.config": 0, "pipeline.schema": 0,
    "pipeline.records": 1, "pipeline.formats": 1, "pipeline.io": 2, "pipeline.memo": 1,
    "pipeline.limits": 1, "pipeline.gates": 1, "pipeline.crfsuite": 1,
    "pipeline.wordseg_tables": 2.2,
    "pipeline.wordseg": 2.4, "pipeline.structure": 2.4, "pipeline.clean": 2.4,
    "pipeline.segment": 3, "pipeline.annotations": 4,
    "pipeline.classify": 5, "pipeline.extract": 5, "pipeline.audit": 6,
    "pipeline.document": 7, "pipeline.compare": 8, "pipeline.stages": 8,
    "pipeline.batch": 8, "pipeline.annotation_tool": 8, "pipeline.report": 9,
    "pipeline.split": 9, "pipeline.about": 9, "pipeline.api": 9, "pipeline.evaluate_law": 9.5,
    "pipeline.evaluate_fact_probes": 9.5,
    "pipeline.evaluate": 10, "pipeline.cli": 11, "pipeline.__main__": 12,
}


def _modules() -> dict[str, Path]:
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        name = ".".join(("pipeline", *path.relative_to(PACKAGE).with_suffix("").parts))
        modules[name.removesuffix(".__init__")] = path
    return modules


def _imports(name: str, path: Path) -> set[str]:
    """The pipeline modules `name` imports, anywhere in its body."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package
            for _ in range(node.level - 1):
                base = base.rsplit(".", 1)[0]
            module = (f"{base}.{node.module}" if node.module else base) if node.level \
                else node.module or ""
            found.update(f"{module}.{alias.name}" for alias in node.names)
            found.add(module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {m for m in found if m.startswith("pipeline")}


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    graph = {}
    for name, path in modules.items():
        targets = set()
        for target in _imports(name, path):
            while target not in modules and "." in target:
                target = target.rsplit(".", 1)[0]
            if target in modules and target != name and not name.startswith(target + "."):
                targets.add(target)
        graph[name] = targets
    return graph


def _layer(module: str) -> tuple[str, float]:
    group = max((g for g in LAYERS if module == g or module.startswith(g + ".")), key=len)
    return group, LAYERS[group]


def test_every_module_has_a_layer():
    assert all(_layer(module) for module in _modules())


def test_no_import_cycle():
    graph, state, cycles = _graph(), {}, []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = "open"
        for target in sorted(graph[node]):
            if state.get(target) == "open":
                cycles.append(trail[trail.index(target):] + [target])
            elif target not in state:
                visit(target, [*trail, target])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert not cycles


def test_imports_run_one_way():
    wrong = []
    for module, targets in _graph().items():
        group, layer = _layer(module)
        for target in targets:
            target_group, target_layer = _layer(target)
            if target_group != group and target_layer >= layer:
                wrong.append(f"{module} -> {target}")
    assert not wrong
