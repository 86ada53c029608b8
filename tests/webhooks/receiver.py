"""A real HTTP receiver on 127.0.0.1 in a thread: records each request, answers as told."""

import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    url: str
    requests: list[Received] = field(default_factory=list)
    # What to answer, in turn: a status code, or ("sleep", seconds) to answer late; then 200 forever.
    script: deque = field(default_factory=deque)


def receiver_start() -> tuple[Receiver, ThreadingHTTPServer]:
    receiver = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            receiver.requests.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
            answer = receiver.script.popleft() if receiver.script else 200
            if isinstance(answer, tuple):
                time.sleep(answer[1])
                answer = 200
            self.send_response(answer)
            self.send_header("content-type", "text/plain")
            self.end_headers()
            self.wfile.write(b"ok" if answer < 300 else b"x" * 5000)  # a long error page: kept as an excerpt

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return receiver, server
