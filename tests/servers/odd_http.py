#!/usr/bin/python3
"""An HTTP server on loopback that misbehaves on purpose, for tests/http_client_test.cpp.

Binds 127.0.0.1 on a free port and prints one line, "port=N" (with " ca=PATH" under
--tls), once it accepts connections; then serves until killed, or until its parent
goes away, or after --lifetime seconds. Standard library only (plus the openssl
command for --tls, to make a throwaway self-signed certificate).

Routes (GET, HEAD, POST and PUT alike):
  /hello                   200 "hello\\n"
  /echo                    200, JSON of the request: method, path, headers (lowercase), body
  /status/N                status N
  /headers                 200 with a mixed-case and a repeated header
  /big/N                   N bytes with a Content-Length
  /endless                 no Content-Length, body until the client goes (HTTP/1.0 style)
  /endless-chunked         chunked body that never ends
  /range-ignored           200 and the whole body, whatever the Range header says
  /cl-says-10-sends-1000   Content-Length: 10, then 1000 bytes
  /cl-says-1000-sends-10   Content-Length: 1000, then 10 bytes and the connection closed
  /hang                    reads the request, never answers
  /drip                    headers, then one body byte every 3 s
  /close                   reads the request and closes without a word
  /loop                    302 to itself
  /chain/N                 302 to /chain/N-1 (with a header of its own); /chain/0 is 200
  /redirect?to=URL         302 to URL (file:///etc/passwd, ftp://..., ...)
  /gzip                    a text, gzip-encoded when the request accepts gzip
  /bad-gzip                Content-Encoding: gzip over bytes that are not gzip
  /gzip-bomb/N             N zero bytes, gzip-encoded (a few KB on the wire)
  /flaky/KEY/N/CODE        status CODE to the first N requests of KEY, then 200
  /retry-after/KEY/S       429 with Retry-After: S to the first request of KEY, then 200
  /count/KEY               how many requests KEY has seen
  /slow/KEY/MS             answers after MS ms; /peak/KEY tells how many of KEY were
                           in flight at once at most
  /etag                    ETag and Last-Modified; 304 to a matching If-None-Match or
                           If-Modified-Since
  /auth                    200 to Basic user:secret, else 401
  /file/KEY/N              N bytes of a file with an ETag, Last-Modified and byte ranges
                           (206 for "bytes=A-" and "bytes=A-B", 416 past the end, If-Range
                           honoured). Query: cut=B sends only B bytes of the first answer to
                           KEY and closes the connection; change=1 makes each request of KEY
                           see a new version (other bytes, other ETag); bad_range=1 answers
                           every request with 206 and the whole file from byte 0.
  /file-log/KEY            JSON list of the requests /file/KEY saw: range, if-range, status
"""

import argparse
import base64
import gzip
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

GZIP_TEXT = ("podsmith gzip test line\n" * 400).encode()
ETAG = '"v1-podsmith"'
LAST_MODIFIED = "Tue, 02 Jan 2024 03:04:05 GMT"

lock = threading.Lock()
counts = {}     # KEY -> requests seen
file_logs = {}  # KEY -> [{"range": ..., "if-range": ..., "status": ...}] of /file/KEY
in_flight = {}  # KEY -> requests in flight now
peaks = {}      # KEY -> most in flight at once


