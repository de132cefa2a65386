"""A flow you can read: no import cycles, handler areas that do not import each other, one
table for what a reply means after each question, and questions that survive the session.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from trust_coach.handlers.followups import FOLLOWUPS, WITHOUT_QUESTION, Reply
from trust_coach.questions import Ask, Question

PACKAGE = Path(__file__).resolve().parents[1] / "lambda" / "trust_coach"
# The two modules that see every area: the ordered list, and the follow-up table.
COMPOSITION = {"trust_coach.handlers", "trust_coach.handlers.followups"}
SHARED = {"trust_coach.handlers.base"}
EXERCISE_QUESTIONS = (Ask.OFFER_EXERCISE, Ask.START_EXERCISE, Ask.SUGGEST_EXERCISE)


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in PACKAGE.rglob("*.py")}


def imports(name: str) -> set[str]:
    """The package's modules `name` imports, at module level or inside functions."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, *([base] if base else [])])
            for alias in node.names:
                child = f"{base}.{alias.name}"
                found.add(child if child in MODULES else base)
    return {module for module in found if module in MODULES and module != name}


GRAPH = {name: imports(name) for name in MODULES}


def test_no_module_of_the_skill_imports_itself_back():
    # Depth-first, following every import, a module met again on the current path is a cycle.
    cycles = []

    def visit(name: str, path: list[str], done: set[str]) -> None:
        for target in sorted(GRAPH[name]):
            if target in path:
                cycles.append([*path[path.index(target) :], target])
            elif target not in done:
                visit(target, [*path, target], done)
        done.add(name)

    finished: set[str] = set()
    for name in sorted(GRAPH):
        visit(name, [name], finished)
    assert cycles == []


def test_handler_areas_do_not_import_each_other():
    areas = {
        name
        for name in MODULES
        if name.startswith("trust_coach.handlers.") and name not in COMPOSITION | SHARED
    }
    crossing = {(name, target) for name in areas for target in GRAPH[name] & areas}
    assert crossing == set()


def test_modules_below_the_handlers_never_import_them():
    handlers = {name for name in MODULES if name.startswith("trust_coach.handlers")}
    below = set(MODULES) - handlers - {"trust_coach.app"}
    assert {(name, target) for name in below for target in GRAPH[name] & handlers} == set()


def test_every_question_has_its_row_and_every_reply_a_default():
    assert set(FOLLOWUPS) == set(Ask)
    assert set(WITHOUT_QUESTION) == set(Reply)


@pytest.mark.parametrize(
    "question",
    [Question(ask) for ask in Ask if ask not in (Ask.READ_STRATEGY, *EXERCISE_QUESTIONS)]
    + [
        Question(Ask.READ_STRATEGY, strategy=6),
        Question(Ask.OFFER_EXERCISE, exercise="promise"),
        Question(Ask.START_EXERCISE, exercise="four_seven_eight"),
        Question(Ask.SUGGEST_EXERCISE, exercise="gentle"),
    ],
    ids=lambda question: question.code,
)
def test_a_question_survives_the_session_as_its_code(question):
    assert Question.from_code(question.code) == question
