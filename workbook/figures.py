"""Pictures for the notebooks, drawn as SVG text so that nbval compares them."""

from __future__ import annotations

from html import escape

from workbook.engine import EngineFacts


def _box(x: int, y: int, w: int, h: int, title: str, lines: list[str], fill: str) -> str:
    parts = [
        f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="8" fill="{fill}" stroke="#333"/>',
        f'<text x="{x + w // 2}" y="{y + 22}" text-anchor="middle" font-weight="bold">{escape(title)}</text>',
    ]
    for i, line in enumerate(lines):
        parts.append(f'<text x="{x + w // 2}" y="{y + 44 + 18 * i}" text-anchor="middle">{escape(line)}</text>')
    return "\n".join(parts)


def _arrow(x1: int, y1: int, x2: int, y2: int, label: str) -> str:
    mid_x, mid_y = (x1 + x2) // 2, (y1 + y2) // 2 - 8
    return (
        f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="#333" stroke-width="2" marker-end="url(#head)"/>'
        f'<text x="{mid_x}" y="{mid_y}" text-anchor="middle" font-size="12">{escape(label)}</text>'
    )


def architecture_svg(facts: EngineFacts, images: list[str]) -> str:
    """Client → daemon (→ containers, images) ↔ registry, labelled with this machine's facts."""
    body = [
        '<defs><marker id="head" markerWidth="10" markerHeight="8" refX="9" refY="4" orient="auto">'
        '<path d="M0,0 L10,4 L0,8 z" fill="#333"/></marker></defs>',
        _box(
            10,
            60,
            190,
            110,
            "client",
            ["docker CLI " + facts.client_version, "Docker SDK for Python", "raw HTTP"],
            "#e8f1fb",
        ),
        _box(
            300,
            30,
            240,
            170,
            "daemon (dockerd)",
            [
                f"Engine {facts.server_version}",
                f"API {facts.server_min_api} to {facts.server_api}",
                facts.image_store.split(" (")[0],
                f"storage: {facts.storage_driver}",
            ],
            "#fdf0e0",
        ),
        _box(630, 10, 280, 100, "containers", ["running processes", "from images"], "#e9f7e9"),
        _box(630, 130, 280, 36 + 18 * max(1, len(images)), "images", images or ["(none yet)"], "#f3ecfa"),
        _box(300, 260, 240, 80, "registry", ["Docker Hub, or your own", "push / pull images"], "#f5f5f5"),
        _arrow(200, 115, 298, 115, f"REST API {facts.negotiated_api}"),
        _arrow(540, 70, 628, 60, "run"),
        _arrow(540, 150, 628, 160, "build / store"),
        _arrow(420, 200, 420, 258, "push / pull"),
    ]
    height = max(360, 150 + 18 * len(images) + 30)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="920" height="{height}" font-family="sans-serif" '
        f'font-size="13">\n' + "\n".join(body) + "\n</svg>"
    )
