#!/usr/bin/python3
"""A reverse proxy on loopback that checks AWS Signature Version 4 before S3 sees a request.

s3rver (tests/servers/s3rver.js) accepts any signature, so a client that signs
wrongly would pass against it and fail against AWS. This proxy checks each request
the way S3 does, from the received bytes alone, and forwards only the good ones:

  1. An "Authorization: AWS4-HMAC-SHA256 Credential=KEY/DATE/REGION/SERVICE/aws4_request,
     SignedHeaders=..., Signature=..." header with a known KEY, the expected region
     and service, and an X-Amz-Date of the same DATE within 15 minutes of now.
  2. x-amz-content-sha256 is present; unless it is UNSIGNED-PAYLOAD it must be the
     SHA-256 of the body received (S3 answers 400 XAmzContentSHA256Mismatch).
  3. host and every x-amz-* header sent are among the SignedHeaders.
  4. The signature over the canonical request rebuilt from what was received --
     method, the URI path as sent, the canonical query string, the signed headers,
     the payload hash -- with the key derived from the secret. The canonical query
     string is the spec's (names and values URI-encoded, "/" as %2F, sorted by
     name); libcurl 7.88 signs the query as sent, so such a client must send it
     in that form already.

A failure is answered with S3's XML <Error> (403, or 400 / 411 as S3 does) and not
forwarded; SignatureDoesNotMatch carries the CanonicalRequest and StringToSign the
proxy computed, as S3 does, to compare with what the client signed. Every request
is logged as one JSON line to --log, written before the answer goes out: method,
path and query as sent, headers (lowercase names; a repeated header's values
joined with ", "), body_bytes, verdict ("ok" or the error code), status and, for a
refusal, message.

Binds 127.0.0.1 on a free port and prints one line, "port=N", once it accepts
connections; then serves until killed or until its parent goes away. Standard
library only.
"""

import argparse
import datetime
import hashlib
import hmac
import http.client
import json
import os
import re
import signal
import threading
import time
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

ALGORITHM = "AWS4-HMAC-SHA256"
AUTHORIZATION = re.compile(
    ALGORITHM + r"\s+Credential=([^,\s]+)\s*,\s*SignedHeaders=([^,\s]+)\s*,\s*Signature=([0-9a-f]{64})")
MAX_SKEW = datetime.timedelta(minutes=15)
# Hop-by-hop headers (RFC 9110 7.6.1) belong to one connection, not to the message.
HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "te", "trailer",
              "transfer-encoding", "upgrade", "expect"}

options = None
log_lock = threading.Lock()


class Refusal(Exception):
    def __init__(self, status, code, message, **details):
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details


def sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


def hmac_sha256(key, text):
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def uri_encode(text):
    # SigV4: percent-encode everything but the unreserved characters of RFC 3986.
    return urllib.parse.quote(text, safe="-_.~")


def canonical_query(raw_query):
    pairs = []
    for item in raw_query.split("&") if raw_query else []:
        name, _, value = item.partition("=")
        pairs.append((uri_encode(urllib.parse.unquote(name)), uri_encode(urllib.parse.unquote(value))))
    return "&".join(f"{n}={v}" for n, v in sorted(pairs))


def canonical_header_value(values):
    return ",".join(" ".join(v.split()) for v in values)


def check_signature(method, raw_path, raw_query, headers, body):
    """Returns None when S3 would accept the request's authentication, else raises Refusal."""
    authorization = headers.get("Authorization")
    if not authorization:
        raise Refusal(403, "AccessDenied", "Access Denied (no Authorization header)")
    match = AUTHORIZATION.fullmatch(authorization.strip())
    if not match:
        raise Refusal(403, "AuthorizationHeaderMalformed",
                      f"The authorization header is malformed; expected '{ALGORITHM} Credential=..., "
                      "SignedHeaders=..., Signature=...'")
    credential, signed_headers_text, signature = match.groups()
    scope = credential.split("/")
    if len(scope) != 5:
        raise Refusal(403, "AuthorizationHeaderMalformed", f"malformed Credential '{credential}'")
    access_key, date, region, service, terminator = scope
    if access_key != options.access_key:
        raise Refusal(403, "InvalidAccessKeyId",
                      "The AWS Access Key Id you provided does not exist in our records.")
    if region != options.region or service != options.service or terminator != "aws4_request":
        raise Refusal(403, "AuthorizationHeaderMalformed",
                      f"credential scope '{date}/{region}/{service}/{terminator}' is wrong; expecting "
                      f"'{date}/{options.region}/{options.service}/aws4_request'")

    amz_date = headers.get("X-Amz-Date") or ""
    try:
        when = datetime.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.timezone.utc)
    except ValueError:
        raise Refusal(403, "AccessDenied", f"X-Amz-Date '{amz_date}' is missing or not YYYYMMDDTHHMMSSZ")
    if amz_date[:8] != date:
        raise Refusal(403, "AuthorizationHeaderMalformed",
                      f"the credential date '{date}' is not the date of X-Amz-Date '{amz_date}'")
    if abs(datetime.datetime.now(datetime.timezone.utc) - when) > MAX_SKEW:
        raise Refusal(403, "RequestTimeTooSkewed",
                      "The difference between the request time and the current time is too large.")

    payload_hash = headers.get("x-amz-content-sha256")
    if payload_hash is None:
        raise Refusal(400, "InvalidRequest", "Missing required header for this request: x-amz-content-sha256")
    if payload_hash != "UNSIGNED-PAYLOAD":
        if not re.fullmatch(r"[0-9a-f]{64}", payload_hash):
            raise Refusal(400, "InvalidArgument",
                          f"x-amz-content-sha256 must be UNSIGNED-PAYLOAD or a lowercase SHA-256 hex digest"
                          f" (streaming payloads are not supported here), got '{payload_hash}'")
        if payload_hash != sha256_hex(body):
            raise Refusal(400, "XAmzContentSHA256Mismatch",
                          "The provided 'x-amz-content-sha256' header does not match what was computed.",
                          ClientComputedContentSHA256=payload_hash, S3ComputedContentSHA256=sha256_hex(body))

    signed = signed_headers_text.split(";")
    sent = {name.lower() for name in headers.keys()}
    unsigned = sorted(n for n in sent if n.startswith("x-amz-") and n not in signed)
    if "host" not in signed:
        unsigned.insert(0, "host")
    if unsigned:
        raise Refusal(403, "AccessDenied", "There were headers present in the request which were not signed",
                      HeadersNotSigned=", ".join(unsigned))

    canonical_headers = "".join(f"{n}:{canonical_header_value(headers.get_all(n) or [])}\n" for n in signed)
    canonical_request = "\n".join([method, raw_path or "/", canonical_query(raw_query), canonical_headers,
                                   signed_headers_text, payload_hash])
    scope_text = f"{date}/{region}/{service}/aws4_request"
    string_to_sign = "\n".join([ALGORITHM, amz_date, scope_text, sha256_hex(canonical_request.encode())])
    key = ("AWS4" + options.secret_key).encode()
    for part in (date, region, service, "aws4_request"):
        key = hmac_sha256(key, part)
    expected = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature):
        raise Refusal(403, "SignatureDoesNotMatch",
                      "The request signature we calculated does not match the signature you provided. "
                      "Check your key and signing method.",
                      AWSAccessKeyId=access_key, StringToSign=string_to_sign, CanonicalRequest=canonical_request)


