"""The committed `_C.pyi` matches the built extension (`python -m rtorch._stubgen` rewrites
it), so IDEs and type checkers see every name `rtorch` re-exports from `_C`."""

import ast
import sys
from pathlib import Path

import pytest
from conftest import LIB as rtorch

pytestmark = pytest.mark.skipif(rtorch is None, reason="needs rtorch")


def test_stub_parses_and_package_is_typed():
    pkg = Path(rtorch.__file__).parent
    ast.parse((pkg / "_C.pyi").read_text())
    assert (pkg / "py.typed").exists()


@pytest.mark.skipif(
    sys.version_info[:2] != (3, 11), reason="slot-wrapper signatures differ between Pythons"
)
def test_stub_is_up_to_date():
    from rtorch import _stubgen

    pkg = Path(rtorch.__file__).parent
    assert (pkg / "_C.pyi").read_text() == _stubgen.render(), (
        "the bindings changed: run `python -m rtorch._stubgen` and commit _C.pyi"
    )


def test_every_reexported_name_is_in_the_stub():
    pkg = Path(rtorch.__file__).parent
    tree = ast.parse((pkg / "_C.pyi").read_text())
    stubbed = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    stubbed |= {n.target.id for n in tree.body if isinstance(n, ast.AnnAssign)}
    init = ast.parse((pkg / "__init__.py").read_text())
    imported = {
        a.name
        for n in init.body
        if isinstance(n, ast.ImportFrom) and n.module == "_C"
        for a in n.names
    }
    assert imported and imported <= stubbed, imported - stubbed
