#!/bin/sh
# Like the official image: `redis-server [ARGS]` runs with protected mode off, so that
# other containers on the network may connect; any other command runs as given.
set -e
if [ "${1#-}" != "$1" ]; then
    set -- redis-server "$@"
fi
if [ "$1" = "redis-server" ]; then
    shift
    exec redis-server "$@" --protected-mode no
fi
exec "$@"
