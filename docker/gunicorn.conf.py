"""gunicorn's settings for the production image (notebook 09 writes and explains this file)."""

import os

# Workers: 2 x CPUs + 1, counting the CPUs this process may run on (a container started
# with --cpuset-cpus sees only those); WEB_CONCURRENCY overrides the number.
cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * cpus + 1))
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:5000")

# Each worker's heartbeat file on a RAM-backed tmpfs (/dev/shm in every container), not on
# the container's disk-backed overlay, where a slow write can make a worker look dead.
worker_tmp_dir = "/dev/shm"

# `docker stop` sends SIGTERM, waits 10 s (its --time, Compose's stop_grace_period), then
# SIGKILL: give workers 5 s to finish their requests, leaving gunicorn time to exit before the kill.
graceful_timeout = int(os.environ.get("GRACEFUL_TIMEOUT", 5))

# One line per request, and gunicorn's own messages, on stdout/stderr: `docker logs` reads them.
accesslog = "-"
errorlog = "-"

# gunicorn 25.1+ opens a control socket (for `gunicornc`) under $HOME by default: the
# read-only root filesystem has no room for it, the /tmp tmpfs has.
control_socket = "/tmp/gunicorn.ctl"
