"""What the daemon trusts: its insecure ranges, a CA in certs.d, and an address outside those ranges."""

from __future__ import annotations

import ipaddress
import os
import re
import shutil
import socket
from pathlib import Path

import docker
import docker.errors

from workbook import imagestore
from workbook.cleanup import track_path
from workbook.errors import RegistryError

CERTS_D = Path("/etc/docker/certs.d")


def engine_is_local_and_root(client: docker.DockerClient) -> tuple[bool, str]:
    """Can this process give the engine a CA through ``/etc/docker/certs.d``? (answer, reason)."""
    host = os.environ.get("DOCKER_HOST", "")
    if host and not host.startswith("unix://"):
        return False, f"the engine is remote (DOCKER_HOST={host}); its certs.d folder is on that machine"
    info = client.info()
    if "Docker Desktop" in info.get("OperatingSystem", "") or info.get("Name") != socket.gethostname():
        return False, "the engine runs in another machine or VM (Docker Desktop?), not on this host"
    if any("rootless" in option for option in info.get("SecurityOptions", [])):
        return False, "the engine is rootless; it reads ~/.config/docker/certs.d instead"
    if os.geteuid() != 0:
        return False, f"writing {CERTS_D} needs root (sudo), and this runs as uid {os.geteuid()}"
    return True, "the engine runs on this host as root and reads /etc/docker/certs.d"


def image_store(client: docker.DockerClient) -> str:
    """'containerd' when ``docker info`` reports the containerd image store, else 'classic'."""
    return imagestore.image_store(client.info())


def distribution_version(line: str) -> tuple[int, ...]:
    """The version in ``registry --version``'s line: ``'… distribution 2.8.3+ds1'`` -> (2, 8, 3)."""
    match = re.search(r"\bv?(\d+)\.(\d+)(?:\.(\d+))?", line.split()[-1] if line.split() else "")
    if not match:
        raise RegistryError(f"No version in the registry's answer: {line!r}")
    return tuple(int(part) for part in match.groups() if part is not None)


def certs_d_answer(client: docker.DockerClient, host_port: str) -> tuple[bool, str]:
    """Can this process install a CA for ``host_port``? (answer, one line saying why or why not).

    The negative line says what a root user on a Linux host with a local engine does instead.
    """
    ok, why = engine_is_local_and_root(client)
    if ok:
        return True, why
    return False, (
        f"Cannot install the CA here: {why}. As root on a Linux host with a local engine, the file "
        f"{CERTS_D}/{host_port}/ca.crt makes `docker login {host_port}` answer 'Login Succeeded'."
    )


def insecure_cidrs(client: docker.DockerClient) -> list[str]:
    """The address ranges the daemon treats as insecure registries (HTTP allowed, TLS unchecked)."""
    return list(client.info().get("RegistryConfig", {}).get("InsecureRegistryCIDRs") or [])


def daemon_treats_as_insecure(client: docker.DockerClient, address: str) -> bool:
    """True when ``address`` (an IP) lies in one of the daemon's insecure registry ranges."""
    ip = ipaddress.ip_address(address)
    return any(ip in ipaddress.ip_network(cidr) for cidr in insecure_cidrs(client))


def trust_ca(notebook: str, host_port: str, ca_cert: Path) -> Path:
    """Install ``ca_cert`` as ``/etc/docker/certs.d/<host_port>/ca.crt``; tracked for removal."""
    folder = CERTS_D / host_port
    track_path(notebook, folder)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "ca.crt"
    shutil.copyfile(ca_cert, target)
    return target


def network_with_fixed_subnet(
    client: docker.DockerClient, name: str, labels: dict[str, str]
) -> tuple[docker.models.networks.Network, str]:
    """A bridge network whose subnet is pinned, so containers may get a chosen ``--ip``.

    Docker only honours ``--ip`` on networks created with an explicit subnet. The
    engine picks a free one first; the network is then recreated with that subnet.
    Returns the network and the first address after the gateway.
    """
    for attempt in range(3):
        probe = client.networks.create(name, driver="bridge", labels=labels)
        probe.reload()
        config = probe.attrs["IPAM"]["Config"][0]
        subnet, gateway = config["Subnet"], config["Gateway"]
        probe.remove()
        ipam = docker.types.IPAMConfig(pool_configs=[docker.types.IPAMPool(subnet=subnet, gateway=gateway)])
        try:
            network = client.networks.create(name, driver="bridge", labels=labels, ipam=ipam)
        except docker.errors.APIError as error:
            if attempt == 2 or "overlap" not in str(error).lower():
                raise  # "overlaps": another network took the subnet in between; ask again
            continue
        return network, str(ipaddress.ip_address(gateway) + 1)
    raise AssertionError("unreachable")
