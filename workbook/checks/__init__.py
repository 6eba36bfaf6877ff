"""Exercise checks, one module per notebook topic (dockerfile, image, container, …).

A check inspects the learner's real result (files, images, containers, HTTP answers),
prints one line starting with "✓" when it holds, and raises CheckFailed with a
message saying what is wrong and how to fix it when it does not.
"""

from __future__ import annotations

from workbook.errors import CheckFailed


def passed(message: str) -> bool:
    """Print the success line of a check and return True."""
    print(f"✓ {message}")
    return True


def require(condition: bool, problem: str) -> None:
    """Raise CheckFailed(problem) unless ``condition`` holds."""
    if not condition:
        raise CheckFailed(problem)
