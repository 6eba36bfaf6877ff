"""The port `make lab` gives JupyterLab: 8888, or a free one, said in one line.

JupyterLab itself moves to the next free port when 8888 is taken and mentions it among
dozens of log lines; a learner then opens the other server on 8888. `make lab` asks
this module first and starts JupyterLab on exactly the port it prints.
"""

from __future__ import annotations

import os
import sys

from workbook.errors import WorkbookError
from workbook.ports import LOOPBACK, any_free_port, port_is_free, shifted

LAB_PORT = 8888


def lab_port(preferred: int | None = None) -> tuple[int, str]:
    """(port, one line for the learner): ``preferred`` (LAB_PORT, else 8888 plus the port offset) when free."""
    preferred = preferred or int(os.environ.get("LAB_PORT") or shifted(LAB_PORT)[0])
    if port_is_free(preferred):
        return (
            preferred,
            f"lab: JupyterLab starts on http://{LOOPBACK}:{preferred}/ (open the URL with the token below).",
        )
    port = any_free_port()
    return port, (
        f"lab: port {preferred} is taken (another Jupyter?): JupyterLab starts on "
        f"http://{LOOPBACK}:{port}/ instead; open that URL, or set LAB_PORT=... to choose one."
    )


def main() -> int:
    """Print the line on stderr and the port alone on stdout (for the Makefile)."""
    try:
        port, line = lab_port()
    except ValueError:
        print("lab: LAB_PORT must be a port number, e.g. LAB_PORT=8889.", file=sys.stderr)
        return 2
    except WorkbookError as error:  # WORKBOOK_USER or WORKBOOK_PORT_OFFSET unusable
        print(f"lab: {error}", file=sys.stderr)
        return 2
    print(line, file=sys.stderr)
    print(port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
