import http.server
import threading

import pytest

from workbook.errors import ServiceNotReady
from workbook.ports import any_free_port
from workbook.web import wait_for_http


class Hello(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the stdlib's name
        body = b"Hello World!"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_waits_until_a_late_server_answers():
    port = any_free_port()
    server = http.server.HTTPServer(("127.0.0.1", port), Hello)
    timer = threading.Timer(0.5, server.serve_forever)
    timer.start()
    try:
        response = wait_for_http(f"http://127.0.0.1:{port}/", timeout=10)
        assert response.text == "Hello World!"
    finally:
        server.shutdown()
        server.server_close()


def test_times_out_with_a_message_that_names_the_url():
    url = f"http://127.0.0.1:{any_free_port()}/"
    with pytest.raises(ServiceNotReady, match="did not answer with HTTP 200 within 0.3 s") as caught:
        wait_for_http(url, timeout=0.3)
    assert url in str(caught.value)


def test_stops_at_once_when_the_server_died():
    url = f"http://127.0.0.1:{any_free_port()}/"
    with pytest.raises(ServiceNotReady, match="stopped before it answered: exit 3"):
        wait_for_http(url, timeout=30, still_running=lambda: "exit 3")
