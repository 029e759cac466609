r"""``servqual schema``: the JSON Schema of a public model, for app developers.

Examples
--------
.. code-block:: console

    $ servqual schema --list
    $ servqual schema Instrument > instrument.schema.json
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from pydantic import BaseModel

from servqual.errors import ParameterError

__all__ = ["public_models", "register", "run_schema"]


def public_models() -> dict[str, type[BaseModel]]:
    """Every pydantic model among servqual's public names, by name (sorted)."""
    import servqual

    found = {
        name: obj
        for name in servqual.__all__
        if isinstance(obj := getattr(servqual, name), type) and issubclass(obj, BaseModel)
    }
    return dict(sorted(found.items()))


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add the ``schema`` subcommand."""
    p = subparsers.add_parser(
        "schema",
        help="print the JSON Schema of a public model (Instrument, Report, SKMResult, …)",
        description="Print the JSON Schema (draft 2020-12, from pydantic) of a public model.",
    )
    p.add_argument("model", nargs="?", help="model name, any case (see --list)")
    p.add_argument("--list", action="store_true", help="list the model names")
    p.add_argument(
        "--mode",
        choices=("validation", "serialization"),
        default="validation",
        help="schema of the input accepted (default) or of the JSON written",
    )
    p.set_defaults(handler=run_schema)


def run_schema(args: argparse.Namespace) -> int:
    """Print one schema, or the list of model names."""
    models = public_models()
    if args.list:
        print("\n".join(models))
        return 0
    if args.model is None:
        raise ParameterError(f"give a model name; models: {list(models)}")
    by_key = {name.lower(): model for name, model in models.items()}
    model = by_key.get(args.model.lower())
    if model is None:
        raise ParameterError(f"unknown model {args.model!r}; models: {list(models)}")
    print(json.dumps(model.model_json_schema(mode=args.mode), indent=2, ensure_ascii=False))
    return 0
