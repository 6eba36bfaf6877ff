"""A picture of who talks to whom in ``docker login``/``push``/``pull``."""

from __future__ import annotations


def push_path_figure():  # noqa: ANN201 - a matplotlib Figure; matplotlib is imported lazily
    """A picture of who talks to whom in ``docker login``/``push``: CLI → dockerd → registry."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyBboxPatch

    fig, ax = plt.subplots(figsize=(9, 2.6))
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 3)
    ax.axis("off")
    boxes = [
        (0.2, "docker CLI\n(reads DOCKER_CONFIG:\nconfig.json, credsStore)"),
        (3.7, "dockerd\n(insecure ranges,\n/etc/docker/certs.d)"),
        (7.2, "registry\n(htpasswd, TLS,\nblobs + manifests)"),
    ]
    for x, text in boxes:
        ax.add_patch(FancyBboxPatch((x, 0.7), 2.6, 1.6, boxstyle="round,pad=0.05", fc="#e8f0fe", ec="#3367d6"))
        ax.text(x + 1.3, 1.5, text, ha="center", va="center", fontsize=9)
    arrows = [(2.85, 3.65, "Engine API\n+ X-Registry-Auth"), (6.35, 7.15, "HTTP(S) /v2/…\n+ Basic auth")]
    for start, end, label in arrows:
        ax.annotate("", xy=(end, 1.5), xytext=(start, 1.5), arrowprops={"arrowstyle": "->", "lw": 1.5})
        ax.text((start + end) / 2, 2.55, label, ha="center", va="center", fontsize=8)
    ax.set_title("docker login / push / pull: the daemon, not the CLI, talks to the registry", fontsize=10)
    return fig
