#!/usr/bin/python3
"""A plain FTP server on loopback with one user, for the publish tests.

pyftpdlib (Debian's python3-pyftpdlib) serving --root to --user/--password with
every permission ("elradfmwMT": list, download, upload, append, delete, rename,
mkdir, chmod, mtime), so a publisher can upload to a temporary name and RNFR/RNTO
it into place. Binds 127.0.0.1 on a free port and prints one line, "port=N", once
it accepts connections; then serves until killed or until its parent goes away.
Passive data connections use free ports on 127.0.0.1 too.
"""

import argparse
import logging
import os
import signal
import sys
import threading
import time

from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import FTPHandler
from pyftpdlib.servers import FTPServer


def watch_parent():
    # The tests stop us by PID; this is for a test binary that died first.
    parent = os.getppid()
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", required=True, help="the user's home: where uploads land")
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    options = parser.parse_args()

    # pyftpdlib logs every command at INFO; only trouble belongs in the test output.
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)

    authorizer = DummyAuthorizer()
    authorizer.add_user(options.user, options.password, options.root, perm="elradfmwMT")
    handler = FTPHandler
    handler.authorizer = authorizer
    handler.banner = "podsmith test ftp"
    # pyftpdlib waits 3 s before answering a wrong password (against guessing);
    # the tests that send one need no such wait.
    handler.auth_failed_timeout = 0.1
    server = FTPServer(("127.0.0.1", 0), handler)

    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    threading.Thread(target=watch_parent, daemon=True).start()
    print(f"port={server.address[1]}", flush=True)
    server.serve_forever(handle_exit=False)


if __name__ == "__main__":
    main()
