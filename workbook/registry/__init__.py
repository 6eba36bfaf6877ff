"""A private registry on the learner's machine: start it, push to it, read its HTTP API.

The registry is the image ``make setup`` resolved for the role "registry" (the official
``registry:3`` where it can be pulled, else the Debian-built substitute: distribution 2.8
with registry:3's layout, config at ``/etc/distribution/config.yml``). Everything here talks
to 127.0.0.1 or to a container the notebook created; nothing is sent anywhere else.

Host files the notebook makes (registry configuration folders, a temporary
``DOCKER_CONFIG``, ``/etc/docker/certs.d/<host:port>/``) are recorded with
``track_path`` so that ``remove_tracked_paths`` deletes them even after an
interrupted run.

One module per job; every name is also importable from ``workbook.registry``:

- ``config``: ``config.yml`` (PyYAML) and htpasswd lines (bcrypt);
- ``tls``: a throwaway CA and server certificate (openssl);
- ``trust``: the daemon's insecure ranges, certs.d, a network with a pinned subnet;
- ``api``: ``Registry``, the HTTP API client (catalog, tags, manifests, deletes, GC);
- ``server``: start or connect to a registry container and wait for ``/v2/``;
- ``transfer``: push and pull through the SDK, ``docker push`` output read back;
- ``credentials``: a login into a temporary DOCKER_CONFIG, the toy credential helper;
- ``figure``: the CLI → dockerd → registry picture.
"""

from __future__ import annotations

from workbook.errors import PushFailed, RegistryError, ServiceNotReady, WorkbookError
from workbook.registry.api import (
    ATTESTATION,
    EMPTY_LAYER,
    MANIFEST_ACCEPT,
    MANIFEST_TYPES,
    Manifest,
    Registry,
    describe_manifest_answer,
)
from workbook.registry.config import (
    CONFIG_DIR_IN_CONTAINER,
    DATA_DIR,
    config_uses_tls,
    htpasswd_accepts,
    htpasswd_line,
    registry_config,
    registry_settings,
)
from workbook.registry.credentials import CREDENTIAL_HELPER, docker_login, login_unknown_user, write_credential_helper
from workbook.registry.figure import push_path_figure
from workbook.registry.server import connect_registry, container_address, start_registry, wait_for_registry
from workbook.registry.tls import TlsFiles, certificate_names, make_tls_files
from workbook.registry.transfer import (
    DIGEST_LINE,
    FINAL_STATUSES,
    PushResult,
    explain_push_error,
    pull,
    push,
    summarize_cli_push,
)
from workbook.registry.trust import (
    CERTS_D,
    certs_d_answer,
    daemon_treats_as_insecure,
    distribution_version,
    engine_is_local_and_root,
    image_store,
    insecure_cidrs,
    network_with_fixed_subnet,
    trust_ca,
)

__all__ = [
    "ATTESTATION",
    "CERTS_D",
    "CONFIG_DIR_IN_CONTAINER",
    "CREDENTIAL_HELPER",
    "DATA_DIR",
    "DIGEST_LINE",
    "EMPTY_LAYER",
    "FINAL_STATUSES",
    "MANIFEST_ACCEPT",
    "MANIFEST_TYPES",
    "Manifest",
    "PushFailed",
    "PushResult",
    "Registry",
    "RegistryError",
    "ServiceNotReady",
    "TlsFiles",
    "WorkbookError",
    "certificate_names",
    "certs_d_answer",
    "config_uses_tls",
    "connect_registry",
    "container_address",
    "daemon_treats_as_insecure",
    "describe_manifest_answer",
    "distribution_version",
    "engine_is_local_and_root",
    "explain_push_error",
    "htpasswd_accepts",
    "htpasswd_line",
    "image_store",
    "insecure_cidrs",
    "docker_login",
    "login_unknown_user",
    "make_tls_files",
    "network_with_fixed_subnet",
    "pull",
    "push",
    "push_path_figure",
    "registry_config",
    "registry_settings",
    "start_registry",
    "summarize_cli_push",
    "trust_ca",
    "wait_for_registry",
    "write_credential_helper",
]
