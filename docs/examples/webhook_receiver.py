#!/usr/bin/env python3
"""A webhook receiver for trying the chat system's webhooks: verifies each delivery's signature
(Standard Webhooks: HMAC-SHA256 over "<webhook-id>.<webhook-timestamp>.<body>") and prints it.

    python3 docs/examples/webhook_receiver.py 9999 whsec_...

Answers 204 to a valid delivery, 400 to a request that is no delivery (a webhook header or the
body's length missing or malformed), and 401 to one whose signature or timestamp is wrong.
"""
import base64
import hashlib
import hmac
import json
import sys
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

PORT = int(sys.argv[1])
KEY = base64.b64decode(sys.argv[2].removeprefix("whsec_"))
seen = set()


def valid(headers, body: bytes) -> bool:
    webhook_id, timestamp = headers["webhook-id"], headers["webhook-timestamp"]
    signed = f"{webhook_id}.{timestamp}.".encode() + body
    expected = "v1," + base64.b64encode(hmac.new(KEY, signed, hashlib.sha256).digest()).decode()
    fresh = abs(time.time() - int(timestamp)) < 300
    return fresh and any(hmac.compare_digest(expected, s) for s in headers["webhook-signature"].split())


HEADERS = ("webhook-id", "webhook-timestamp", "webhook-signature")


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        missing = [name for name in HEADERS if not self.headers.get(name)]
        length = self.headers.get("Content-Length", "")
        timestamp = self.headers.get("webhook-timestamp", "")
        if missing or not length.isdigit() or not timestamp.isdigit():
            self.send_response(400)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            why = f"missing {', '.join(missing)}" if missing else "Content-Length and webhook-timestamp must be numbers"
            self.wfile.write(f"not a webhook delivery: {why}\n".encode())
            print(f"refused: not a webhook delivery ({why})", flush=True)
            return
        body = self.rfile.read(int(length))
        if not valid(self.headers, body):
            self.send_response(401)
            self.end_headers()
            print("refused: bad signature or timestamp", flush=True)
            return
        self.send_response(204)
        self.end_headers()
        event = json.loads(body)
        again = " (again)" if self.headers["webhook-id"] in seen else ""
        seen.add(self.headers["webhook-id"])
        print(f"{self.headers['webhook-id']}{again}: {event['type']} {json.dumps(event['data'])}", flush=True)

    def log_message(self, *args):
        pass


HTTPServer(("127.0.0.1", PORT), Receiver).serve_forever()
