#!/usr/bin/env python3
"""An OTLP/HTTP receiver for the load benchmark: it accepts everything and counts what arrives.

    otlp_receiver.py PORT AUDIT_SCOPE AUDIT_LOG_PREFIX

Each gateway exports to its own path prefix (OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:PORT/NAME, protocol
http/protobuf), so POST /NAME/v1/traces, /NAME/v1/logs and /NAME/v1/metrics are answered 200 and counted for NAME.
GET /count/NAME prints one line: "<all spans> <audit spans> <audit log records> <posts> <undecodable posts>".
Audit spans are the spans of the instrumentation scope AUDIT_SCOPE (the gateway's one ActivitySource); audit log
records are those whose scope (the logger category) starts with AUDIT_LOG_PREFIX.

Only the nesting down to each span or log record is decoded (ExportTraceServiceRequest: resource_spans = 1,
scope_spans = 2, scope = 1, spans = 2; ExportLogsServiceRequest has the same field numbers), so a busy gateway's
export costs this process little. Standard library only.
"""
import sys
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT, AUDIT_SCOPE, AUDIT_LOG_PREFIX = int(sys.argv[1]), sys.argv[2].encode(), sys.argv[3].encode()

lock = threading.Lock()
counts = {}  # name -> [spans, audit spans, audit log records, posts, undecodable posts]


def varint(buf, i):
    result = shift = 0
    while True:
        b = buf[i]
        i += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, i
        shift += 7


def fields(buf, start, end):
    """Yields (field number, start, end) of each length-delimited field in buf[start:end]; skips the others."""
    i = start
    while i < end:
        key, i = varint(buf, i)
        wire = key & 7
        if wire == 2:
            n, i = varint(buf, i)
            if i + n > end:
                raise ValueError("truncated")
            yield key >> 3, i, i + n
            i += n
        elif wire == 0:
            _, i = varint(buf, i)
        elif wire == 1:
            i += 8
        elif wire == 5:
            i += 4
        else:
            raise ValueError("unsupported wire type")


def scope_name(buf, start, end):
    for number, s, e in fields(buf, start, end):
        if number == 1:
            return bytes(buf[s:e])
    return b""


def count_items(buf, audit):
    """(items, audit items) in a traces or logs export request; audit(scope name) says which scopes are the audit."""
    items = audited = 0
    for number, rs, re_ in fields(buf, 0, len(buf)):
        if number != 1:
            continue
        for number, ss, se in fields(buf, rs, re_):
            if number != 2:
                continue
            name, n = b"", 0
            for number, s, e in fields(buf, ss, se):
                if number == 1:
                    name = scope_name(buf, s, e)
                elif number == 2:
                    n += 1
            items += n
            if audit(name):
                audited += n
    return items, audited


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            data = bytearray()
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                if size == 0:
                    self.rfile.readline()
                    break
                data += self.rfile.read(size)
                self.rfile.readline()
            data = bytes(data)
        else:
            data = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.headers.get("Content-Encoding", "").lower() == "gzip":
            data = zlib.decompress(data, 16 + zlib.MAX_WBITS)
        return data

    def answer(self, status, text=b"", content_type="application/x-protobuf"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(text)))
        self.end_headers()
        self.wfile.write(text)

    def do_POST(self):
        parts = self.path.strip("/").split("/")
        data = self.body()
        # Answered first: the gateway's exporter waits for this, and counting does not need it to.
        self.answer(200)
        if len(parts) < 3 or parts[-2] != "v1":
            return
        name, signal = "/".join(parts[:-2]), parts[-1]
        spans = audit_spans = audit_logs = bad = 0
        try:
            if signal == "traces":
                spans, audit_spans = count_items(memoryview(data), lambda scope: scope == AUDIT_SCOPE)
            elif signal == "logs":
                _, audit_logs = count_items(memoryview(data), lambda scope: scope.startswith(AUDIT_LOG_PREFIX))
        except (ValueError, IndexError):
            bad = 1
        with lock:
            c = counts.setdefault(name, [0, 0, 0, 0, 0])
            c[0] += spans
            c[1] += audit_spans
            c[2] += audit_logs
            c[3] += 1
            c[4] += bad

    def do_GET(self):
        parts = self.path.strip("/").split("/", 1)
        if len(parts) != 2 or parts[0] != "count":
            self.answer(404, content_type="text/plain")
            return
        with lock:
            c = list(counts.get(parts[1], [0, 0, 0, 0, 0]))
        self.answer(200, (" ".join(map(str, c)) + "\n").encode(), "text/plain")

    def log_message(self, format, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", PORT), Handler)
server.daemon_threads = True
server.serve_forever()
