"""The IPython shell a notebook runs in, and the input transformers the workbook adds to it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Transformer = Callable[[list[str]], list[str]]


def current_shell() -> Any | None:
    """The running IPython shell; None outside IPython (a plain script, a test)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def add_transformer(transformer: Transformer, kind: str) -> bool:
    """Run ``transformer`` on the source of every later cell, replacing an earlier one of the same ``kind``.

    Returns False outside IPython.
    """
    shell = current_shell()
    if shell is None:
        return False
    transformer.workbook_kind = kind  # type: ignore[attr-defined]
    transformers = shell.input_transformers_post
    transformers[:] = [t for t in transformers if getattr(t, "workbook_kind", None) != kind]
    transformers.append(transformer)
    return True
