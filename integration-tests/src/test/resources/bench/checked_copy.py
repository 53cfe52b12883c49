"""The storage benchmark's floor for what an upload must do: a checked, durable copy between two processes.

checked_copy.py SOURCE TARGET copies SOURCE (a file, or - for standard input) to TARGET the way a blob reaches the
server, with nothing else: a sender process reads it and hashes it (sha256) as it sends it over a loopback TCP
connection; a receiver process hashes what arrives, writes it to TARGET and fsyncs it, and answers its hash; the
sender compares the two. Both sides are C loops (OpenSSL's sha256 through hashlib, socket and file calls), 256 KiB
at a time, so the figure is the machine's cost of the work, not an interpreter's. Prints the seconds the copy took
(from before the sender starts to the receiver's fsync and the sender's check); exits 1 when the hashes differ.
"""
import hashlib
import os
import socket
import sys
import time

CHUNK = 256 * 1024


def send(source, port):
    digest = hashlib.sha256()
    buffer = bytearray(CHUNK)
    view = memoryview(buffer)
    with socket.create_connection(("127.0.0.1", port)) as connection:
        with (os.fdopen(0, "rb", buffering=0) if source == "-" else open(source, "rb", buffering=0)) as stream:
            while True:
                count = stream.readinto(buffer)
                if not count:
                    break
                digest.update(view[:count])
                connection.sendall(view[:count])
        connection.shutdown(socket.SHUT_WR)
        answered = connection.makefile("rb").read().decode()
    if answered != digest.hexdigest():
        sys.stderr.write("the receiver's sha256 %s is not the sender's %s\n" % (answered, digest.hexdigest()))
        return 1
    return 0


def receive(listener, target):
    connection, _ = listener.accept()
    digest = hashlib.sha256()
    buffer = bytearray(CHUNK)
    view = memoryview(buffer)
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        while True:
            count = connection.recv_into(buffer)
            if not count:
                break
            digest.update(view[:count])
            written = 0
            while written < count:
                written += os.write(descriptor, view[written:count])
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    connection.sendall(digest.hexdigest().encode())
    connection.close()


def main():
    source, target = sys.argv[1], sys.argv[2]
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    # timed from here: the interpreter's own start (a third of a second on some machines) is not the copy's
    started = time.monotonic()
    sender = os.fork()
    if sender == 0:
        listener.close()
        status = 1
        try:
            status = send(source, port)
        finally:
            os._exit(status)
    receive(listener, target)
    _, code = os.waitpid(sender, 0)
    print("%.6f" % (time.monotonic() - started))
    return 1 if code else 0


if __name__ == "__main__":
    sys.exit(main())
