"""A throwaway CA and a server certificate signed by it (the openssl command line tool)."""

from __future__ import annotations

import ipaddress
import shutil
import subprocess
from pathlib import Path
from typing import NamedTuple

from workbook.errors import WorkbookError


class TlsFiles(NamedTuple):
    """A self-signed CA and a server certificate signed by it."""

    ca_cert: Path
    server_cert: Path
    server_key: Path
    names: tuple[str, ...]


def _openssl(*args: str, cwd: Path) -> None:
    done = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        raise WorkbookError(f"`openssl {args[0]}` failed: {done.stderr.strip()[-300:]}")


def make_tls_files(folder: Path, names: list[str], days: int = 2) -> TlsFiles:
    """Make ``ca.crt`` (a throwaway CA) and ``server.crt``/``server.key`` for ``names``.

    ``names`` are the host names and IP addresses the server certificate is valid
    for (its subjectAltName). Uses the openssl command line tool.
    """
    if shutil.which("openssl") is None:
        raise WorkbookError("The openssl command is missing; install it (`apt-get install openssl`) and run again.")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    alt = ",".join(f"IP:{n}" if _is_ip(n) else f"DNS:{n}" for n in names)
    _openssl(
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", str(days),
        "-keyout", "ca.key", "-out", "ca.crt", "-subj", "/CN=Workbook throwaway CA",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        cwd=folder,
    )  # fmt: skip
    _openssl(
        "req", "-newkey", "rsa:2048", "-nodes", "-sha256",
        "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=workbook-registry",
        cwd=folder,
    )  # fmt: skip
    (folder / "server.ext").write_text(
        f"subjectAltName={alt}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"
    )
    _openssl(
        "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
        "-days", str(days), "-sha256", "-out", "server.crt", "-extfile", "server.ext",
        cwd=folder,
    )  # fmt: skip
    return TlsFiles(folder / "ca.crt", folder / "server.crt", folder / "server.key", tuple(names))


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def certificate_names(cert: Path) -> list[str]:
    """The subjectAltName entries of a PEM certificate, as openssl prints them."""
    done = subprocess.run(
        ["openssl", "x509", "-in", str(cert), "-noout", "-ext", "subjectAltName"], capture_output=True, text=True
    )
    if done.returncode != 0:
        raise WorkbookError(f"openssl could not read {cert}: {done.stderr.strip()}")
    return [part.strip() for part in done.stdout.splitlines()[-1].split(",") if part.strip()]
