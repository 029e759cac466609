"""The public API: ``__all__`` is exact, sorted, documented, and speaks one vocabulary."""

from __future__ import annotations

import inspect
import types

import servqual as sq

# Spellings other libraries use that servqual refuses (STYLE.md, "One vocabulary").
FORBIDDEN_PARAMETERS = {
    "alpha",
    "confidence",
    "confidence_level",
    "conf_level",
    "ci",
    "rng",
    "random_state",
    "random_seed",
    "weight",
    "stratum",
    "cluster",
    "group_by",
    "groupby",
}


def _public_names() -> set[str]:
    # Submodules become attributes of the package when imported; only the ones listed in
    # __all__ (errors, instruments, sampling, ...) are public, so modules are checked apart.
    return {
        name
        for name, value in vars(sq).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }


def test_all_matches_public_names() -> None:
    exported = set(sq.__all__) - {"__version__"}
    modules = {n for n in exported if isinstance(getattr(sq, n), types.ModuleType)}
    assert exported - modules == _public_names()


def test_all_is_sorted() -> None:
    names = [n for n in sq.__all__ if n != "__version__"]
    assert names == sorted(names, key=str)


def test_every_public_name_has_a_docstring() -> None:
    missing = [n for n in sq.__all__ if n != "__version__" and not inspect.getdoc(getattr(sq, n))]
    assert missing == []


def _callables() -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = []
    for name in sq.__all__:
        obj = getattr(sq, name)
        if isinstance(obj, types.ModuleType):
            for sub in getattr(obj, "__all__", []):
                out.append((f"{name}.{sub}", getattr(obj, sub)))
        else:
            out.append((name, obj))
    expanded: list[tuple[str, object]] = []
    for name, obj in out:
        expanded.append((name, obj))
        if inspect.isclass(obj):
            for meth_name, meth in vars(obj).items():
                if not meth_name.startswith("_") and callable(meth):
                    expanded.append((f"{name}.{meth_name}", meth))
    return expanded


def test_no_foreign_parameter_spellings() -> None:
    offenders = []
    for name, obj in _callables():
        if not callable(obj) or inspect.isclass(obj):
            continue  # model fields (Estimate.ci) are the documented vocabulary of results
        try:
            params = inspect.signature(obj).parameters  # type: ignore[arg-type]
        except (TypeError, ValueError):
            continue
        offenders += [f"{name}({p})" for p in params if p in FORBIDDEN_PARAMETERS]
    assert offenders == []


def test_level_is_keyword_only() -> None:
    offenders = []
    for name, obj in _callables():
        if not callable(obj) or inspect.isclass(obj):
            continue
        try:
            params = inspect.signature(obj).parameters  # type: ignore[arg-type]
        except (TypeError, ValueError):
            continue
        for p in ("level", "method", "seed", "by", "weights", "strata", "clusters", "fpc"):
            if p in params and params[p].kind is not inspect.Parameter.KEYWORD_ONLY:
                if name.endswith("at_level") and p == "level":
                    continue  # the one argument of at_level is the level itself
                offenders.append(f"{name}({p})")
    assert offenders == []


def _public_members() -> list[tuple[str, object]]:
    """Every name of ``__all__``, with the ``__all__`` of the public submodules expanded."""
    out: list[tuple[str, object]] = []
    for name in sq.__all__:
        obj = getattr(sq, name)
        if isinstance(obj, types.ModuleType):
            out += [(f"{name}.{sub}", getattr(obj, sub)) for sub in getattr(obj, "__all__", [])]
        elif name != "__version__":
            out.append((name, obj))
    return out


def test_every_public_function_and_class_has_an_example() -> None:
    # STYLE.md, "Docstrings that tell a story and run": each public function and class
    # (of servqual and of its public submodules) shows an example, run as a doctest.
    # Exceptions and warnings are drawn in the tree of servqual.errors; constants
    # (instruments, tables, DEMO) are neither functions nor classes.
    missing = [
        name
        for name, obj in _public_members()
        if (inspect.isfunction(obj) or inspect.isclass(obj))
        and not (inspect.isclass(obj) and issubclass(obj, BaseException))
        and ">>>" not in (inspect.getdoc(obj) or "")
    ]
    assert missing == []
