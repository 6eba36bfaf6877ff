"""Whose objects these are: ``WORKBOOK_USER`` gives a student their own names on a shared engine.

Several students of a class may share one Docker engine, each in their own copy of the
repository. With ``WORKBOOK_USER=alice`` every name a notebook makes gets the prefix
``alice-``: the container ``wb04-web`` becomes ``alice-wb04-web``, the Compose project
``wb08`` becomes ``alice-wb08`` (and its network ``alice-wb08_default``), the image
``workbook/flask-app:04`` becomes ``alice-workbook/flask-app:04``, the label value
``04-container`` becomes ``alice-04-container``. Cleanup selects by that label, so one
student's cleanup never touches another's objects. Preferred host ports are shifted too
(see ``workbook.ports``).

The notebooks keep the article's names in their cells: `Notebook()` installs an IPython
input transformer that applies `owned` to the source of every later cell, and the helpers
apply it to the names they are given. `owned` is idempotent, so a name may pass through
both.
"""

from __future__ import annotations

import os
import re
import zlib

from workbook.errors import WorkbookError
from workbook.kernel import add_transformer

USER_VARIABLE = "WORKBOOK_USER"
_VALID_USER = re.compile(r"[a-z][a-z0-9]{0,15}")

# A workbook name starts with "wb" and a notebook's two digits (wb04-web, wb08_default, wb11);
# an image repository of the workbook starts with "workbook/". Neither rule fires inside a
# longer word, a path or a name that already has a prefix (alice-wb04-web), hence idempotent.
_NAME = re.compile(r"(?<![\w./-])(?=wb\d\d(?!\d))")
_IMAGE = re.compile(r"(?<![\w./-])(?=workbook/[a-z])")
_LABEL_VALUE = re.compile(r"(?<=org\.workbook\.notebook)([:=]\s*[\"']?)(?=\d\d-)")


def workbook_user() -> str:
    """The value of ``WORKBOOK_USER`` ("" when unset); WorkbookError when it cannot prefix names."""
    user = os.environ.get(USER_VARIABLE, "").strip()
    if user and not _VALID_USER.fullmatch(user):
        raise WorkbookError(
            f"{USER_VARIABLE}={user!r} cannot prefix Docker names: use 1 to 16 lowercase letters and digits, "
            f"starting with a letter (e.g. {USER_VARIABLE}=alice)."
        )
    return user


def owned(text: str) -> str:
    """``text`` with every workbook name, image repository and label value given the user's prefix."""
    user = workbook_user()
    if not user:
        return text
    prefix = f"{user}-"
    text = _NAME.sub(prefix, text)
    text = _IMAGE.sub(prefix, text)
    return _LABEL_VALUE.sub(lambda match: match.group(1) + prefix, text)


def owned_notebook(notebook: str) -> str:
    """The label value of ``notebook`` ("04-container") for this user ("alice-04-container")."""
    user = workbook_user()
    return f"{user}-{notebook}" if user and not notebook.startswith(f"{user}-") else notebook


def user_port_offset(user: str) -> int:
    """A port offset that depends only on the user's name: 1000 to 40000, in steps of 1000."""
    return 1000 * (1 + zlib.crc32(user.encode()) % 40)


def cell_transformer(lines: list[str]) -> list[str]:
    """IPython input transformer: the cell's source with `owned` applied."""
    return owned("".join(lines)).splitlines(keepends=True)


def install_cell_transformer() -> bool:
    """Apply `owned` to every later cell of this IPython kernel; False outside IPython."""
    return add_transformer(cell_transformer, "owner")


def describe(notebook: str, offset: int) -> str:
    """One line telling a student what ``WORKBOOK_USER`` changes in this notebook."""
    user = workbook_user()
    return (
        f"{USER_VARIABLE}={user}: this notebook's names get the prefix {user}- "
        f"(e.g. {owned('wb04-web')}, {owned('workbook/flask-app')}), its label is "
        f"org.workbook.notebook={owned_notebook(notebook)}, "
        f"its preferred ports are shifted by {offset}."
    )
