"""Shared helpers for interop_server.py and interop_client.py.

* picks an interpreter that has grpcio (re-executes under /usr/bin/python3 if
  the current `python3` - e.g. a pyenv shim - lacks grpc/protobuf);
* generates the protobuf/gRPC stubs into ./gen on first use (same command as
  gen.sh) and makes them importable as grpc.testing.*;
* command-line flag parsing in the gRPC interop style (--flag=value);
* detection of gRPC per-message compression from raw message bytes.
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
INTEROP_DIR = os.path.dirname(HERE)
PROTO_ROOT = os.path.join(INTEROP_DIR, "protos")
PROTO_FILES = ("grpc/testing/empty.proto", "grpc/testing/messages.proto",
               "grpc/testing/test.proto")
GEN_DIR = os.path.join(HERE, "gen")
CERT_DIR = os.path.join(INTEROP_DIR, "certs")
SYSTEM_PYTHON = "/usr/bin/python3"


def ensure_grpc_interpreter():
    """Re-exec under /usr/bin/python3 when grpc/protobuf are not importable.

    Keeps the pid (os.execv), stdin/stdout/stderr and the arguments, so a
    harness that started `python3 interop_server.py ...` is unaffected.
    """
    try:
        import grpc  # noqa: F401
        import google.protobuf  # noqa: F401
        return
    except ImportError:
        pass
    if (os.environ.get("INTEROP_NO_REEXEC") != "1"
            and os.path.exists(SYSTEM_PYTHON)
            and os.path.realpath(sys.executable) != os.path.realpath(SYSTEM_PYTHON)):
        os.environ["INTEROP_NO_REEXEC"] = "1"
        sys.stdout.flush()
        sys.stderr.flush()
        os.execv(SYSTEM_PYTHON, [SYSTEM_PYTHON] + sys.argv)
    sys.stderr.write(
        "error: this script needs the grpcio and protobuf Python packages "
        "(Debian: apt-get install python3-grpcio python3-protobuf); "
        "interpreter %s has none\n" % sys.executable)
    sys.exit(2)


# --------------------------------------------------------------------------
# Stub generation
# --------------------------------------------------------------------------

def _proto_fingerprint():
    """sha256 of the proto files concatenated in PROTO_FILES order.

    gen.sh writes the same value (cat ... | sha256sum) to gen/.proto-sha256.
    """
    import hashlib
    h = hashlib.sha256()
    for rel in PROTO_FILES:
        with open(os.path.join(PROTO_ROOT, rel), "rb") as f:
            h.update(f.read())
    return h.hexdigest()


def _generated_files():
    out = []
    for rel in PROTO_FILES:
        base = os.path.join(GEN_DIR, rel[:-len(".proto")])
        out += [base + "_pb2.py", base + "_pb2_grpc.py"]
    return out


def ensure_stubs():
    """Runs protoc (see gen.sh) unless ./gen is up to date with the protos.

    Uses a lock file so that a server and a client started at the same time
    do not generate concurrently.
    """
    import fcntl
    import shutil
    import subprocess

    os.makedirs(GEN_DIR, exist_ok=True)
    stamp = os.path.join(GEN_DIR, ".proto-sha256")
    fingerprint = _proto_fingerprint()
    with open(os.path.join(GEN_DIR, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            with open(stamp) as f:
                current = f.read().strip()
        except OSError:
            current = None
        if current == fingerprint and all(
                os.path.exists(p) for p in _generated_files()):
            return
        protoc = shutil.which("protoc")
        plugin = shutil.which("grpc_python_plugin")
        if not protoc or not plugin:
            sys.stderr.write(
                "error: protoc and grpc_python_plugin are needed to generate "
                "the stubs (Debian: protobuf-compiler, "
                "protobuf-compiler-grpc)\n")
            sys.exit(2)
        cmd = [
            protoc, "-I", PROTO_ROOT, "--python_out=" + GEN_DIR,
            "--grpc_python_out=" + GEN_DIR,
            "--plugin=protoc-gen-grpc_python=" + plugin
        ] + [os.path.join(PROTO_ROOT, p) for p in PROTO_FILES]
        res = subprocess.run(cmd, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT)
        if res.returncode != 0:
            sys.stderr.write("error: stub generation failed: %s\n%s\n" %
                             (" ".join(cmd), res.stdout.decode(errors="replace")))
            sys.exit(2)
        with open(stamp, "w") as f:
            f.write(fingerprint + "\n")


def load_protos():
    """Returns (empty_pb2, messages_pb2, test_pb2, test_pb2_grpc).

    The protos live in package grpc.testing, so the generated code imports
    `grpc.testing.messages_pb2` etc. `grpc` is also the grpcio package, so
    grpc.testing is registered as a namespace whose __path__ is gen/grpc/testing
    (grpcio itself has no grpc.testing module; the separate grpcio-testing
    distribution would be shadowed in these processes only).
    """
    ensure_stubs()
    import types
    import grpc
    pkg_dir = os.path.join(GEN_DIR, "grpc", "testing")
    mod = sys.modules.get("grpc.testing")
    if mod is None or pkg_dir not in list(getattr(mod, "__path__", [])):
        mod = types.ModuleType("grpc.testing")
        mod.__path__ = [pkg_dir]
        mod.__package__ = "grpc.testing"
        sys.modules["grpc.testing"] = mod
        grpc.testing = mod
    from grpc.testing import empty_pb2, messages_pb2, test_pb2, test_pb2_grpc
    return empty_pb2, messages_pb2, test_pb2, test_pb2_grpc


# --------------------------------------------------------------------------
# Flags
# --------------------------------------------------------------------------

def parse_bool(value):
    v = str(value).strip().lower()
    if v in ("1", "true", "t", "yes", "y", "on"):
        return True
    if v in ("0", "false", "f", "no", "n", "off", ""):
        return False
    raise ValueError("not a boolean: %r" % value)


def parse_flags(argv, spec, usage):
    """Parses --name=value / --name value / --name (bools) flags.

    spec: dict name -> (type, default) with type in (str, int, bool).
    Unknown flags are an error (exit 2).
    """
    values = {name: default for name, (_, default) in spec.items()}
    i = 0
    while i < len(argv):
        arg = argv[i]
        i += 1
        if arg in ("-h", "--help"):
            sys.stdout.write(usage)
            sys.exit(0)
        if not arg.startswith("--"):
            sys.stderr.write("error: unexpected argument %r\n%s" % (arg, usage))
            sys.exit(2)
        name, eq, value = arg[2:].partition("=")
        name = name.replace("-", "_")
        if name not in spec:
            sys.stderr.write("error: unknown flag --%s\n%s" % (name, usage))
            sys.exit(2)
        typ = spec[name][0]
        if not eq:
            if typ is bool and (i >= len(argv) or argv[i].startswith("--")):
                value = "true"
            elif i < len(argv):
                value = argv[i]
                i += 1
            else:
                sys.stderr.write("error: flag --%s needs a value\n" % name)
                sys.exit(2)
        try:
            values[name] = (parse_bool(value) if typ is bool else typ(value))
        except ValueError as e:
            sys.stderr.write("error: bad value for --%s: %s\n" % (name, e))
            sys.exit(2)
    return values


# --------------------------------------------------------------------------
# Per-message compression detection
# --------------------------------------------------------------------------
#
# grpcio does not expose the "compressed" flag of the gRPC message prefix.
# Instead, the interop processes open their server / channel with the channel
# argument grpc.per_message_decompression=0: grpc core then hands compressed
# messages to the (de)serializer still compressed, and uncompressed messages
# as plain protobuf. The two are told apart by content:
#  * gzip data starts with 1f 8b. A protobuf message can never start with
#    0x1f (field 3, wire type 7 - wire type 7 does not exist).
#  * deflate ("deflate" grpc-encoding = zlib stream, RFC 1950) starts with a
#    CMF byte with compression method 8 and a header checksum
#    ((CMF << 8) | FLG) % 31 == 0. Some protobuf messages can start like
#    that, so the data must additionally inflate completely (adler32 checked,
#    no trailing bytes) to count as compressed.
# grpc-python only supports gzip and deflate; a peer sending any other
# grpc-encoding is rejected by grpc core before reaching this code.

GZIP = "gzip"
DEFLATE = "deflate"


def decode_message(data):
    """Returns (plain_bytes, compression) with compression None/'gzip'/'deflate'.

    Raises ValueError if data looks compressed but cannot be decompressed.
    """
    import zlib
    data = bytes(data) if data is not None else b""
    if len(data) >= 2 and data[0] == 0x1F and data[1] == 0x8B:
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            plain = d.decompress(data) + d.flush()
        except zlib.error as e:
            raise ValueError("corrupt gzip message: %s" % e)
        if not d.eof or d.unused_data:
            raise ValueError("truncated gzip message or trailing garbage")
        return plain, GZIP
    if len(data) >= 2 and (data[0] & 0x0F) == 8 and (data[0] >> 4) <= 7 and \
            ((data[0] << 8) | data[1]) % 31 == 0:
        d = zlib.decompressobj(zlib.MAX_WBITS)
        try:
            plain = d.decompress(data) + d.flush()
            if d.eof and not d.unused_data:
                return plain, DEFLATE
        except zlib.error:
            pass
    return data, None


class Received(object):
    """A deserialized message plus how it was compressed on the wire."""

    __slots__ = ("message", "compression", "wire_size")

    def __init__(self, message, compression, wire_size):
        self.message = message
        self.compression = compression
        self.wire_size = wire_size

    @property
    def compressed(self):
        return self.compression is not None


def compression_aware_deserializer(message_cls):
    """A grpc (de)serializer returning Received(message, compression, size)."""

    def deserialize(data):
        plain, compression = decode_message(data)
        return Received(message_cls.FromString(plain), compression,
                        len(data) if data is not None else 0)

    return deserialize


def serialize(message):
    return message.SerializeToString()


# Channel / server argument that makes grpc core pass compressed messages up
# undecompressed (see above).
NO_DECOMPRESSION_OPTION = ("grpc.per_message_decompression", 0)