def count(key):
    with lock:
        counts[key] = counts.get(key, 0) + 1
        return counts[key]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "odd_http"
    sys_version = ""

    def log_message(self, fmt, *args):  # quiet unless asked
        if os.environ.get("ODD_HTTP_LOG"):
            sys.stderr.write("odd_http: " + (fmt % args) + "\n")

    def do_GET(self):
        self.route()

    def do_HEAD(self):
        self.route()

    def do_POST(self):
        self.route()

    def do_PUT(self):
        self.route()

    def do_DELETE(self):
        self.route()

    # Helpers

    def request_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def reply(self, status, body=b"", headers=(), content_type="text/plain"):
        self.send_response(status)
        if content_type and status != 304:
            self.send_header("Content-Type", content_type)
        for name, value in headers:
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD" and status != 304:
            self.wfile.write(body)

    def route(self):
        url = urllib.parse.urlsplit(self.path)
        parts = [p for p in url.path.split("/") if p]
        query = urllib.parse.parse_qs(url.query)
        body = self.request_body()
        name = parts[0] if parts else ""
        handler = getattr(self, "route_" + name.replace("-", "_"), None)
        if handler is None:
            self.reply(404, b"no such route\n")
            return
        handler(parts[1:], query, body)

    # Routes

    def route_hello(self, args, query, body):
        self.reply(200, b"hello\n")

    def route_echo(self, args, query, body):
        seen = {
            "method": self.command,
            "path": self.path,
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "body": body.decode("utf-8", "replace"),
        }
        self.reply(200, json.dumps(seen).encode(), content_type="application/json")

    def route_status(self, args, query, body):
        code = int(args[0])
        self.reply(code, b"" if code == 304 else f"status {code}\n".encode())

    def route_headers(self, args, query, body):
        self.reply(200, b"headers\n", headers=[("X-Mixed-Case", "Value"), ("X-Twice", "one"), ("X-Twice", "two")])

    def route_big(self, args, query, body):
        self.reply(200, b"x" * int(args[0]), content_type="application/octet-stream")

    def route_endless(self, args, query, body):
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        chunk = b"y" * 65536
        try:
            while True:
                self.wfile.write(chunk)
        except OSError:
            pass

    def route_endless_chunked(self, args, query, body):
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.close_connection = True
        chunk = b"z" * 65536
        try:
            while True:
                self.wfile.write(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
        except OSError:
            pass

    def route_range_ignored(self, args, query, body):
        self.reply(200, bytes(range(256)) * 4, content_type="audio/mpeg")

    def route_cl_says_10_sends_1000(self, args, query, body):
        self.send_response(200)
        self.send_header("Content-Length", "10")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        self.wfile.write(b"0123456789" + b"!" * 990)

    def route_cl_says_1000_sends_10(self, args, query, body):
        self.send_response(200)
        self.send_header("Content-Length", "1000")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        self.wfile.write(b"0123456789")

    def route_hang(self, args, query, body):
        time.sleep(3600)

    def route_drip(self, args, query, body):
        self.send_response(200)
        self.send_header("Content-Length", "100")
        self.end_headers()
        self.close_connection = True
        try:
            for _ in range(100):
                self.wfile.write(b".")
                self.wfile.flush()
                time.sleep(3)
        except OSError:
            pass

    def route_close(self, args, query, body):
        self.close_connection = True
        self.connection.shutdown(socket.SHUT_RDWR)

    def route_loop(self, args, query, body):
        self.reply(302, b"", headers=[("Location", "/loop")])

    def route_chain(self, args, query, body):
        n = int(args[0])
        if n == 0:
            self.reply(200, b"end of chain\n")
        else:
            self.reply(302, b"redirecting\n", headers=[("Location", f"/chain/{n - 1}"), ("X-From-Redirect", "yes")])

    def route_redirect(self, args, query, body):
        self.reply(302, b"", headers=[("Location", query["to"][0])])

    def route_gzip(self, args, query, body):
        accepts = "gzip" in (self.headers.get("Accept-Encoding") or "")
        if accepts:
            self.reply(200, gzip.compress(GZIP_TEXT), headers=[("Content-Encoding", "gzip"), ("Vary", "Accept-Encoding")])
        else:
            self.reply(200, GZIP_TEXT, headers=[("Vary", "Accept-Encoding")])

    def route_bad_gzip(self, args, query, body):
        self.reply(200, b"this is not gzip at all" * 10, headers=[("Content-Encoding", "gzip")])

    def route_gzip_bomb(self, args, query, body):
        self.reply(200, gzip.compress(b"\0" * int(args[0])), headers=[("Content-Encoding", "gzip")],
                   content_type="application/octet-stream")

    def route_flaky(self, args, query, body):
        key, failures, code = args[0], int(args[1]), int(args[2])
        seen = count(key)
        if seen <= failures:
            self.reply(code, f"failure {seen}\n".encode())
        else:
            self.reply(200, f"ok after {seen - 1} failures\n".encode())

    def route_retry_after(self, args, query, body):
        key, seconds = args[0], args[1]
        if count(key) == 1:
            self.reply(429, b"slow down\n", headers=[("Retry-After", seconds)])
        else:
            self.reply(200, b"ok\n")

    def route_count(self, args, query, body):
        with lock:
            n = counts.get(args[0], 0)
        self.reply(200, str(n).encode())

    def route_slow(self, args, query, body):
        key, ms = args[0], int(args[1])
        with lock:
            in_flight[key] = in_flight.get(key, 0) + 1
            peaks[key] = max(peaks.get(key, 0), in_flight[key])
        time.sleep(ms / 1000)
        with lock:
            in_flight[key] -= 1
        self.reply(200, self.path.encode())

    def route_peak(self, args, query, body):
        with lock:
            n = peaks.get(args[0], 0)
        self.reply(200, str(n).encode())

    def route_etag(self, args, query, body):
        headers = [("ETag", ETAG), ("Last-Modified", LAST_MODIFIED), ("Cache-Control", "no-cache")]
        if self.headers.get("If-None-Match") == ETAG or self.headers.get("If-Modified-Since") == LAST_MODIFIED:
            self.reply(304, headers=headers)
        else:
            self.reply(200, b"<rss/>\n", headers=headers, content_type="application/rss+xml")

    def route_file(self, args, query, body):
        key, size = args[0], int(args[1])
        seen = count("file/" + key)
        version = seen if query.get("change") == ["1"] else 1
        content = bytes((i * 7 + version * 13) % 251 for i in range(size))
        etag = f'"{key}-v{version}"'
        headers = [("ETag", etag), ("Last-Modified", LAST_MODIFIED), ("Accept-Ranges", "bytes")]
        asked = self.headers.get("Range")
        if_range = self.headers.get("If-Range")
        status, first, last = 200, 0, size - 1
        if query.get("bad_range") == ["1"]:
            status = 206
        elif asked and asked.startswith("bytes=") and (if_range is None or if_range == etag):
            start, _, end = asked[len("bytes="):].partition("-")
            first = int(start)
            last = min(int(end), size - 1) if end else size - 1
            status = 206 if first < size else 416
        with lock:
            file_logs.setdefault(key, []).append({"range": asked, "if-range": if_range, "status": status})
        if status == 416:
            self.reply(416, b"", headers=headers + [("Content-Range", f"bytes */{size}")])
            return
        if status == 206:
            headers.append(("Content-Range", f"bytes {first}-{last}/{size}"))
        part = content[first:last + 1]
        cut = query.get("cut")
        if cut and seen == 1:
            self.send_response(status)
            self.send_header("Content-Type", "audio/mpeg")
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(part)))
            self.end_headers()
            self.wfile.write(part[:int(cut[0])])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.reply(status, part, headers=headers, content_type="audio/mpeg")

    def route_file_log(self, args, query, body):
        with lock:
            log = list(file_logs.get(args[0], []))
        self.reply(200, json.dumps(log).encode(), content_type="application/json")

    def route_auth(self, args, query, body):
        expected = "Basic " + base64.b64encode(b"user:secret").decode()
        if self.headers.get("Authorization") == expected:
            self.reply(200, b"welcome\n")
        else:
            self.reply(401, b"who are you?\n", headers=[("WWW-Authenticate", 'Basic realm="odd"')])


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the default 5 would drop connections of a parallel batch

    def handle_error(self, request, client_address):
        # Clients that give up mid-answer (limits, timeouts) are the point of most
        # routes: no traceback for them.
        if os.environ.get("ODD_HTTP_LOG"):
            super().handle_error(request, client_address)


def make_certificate(directory):
    """A self-signed certificate for IP 127.0.0.1 only, so that "localhost" mismatches."""
    cert, key = os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return cert, key


cleanup_dirs = []


def exit_now(*_):
    for directory in cleanup_dirs:
        shutil.rmtree(directory, ignore_errors=True)
    os._exit(0)


def watch_parent(lifetime_s):
    parent = os.getppid()
    deadline = time.monotonic() + lifetime_s
    while os.getppid() == parent and time.monotonic() < deadline:
        time.sleep(0.5)
    exit_now()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tls", action="store_true", help="serve https with a throwaway certificate")
    parser.add_argument("--lifetime", type=float, default=900, help="exit after this many seconds")
    options = parser.parse_args()

    server = Server(("127.0.0.1", 0), Handler)
    line = f"port={server.server_address[1]}"
    if options.tls:
        directory = tempfile.mkdtemp(prefix="odd_http-")
        cleanup_dirs.append(directory)
        cert, key = make_certificate(directory)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        line += f" ca={cert}"
    signal.signal(signal.SIGTERM, exit_now)
    threading.Thread(target=watch_parent, args=(options.lifetime,), daemon=True).start()
    print(line, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
