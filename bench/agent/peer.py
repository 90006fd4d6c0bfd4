#!/usr/bin/python3
"""A minimal AgentGatewayService.Connect peer for the agent benchmark (Debian python3-grpcio).

Speaks the wire protocol with hand-encoded protobuf (no generated code needed): answers Hello with
Welcome(committed_sequence=0, heartbeat 30s) and acks every spooled message at once. Prints the
port on its first line, then one line per minute with the messages received by kind.
"""
import sys
import threading
import time
from concurrent import futures

import grpc

KINDS = {2: "hello", 3: "heartbeat", 4: "inventory", 5: "metrics", 6: "logs", 7: "command_output", 8: "config_status", 9: "pong"}
counts = {}
lock = threading.Lock()


def varint(value):
    out = bytearray()
    while True:
        bits = value & 0x7F
        value >>= 7
        if value:
            out.append(bits | 0x80)
        else:
            out.append(bits)
            return bytes(out)


def read_varint(data, pos):
    result = shift = 0
    while True:
        b = data[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, pos
        shift += 7


def field(number, payload):
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def parse(request):
    sequence, kind, pos = 0, None, 0
    while pos < len(request):
        tag, pos = read_varint(request, pos)
        number, wire = tag >> 3, tag & 7
        if wire == 0:
            value, pos = read_varint(request, pos)
            if number == 1:
                sequence = value
        elif wire == 2:
            length, pos = read_varint(request, pos)
            pos += length
            kind = KINDS.get(number, str(number))
        else:
            raise ValueError("unexpected wire type %d" % wire)
    return sequence, kind


def connect(request_iterator, context):
    for request in request_iterator:
        sequence, kind = parse(request)
        with lock:
            counts[kind] = counts.get(kind, 0) + 1
        if kind == "hello":
            welcome = field(1, b"agent-bench") + varint(2 << 3) + varint(0) + field(3, varint(1 << 3) + varint(30))
            yield field(5, welcome)
        elif sequence:
            yield field(1, varint(1 << 3) + varint(sequence))


def main():
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    handler = grpc.method_handlers_generic_handler(
        "sentinel.agent.v1.AgentGatewayService",
        {"Connect": grpc.stream_stream_rpc_method_handler(connect)})
    server.add_generic_rpc_handlers((handler,))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(port, flush=True)
    while True:
        time.sleep(60)
        with lock:
            print(" ".join("%s=%d" % item for item in sorted(counts.items())), flush=True)


if __name__ == "__main__":
    sys.exit(main())