def error_xml(refusal, resource):
    details = "".join(f"<{k}>{escape(str(v))}</{k}>" for k, v in refusal.details.items())
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{refusal.code}</Code>'
            f"<Message>{escape(refusal.message)}</Message>{details}<Resource>{escape(resource)}</Resource>"
            f"<RequestId>{uuid.uuid4().hex[:16].upper()}</RequestId></Error>").encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive and Expect: 100-continue, as S3
    server_version = "s3_sigv4_proxy"
    sys_version = ""

    def log_message(self, fmt, *args):  # the JSON log is the record
        pass

    def do_GET(self):
        self.handle_s3()

    def do_HEAD(self):
        self.handle_s3()

    def do_PUT(self):
        self.handle_s3()

    def do_POST(self):
        self.handle_s3()

    def do_DELETE(self):
        self.handle_s3()

    def handle_s3(self):
        raw_path, _, raw_query = self.path.partition("?")
        body = b""
        try:
            if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
                self.close_connection = True  # the body is left unread
                raise Refusal(411, "MissingContentLength", "You must provide the Content-Length HTTP header.")
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length > 0 else b""
            check_signature(self.command, raw_path, raw_query, self.headers, body)
        except Refusal as refusal:
            self.log_request_line(raw_path, raw_query, body, refusal.code, refusal.status, refusal.message)
            payload = error_xml(refusal, raw_path)
            self.send_response_only(refusal.status)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)
            return
        self.forward(raw_path, raw_query, body)

    def forward(self, raw_path, raw_query, body):
        upstream = http.client.HTTPConnection("127.0.0.1", options.upstream_port, timeout=60)
        try:
            upstream.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
            for name, value in self.headers.items():
                if name.lower() not in HOP_BY_HOP:
                    upstream.putheader(name, value)
            upstream.endheaders(body or None)
            response = upstream.getresponse()
            payload = response.read()
            reply_headers = [(n, v) for n, v in response.getheaders() if n.lower() not in HOP_BY_HOP]
        finally:
            upstream.close()
        self.log_request_line(raw_path, raw_query, body, "ok", response.status, "")
        self.send_response_only(response.status, response.reason)
        for name, value in reply_headers:
            # The body is relayed whole: our Content-Length, except for HEAD, which has none.
            if name.lower() != "content-length" or self.command == "HEAD":
                self.send_header(name, value)
        if self.command != "HEAD" and response.status not in (204, 304):
            self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def log_request_line(self, raw_path, raw_query, body, verdict, status, message):
        headers = {n.lower(): ", ".join(self.headers.get_all(n)) for n in self.headers.keys()}
        entry = {"method": self.command, "path": raw_path, "query": raw_query, "headers": headers,
                 "body_bytes": len(body), "verdict": verdict, "status": status}
        if message:
            entry["message"] = message
        # Written before the answer goes out, so a test that has its answer can read it.
        with log_lock, open(options.log, "a", encoding="utf-8") as log:
            log.write(json.dumps(entry) + "\n")


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64


def watch_parent():
    # The tests stop us by PID; this is for a test binary that died first.
    parent = os.getppid()
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


def main():
    global options
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upstream-port", type=int, required=True, help="s3rver's port on 127.0.0.1")
    parser.add_argument("--access-key", required=True)
    parser.add_argument("--secret-key", required=True)
    parser.add_argument("--region", default="us-east-1")
    parser.add_argument("--service", default="s3")
    parser.add_argument("--log", required=True, help="append one JSON line per request here")
    options = parser.parse_args()

    server = Server(("127.0.0.1", 0), Handler)
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    threading.Thread(target=watch_parent, daemon=True).start()
    print(f"port={server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
