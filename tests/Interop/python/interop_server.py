#!/usr/bin/python3
"""gRPC interop test server (grpc.testing.TestService) on Python grpcio.

Implements the server features of the official interop spec
(grpc/grpc doc/interop-test-descriptions.md): EmptyCall, UnaryCall,
CacheableUnaryCall, StreamingOutputCall, StreamingInputCall, FullDuplexCall,
HalfDuplexCall, CompressedRequest, CompressedResponse, Echo Status, Echo
Metadata and ResponseParameters.interval_us. TestService/UnimplementedCall and
the whole UnimplementedService are deliberately not implemented (clients must
get UNIMPLEMENTED).

Usage:
  interop_server.py [--port=N] [--use_tls=true|false]
                    [--tls_cert_file=PATH] [--tls_key_file=PATH]

--port=0 (the default) picks a free port. Once serving, exactly one line
"listening on port N" is printed to stdout (and flushed); logs go to stderr.
SIGTERM / SIGINT stop the server (1 s grace) and exit with status 0.
The server only binds loopback addresses: 127.0.0.1 and, if available, [::1]
on the same port.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import interop_common as common  # noqa: E402

common.ensure_grpc_interpreter()

import signal  # noqa: E402
import socket  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from concurrent import futures  # noqa: E402

import grpc  # noqa: E402

empty_pb2, messages_pb2, test_pb2, test_pb2_grpc = common.load_protos()

ECHO_INITIAL_KEY = "x-grpc-test-echo-initial"
ECHO_TRAILING_KEY = "x-grpc-test-echo-trailing-bin"
SERVICE = "grpc.testing.TestService"

_CODES = {code.value[0]: code for code in grpc.StatusCode}

USAGE = __doc__


def log(msg):
    sys.stderr.write("[interop_server] %s\n" % msg)
    sys.stderr.flush()


class _Abort(Exception):
    """Raised inside handlers to end the RPC with a status."""

    def __init__(self, code, details):
        Exception.__init__(self, details)
        self.code = code
        self.details = details


def _status_from_echo(echo):
    code = _CODES.get(echo.code)
    if code is None:
        # grpcio can only send the codes of grpc.StatusCode (0..16).
        log("EchoStatus code %d cannot be sent by grpcio, using UNKNOWN" %
            echo.code)
        code = grpc.StatusCode.UNKNOWN
    return code, echo.message


def _check_expected_compression(received, request, what):
    """CompressedRequest feature, same rule as the C++ reference server.

    If expect_compressed is present the message must have been sent
    compressed when it is true and uncompressed when it is false. (The C++
    server also applies the "false" rule when the field is absent; here an
    absent field means "no expectation".)
    """
    if not request.HasField("expect_compressed"):
        return
    expected = request.expect_compressed.value
    if expected and not received.compressed:
        raise _Abort(
            grpc.StatusCode.INVALID_ARGUMENT,
            "%s: expect_compressed=true but the request message was not "
            "compressed" % what)
    if not expected and received.compressed:
        raise _Abort(
            grpc.StatusCode.INVALID_ARGUMENT,
            "%s: expect_compressed=false but the request message was "
            "compressed (%s)" % (what, received.compression))


def _check_response_type(request):
    if request.response_type != messages_pb2.COMPRESSABLE:
        raise _Abort(grpc.StatusCode.INVALID_ARGUMENT,
                     "unsupported response_type %d" % request.response_type)


def _payload(size, payload_type=messages_pb2.COMPRESSABLE):
    if size < 0:
        raise _Abort(grpc.StatusCode.INVALID_ARGUMENT,
                     "negative payload size %d" % size)
    return messages_pb2.Payload(type=payload_type, body=bytes(size))


class _Echo(object):
    """Echo Metadata feature, with initial metadata sent lazily.

    Trailing metadata is registered immediately. Initial metadata is sent
    just before the first response message (or before the status), after
    the call compression has been decided: grpcio puts the compression
    choice into the response headers, so it must be set before they go out.
    This matches the C++ reference server, which also sends its headers with
    the first message.
    """

    def __init__(self, context):
        self._context = context
        self._initial = None
        self.headers_sent = False
        for key, value in context.invocation_metadata():
            if key == ECHO_INITIAL_KEY:
                self._initial = (key, value)
            elif key == ECHO_TRAILING_KEY:
                context.set_trailing_metadata(((key, value),))

    def send_headers(self):
        if not self.headers_sent:
            self.headers_sent = True
            if self._initial is not None:
                self._context.send_initial_metadata((self._initial,))


def _finish_with(context, echo, error):
    echo.send_headers()
    log("%s -> %s: %r" % (_method_of(context), error.code.name, error.details))
    context.abort(error.code, error.details)


def _method_of(context):
    # Only for log lines.
    try:
        return context._rpc_event.call_details.method.decode()  # noqa
    except Exception:  # pylint: disable=broad-except
        return "rpc"


class TestServiceImpl(object):

    def __init__(self):
        self.server_id = "python-grpcio-%s-%d" % (grpc.__version__, os.getpid())

    # -- unary ------------------------------------------------------------

    def EmptyCall(self, received, context):
        echo = _Echo(context)
        echo.send_headers()
        return empty_pb2.Empty()

    def UnaryCall(self, received, context):
        request = received.message
        echo = _Echo(context)
        try:
            if request.HasField("response_compressed"):
                context.set_compression(
                    grpc.Compression.Gzip if request.response_compressed.value
                    else grpc.Compression.NoCompression)
            echo.send_headers()
            _check_expected_compression(received, request, "UnaryCall")
            _check_response_type(request)
            response = messages_pb2.SimpleResponse(
                payload=_payload(request.response_size))
            if request.fill_server_id:
                response.server_id = self.server_id
            response.hostname = socket.gethostname()
            if request.HasField("response_status"):
                code, details = _status_from_echo(request.response_status)
                if code is not grpc.StatusCode.OK:
                    raise _Abort(code, details)
                context.set_details(details)
            return response
        except _Abort as e:
            _finish_with(context, echo, e)

    def CacheableUnaryCall(self, received, context):
        echo = _Echo(context)
        context.send_initial_metadata(
            (("cache-control", "max-age=60, public"),) +
            ((echo._initial,) if echo._initial else ()))
        echo.headers_sent = True
        stamp = str(time.monotonic_ns()).encode()
        return messages_pb2.SimpleResponse(payload=messages_pb2.Payload(
            type=messages_pb2.COMPRESSABLE, body=stamp))

    # -- streaming --------------------------------------------------------

    @staticmethod
    def _responses_for(request, context, echo, compression_enabled):
        """Yields the responses requested by one StreamingOutputCallRequest."""
        for params in request.response_parameters:
            payload = _payload(params.size, request.response_type)
            if params.interval_us > 0:
                time.sleep(params.interval_us / 1e6)
            if params.HasField("compressed") and params.compressed.value:
                if not compression_enabled:
                    log("response compression requested after the response "
                        "headers were sent; sending uncompressed")
            elif compression_enabled:
                context.disable_next_message_compression()
            echo.send_headers()
            yield messages_pb2.StreamingOutputCallResponse(payload=payload)

    @staticmethod
    def _enable_compression_if_requested(requests, context):
        """Sets call compression if any response asks for it (before headers)."""
        for request in requests:
            for params in request.response_parameters:
                if params.HasField("compressed") and params.compressed.value:
                    context.set_compression(grpc.Compression.Gzip)
                    return True
        return False

    def StreamingOutputCall(self, received, context):
        request = received.message
        echo = _Echo(context)
        try:
            _check_response_type(request)
            if request.HasField("response_status"):
                code, details = _status_from_echo(request.response_status)
                if code is not grpc.StatusCode.OK:
                    raise _Abort(code, details)
            compression = self._enable_compression_if_requested([request],
                                                                context)
            for response in self._responses_for(request, context, echo,
                                                compression):
                yield response
            echo.send_headers()
        except _Abort as e:
            _finish_with(context, echo, e)

    def StreamingInputCall(self, request_iterator, context):
        echo = _Echo(context)
        total = 0
        index = 0
        try:
            for received in request_iterator:
                request = received.message
                _check_expected_compression(
                    received, request, "StreamingInputCall message #%d" % index)
                total += len(request.payload.body)
                index += 1
        except _Abort as e:
            _finish_with(context, echo, e)
        except grpc.RpcError:
            return None  # client cancelled / deadline exceeded
        echo.send_headers()
        return messages_pb2.StreamingInputCallResponse(
            aggregated_payload_size=total)

    def FullDuplexCall(self, request_iterator, context):
        echo = _Echo(context)
        compression = None  # decided when the first response is due
        try:
            for received in request_iterator:
                request = received.message
                if request.HasField("response_status"):
                    code, details = _status_from_echo(request.response_status)
                    if code is not grpc.StatusCode.OK:
                        raise _Abort(code, details)
                _check_response_type(request)
                if compression is None and request.response_parameters:
                    compression = self._enable_compression_if_requested(
                        [request], context)
                for response in self._responses_for(request, context, echo,
                                                    bool(compression)):
                    yield response
            echo.send_headers()
        except _Abort as e:
            _finish_with(context, echo, e)
        except grpc.RpcError:
            return  # client cancelled / deadline exceeded

    def HalfDuplexCall(self, request_iterator, context):
        echo = _Echo(context)
        try:
            requests = [received.message for received in request_iterator]
        except grpc.RpcError:
            return
        try:
            for request in requests:
                if request.HasField("response_status"):
                    code, details = _status_from_echo(request.response_status)
                    if code is not grpc.StatusCode.OK:
                        raise _Abort(code, details)
                _check_response_type(request)
            compression = self._enable_compression_if_requested(
                requests, context)
            for request in requests:
                for response in self._responses_for(request, context, echo,
                                                    compression):
                    yield response
            echo.send_headers()
        except _Abort as e:
            _finish_with(context, echo, e)


def _handlers(impl):
    d = common.compression_aware_deserializer
    s = common.serialize
    m = messages_pb2
    return grpc.method_handlers_generic_handler(SERVICE, {
        "EmptyCall":
            grpc.unary_unary_rpc_method_handler(
                impl.EmptyCall, d(empty_pb2.Empty), s),
        "UnaryCall":
            grpc.unary_unary_rpc_method_handler(
                impl.UnaryCall, d(m.SimpleRequest), s),
        "CacheableUnaryCall":
            grpc.unary_unary_rpc_method_handler(
                impl.CacheableUnaryCall, d(m.SimpleRequest), s),
        "StreamingOutputCall":
            grpc.unary_stream_rpc_method_handler(
                impl.StreamingOutputCall, d(m.StreamingOutputCallRequest), s),
        "StreamingInputCall":
            grpc.stream_unary_rpc_method_handler(
                impl.StreamingInputCall, d(m.StreamingInputCallRequest), s),
        "FullDuplexCall":
            grpc.stream_stream_rpc_method_handler(
                impl.FullDuplexCall, d(m.StreamingOutputCallRequest), s),
        "HalfDuplexCall":
            grpc.stream_stream_rpc_method_handler(
                impl.HalfDuplexCall, d(m.StreamingOutputCallRequest), s),
        # UnimplementedCall intentionally absent -> UNIMPLEMENTED.
    })


def _check_generated_service_matches():
    """Guards against test.proto drifting from the hand-built handler table."""
    service = test_pb2.DESCRIPTOR.services_by_name["TestService"]
    names = set(method.name for method in service.methods)
    expected = {
        "EmptyCall", "UnaryCall", "CacheableUnaryCall", "StreamingOutputCall",
        "StreamingInputCall", "FullDuplexCall", "HalfDuplexCall",
        "UnimplementedCall"
    }
    if names != expected:
        log("warning: TestService methods in test.proto changed: %s" %
            sorted(names ^ expected))


def _bind(server, port, credentials):
    def add(address):
        try:
            if credentials is None:
                return server.add_insecure_port(address)
            return server.add_secure_port(address, credentials)
        except RuntimeError as e:  # grpcio raises on bind failure
            log("could not bind %s: %s" % (address, e))
            return 0

    bound = add("127.0.0.1:%d" % port)
    if not bound:
        log("failed to listen on 127.0.0.1:%d" % port)
        sys.exit(1)
    if not add("[::1]:%d" % bound):
        log("IPv6 loopback not available, serving on 127.0.0.1 only")
    return bound


def main(argv):
    flags = common.parse_flags(argv, {
        "port": (int, 0),
        "use_tls": (bool, False),
        "tls_cert_file": (str, os.path.join(common.CERT_DIR, "server1.pem")),
        "tls_key_file": (str, os.path.join(common.CERT_DIR, "server1.key")),
        "max_workers": (int, 64),
    }, USAGE)
    _check_generated_service_matches()

    credentials = None
    if flags["use_tls"]:
        with open(flags["tls_key_file"], "rb") as f:
            key = f.read()
        with open(flags["tls_cert_file"], "rb") as f:
            cert = f.read()
        credentials = grpc.ssl_server_credentials(((key, cert),))

    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=flags["max_workers"]),
        handlers=[_handlers(TestServiceImpl())],
        options=[
            # Pass compressed messages up still compressed, so the handlers
            # can see which messages were compressed (CompressedRequest).
            common.NO_DECOMPRESSION_OPTION,
            # Fail instead of silently sharing a port with another process.
            ("grpc.so_reuseport", 0),
        ])
    port = _bind(server, flags["port"], credentials)

    stop = threading.Event()

    def on_signal(signum, _frame):
        log("received signal %d, shutting down" % signum)
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    server.start()
    log("grpcio %s, %s, pid %d" % (grpc.__version__,
                                  "TLS" if credentials else "plaintext",
                                  os.getpid()))
    sys.stdout.write("listening on port %d\n" % port)
    sys.stdout.flush()

    while not stop.wait(0.5):
        pass
    server.stop(1.0).wait(5.0)
    log("stopped")
    sys.stdout.flush()
    sys.stderr.flush()
    # Do not wait for handler threads that are still sleeping (interval_us)
    # or blocked: the interpreter would join the thread pool at exit.
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
