"""The article's app plus a hit counter kept in Redis (written by notebook 08).

`/` is still run.py's "Hello World!". `/count` adds one to a counter in Redis and
names the container that answered, so that replicas can be told apart.
"""

import os
import socket

from redis import Redis
from run import app  # the article's app, from run.py next to this file

redis = Redis(host=os.environ.get("REDIS_HOST", "redis"), port=6379, socket_timeout=2)


@app.route("/count")
def count():
    hits = redis.incr("hits")
    return {"hits": hits, "container": socket.gethostname()}
