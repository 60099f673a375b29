"""Wait until something answers on HOST PORT (``make run`` prints the logins once the server is up).

    python -m core.wait_for_port 127.0.0.1 8000 [seconds]

Exits 0 once a TCP connection succeeds, 1 after the time is up (60 s unless given)."""

import socket
import sys
import time


def wait(host: str, port: int, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=1):
                return True
        except OSError:
            time.sleep(0.2)
    return False


if __name__ == "__main__":
    host, port, *rest = sys.argv[1:]
    sys.exit(0 if wait(host, int(port), float(rest[0]) if rest else 60) else 1)
