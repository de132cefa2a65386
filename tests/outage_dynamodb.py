"""moto's DynamoDB server that can go down and come back with its data, as the real service does.

`DynamoDbServer.stop()` ends moto's process, and its tables with it: a restarted server is
empty, which would look to the skill like every user had asked to be forgotten. This server
keeps its tables in one process and only closes its socket for an outage: new connections
are refused and open ones are cut, then `come_back()` listens again on the same port with
the same data.

Run as a script it is the server itself (`python outage_dynamodb.py PORT`), obeying "down"
and "up" lines on stdin and answering each with a line once done.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from dynamodb_server import DynamoDbServer


class RestartableDynamoDbServer(DynamoDbServer):
    """A DynamoDbServer (freeze, thaw, tables, clients) with data-keeping outages."""

    def start(self) -> RestartableDynamoDbServer:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, str(Path(__file__)), str(self.port)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
                # Run as a script, this module still imports the test helpers and the skill.
                env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
            )
        self._expect("up")
        return self

    def _command(self, line: str) -> None:
        assert self.process is not None and self.process.stdin is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()
        self._expect(line)

    def _expect(self, word: str) -> None:
        assert self.process is not None and self.process.stdout is not None
        answer = self.process.stdout.readline().strip()
        if answer != word:
            raise RuntimeError(f"moto server said {answer!r}, not {word!r}; see {self.log_path}")

    def go_down(self) -> None:
        """Connections refused, open ones cut; the tables are kept."""
        self._command("down")

    def come_back(self) -> None:
        self._command("up")


class _Listener:
    """moto's WSGI app behind a werkzeug server that can close and reopen its port."""

    def __init__(self, port: int) -> None:
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

        self.port = port
        self.app = DomainDispatcherApplication(create_backend_app)  # holds the data
        self.server: Any = None
        self.open: set[socket.socket] = set()
        self.lock = threading.Lock()
        self.serial = threading.Lock()

    def up(self) -> None:
        from moto.moto_server.werkzeug_app import MotoRequestHandler
        from werkzeug.serving import make_server

        listener = self

        class Tracked(MotoRequestHandler):  # type: ignore[misc, valid-type]
            def setup(self) -> None:
                super().setup()
                with listener.lock:
                    listener.open.add(self.connection)

            def finish(self) -> None:
                with listener.lock:
                    listener.open.discard(self.connection)
                super().finish()

        self.server = make_server(
            "127.0.0.1", self.port, self._one_at_a_time, True, request_handler=Tracked
        )
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _one_at_a_time(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        """moto checks a condition and then writes, unlocked: two threads can both pass the
        check. DynamoDB applies each conditional write atomically; one request at a time does
        the same here, so a lost update in a load run is the skill's, never moto's."""
        with self.serial:
            return list(self.app(environ, start_response))

    def down(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        with self.lock:
            for connection in list(self.open):
                with contextlib.suppress(OSError):  # already closed by the peer
                    connection.shutdown(socket.SHUT_RDWR)


def main() -> None:
    listener = _Listener(int(sys.argv[1]))
    listener.up()
    print("up", flush=True)
    for line in sys.stdin:
        command = line.strip()
        if command == "down":
            listener.down()
        elif command == "up":
            listener.up()
        else:
            continue
        print(command, flush=True)


if __name__ == "__main__":
    main()
