"""A stand-in for a Streamlit worker, standard library only: `python backend.py NAME PORT`.

Answers `/_stcore/health` with "ok", any other GET or PUT with its NAME (so a test knows
which backend nginx chose), and a websocket upgrade with a 101 and one text frame holding
its NAME. Runs until killed.
"""

from __future__ import annotations

import base64
import hashlib
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    name = "?"

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def _answer(self, body: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        if self.headers.get("Upgrade", "").lower() == "websocket":
            key = self.headers["Sec-WebSocket-Key"]
            accept = base64.b64encode(hashlib.sha1((key + WEBSOCKET_GUID).encode()).digest())
            self.send_response(101)
            self.send_header("Upgrade", "websocket")
            self.send_header("Connection", "Upgrade")
            self.send_header("Sec-WebSocket-Accept", accept.decode())
            self.end_headers()
            payload = self.name.encode()
            self.wfile.write(bytes([0x81, len(payload)]) + payload)  # one text frame
            self.wfile.flush()
            self.close_connection = True
            return
        self._answer(b"ok" if self.path.endswith("/_stcore/health") else self.name.encode())

    def do_PUT(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        self.rfile.read(length)
        self._answer(self.name.encode())


def main() -> None:
    Handler.name = sys.argv[1]
    ThreadingHTTPServer(("127.0.0.1", int(sys.argv[2])), Handler).serve_forever()


if __name__ == "__main__":
    main()
