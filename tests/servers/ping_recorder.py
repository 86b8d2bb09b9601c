#!/usr/bin/python3
"""An HTTP server on loopback that records every request, for the publish tests' pings.

Stands in for WebSub hubs, the Podcast Index and Podping: answers every request
(any method, any path) with --status (default 200) and a short text body, and
appends one JSON line per request to --log, written before the answer goes out:
method, path (without the query), query (raw, as sent), headers (lowercase
names; a repeated header's values joined with ", ") and body (the bytes as UTF-8; invalid bytes become
U+FFFD). Request bodies may come with a Content-Length or chunked.

Binds 127.0.0.1 on a free port and prints one line, "port=N", once it accepts
connections; then serves until killed or until its parent goes away. Standard
library only.
"""

import argparse
import json
import os
import signal
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

options = None
log_lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ping_recorder"
    sys_version = ""

    def log_message(self, fmt, *args):  # the JSON log is the record
        pass

    def read_body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            body = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return body
                body += self.rfile.read(size)
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def record(self):
        path, _, query = self.path.partition("?")
        entry = {"method": self.command, "path": path, "query": query,
                 "headers": {n.lower(): ", ".join(self.headers.get_all(n)) for n in self.headers.keys()},
                 "body": self.read_body().decode("utf-8", "replace")}
        with log_lock, open(options.log, "a", encoding="utf-8") as log:
            log.write(json.dumps(entry) + "\n")
        body = b"ok\n" if options.status < 400 else f"status {options.status}\n".encode()
        self.send_response(options.status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = record


class Server(ThreadingHTTPServer):
    daemon_threads = True


def watch_parent():
    # The tests stop us by PID; this is for a test binary that died first.
    parent = os.getppid()
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


def main():
    global options
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--status", type=int, default=200, help="the status of every answer")
    parser.add_argument("--log", required=True, help="append one JSON line per request here")
    options = parser.parse_args()

    server = Server(("127.0.0.1", 0), Handler)
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    threading.Thread(target=watch_parent, daemon=True).start()
    print(f"port={server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
