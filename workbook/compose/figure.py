"""A picture of running Compose projects: networks, containers, host ports and volumes."""

from __future__ import annotations

from collections.abc import Sequence

import docker

from workbook.compose.project import Project


def draw_stacks(client: docker.DockerClient, projects: Sequence[Project], private: int = 5000):  # noqa: ANN201
    """A picture of running projects: each network with its containers, host ports and volumes.

    Drawn from what the engine reports now (not from the compose files); returns the
    matplotlib Figure.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyBboxPatch

    width = 4.6
    fig, ax = plt.subplots(figsize=(4.8 * max(len(projects), 1), 4.6))
    ax.set_axis_off()
    tallest = 1
    for column, project in enumerate(projects):
        x0 = column * (width + 0.6)
        containers = project.containers(client)
        volumes = project.volumes(client)
        networks = project.networks(client)
        height = 1.0 + 0.75 * max(len(containers), 1)
        tallest = max(tallest, height + 1.6)
        ax.add_patch(FancyBboxPatch((x0, 1.2), width, height, boxstyle="round,pad=0.05", fc="#eef4fb", ec="#4a78b0"))
        ax.text(x0 + 0.1, 1.2 + height - 0.3, f"network {', '.join(networks) or '–'}", fontsize=9, color="#4a78b0")
        ax.text(x0, 1.2 + height + 0.25, f"project {project.name}", fontsize=11, weight="bold")
        volume_y = {volume: 0.35 - 0.6 * row for row, volume in enumerate(volumes)}
        for volume, y in volume_y.items():
            ax.add_patch(
                FancyBboxPatch((x0 + 0.2, y), 2.4, 0.45, boxstyle="round,pad=0.03", fc="#f6efd9", ec="#a08a3c")
            )
            ax.text(x0 + 0.3, y + 0.14, f"volume {volume}", fontsize=8)
        for row, container in enumerate(containers):
            y = 1.2 + height - 1.0 - 0.75 * row
            ax.add_patch(FancyBboxPatch((x0 + 0.2, y), 2.4, 0.5, boxstyle="round,pad=0.03", fc="white", ec="#333"))
            ax.text(x0 + 0.3, y + 0.17, container.name, fontsize=9)
            bindings = (container.attrs["NetworkSettings"]["Ports"] or {}).get(f"{private}/tcp") or []
            if bindings:
                ax.annotate(
                    "",
                    xy=(x0 + 2.6, y + 0.25),
                    xytext=(x0 + 3.3, y + 0.25),
                    arrowprops={"arrowstyle": "->", "color": "#b05a2a"},
                )
                ax.text(x0 + 3.35, y + 0.17, f"127.0.0.1:{bindings[0]['HostPort']}", fontsize=8, color="#b05a2a")
            for mount in container.attrs.get("Mounts") or []:
                if mount.get("Type") == "volume" and mount.get("Name") in volume_y:
                    target_y = volume_y[mount["Name"]] + 0.45
                    ax.plot(
                        [x0 + 2.7, x0 + 2.9, x0 + 2.9, x0 + 2.7],
                        [y + 0.25, y + 0.25, target_y - 0.2, target_y - 0.2],
                        color="#a08a3c",
                        lw=1,
                        ls="--",
                    )
                    ax.text(
                        x0 + 2.95, (y + target_y) / 2 - 0.1, mount.get("Destination", ""), fontsize=7, color="#a08a3c"
                    )
    ax.set_xlim(-0.2, len(projects) * (width + 0.6))
    ax.set_ylim(-0.6, tallest + 0.6)
    fig.tight_layout()
    return fig
