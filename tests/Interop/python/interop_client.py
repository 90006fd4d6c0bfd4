#!/usr/bin/python3
"""gRPC interop test client on Python grpcio.

Runs the official interop client test cases (grpc/grpc
doc/interop-test-descriptions.md) against a grpc.testing.TestService server.

Usage:
  interop_client.py --server_port=N [--server_host=localhost]
                    [--test_case=all|NAME[,NAME...]]
                    [--use_tls=false] [--use_test_ca=false]
                    [--server_host_override=HOST] [--ca_file=PATH]
                    [--rpc_timeout_s=20]

Output (stdout, one line per case, flushed as each case ends):
  PASS <case>
  FAIL <case>: <reason>
Diagnostics go to stderr. Exit status: 0 if every case passed, 1 if any
failed, 2 on usage errors (e.g. unknown test case).

--server_host_override defaults to foo.test.google.fr when --use_tls=true
(the name in the test certificate) and to nothing otherwise; when set it is
used both as the TLS target name and as the HTTP/2 :authority.
--use_test_ca=true trusts ../certs/ca.pem (or --ca_file) instead of the
system roots. --rpc_timeout_s is a safety deadline applied to every RPC that
the spec does not give a deadline of its own (0 disables it).
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import interop_common as common  # noqa: E402

common.ensure_grpc_interpreter()

import queue  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402

import grpc  # noqa: E402

empty_pb2, messages_pb2, test_pb2, test_pb2_grpc = common.load_protos()

USAGE = __doc__
ECHO_INITIAL_KEY = "x-grpc-test-echo-initial"
ECHO_TRAILING_KEY = "x-grpc-test-echo-trailing-bin"
TEST_SERVICE = "/grpc.testing.TestService/"

COMPRESSABLE = messages_pb2.COMPRESSABLE
SimpleRequest = messages_pb2.SimpleRequest
SimpleResponse = messages_pb2.SimpleResponse
Payload = messages_pb2.Payload
BoolValue = messages_pb2.BoolValue
EchoStatus = messages_pb2.EchoStatus
ResponseParameters = messages_pb2.ResponseParameters
StreamingInputCallRequest = messages_pb2.StreamingInputCallRequest
StreamingOutputCallRequest = messages_pb2.StreamingOutputCallRequest
StreamingOutputCallResponse = messages_pb2.StreamingOutputCallResponse


class CaseFailure(Exception):
    """An interop assertion did not hold."""


def check(condition, message, *args):
    if not condition:
        raise CaseFailure(message % args if args else message)


def zeros(n):
    return bytes(n)


def expect_rpc_error(fn, code, what):
    """Runs fn(), which must raise grpc.RpcError with the given code."""
    try:
        fn()
    except grpc.RpcError as e:
        check(e.code() == code, "%s: expected status %s, got %s (%r)", what,
              code.name, e.code().name if e.code() else None, e.details())
        return e
    raise CaseFailure("%s: expected status %s, but the call succeeded" %
                      (what, code.name))


def check_payload(payload, size, what):
    check(payload.type == COMPRESSABLE, "%s: payload type %d, expected "
          "COMPRESSABLE", what, payload.type)
    check(len(payload.body) == size, "%s: payload body is %d bytes, "
          "expected %d", what, len(payload.body), size)
    check(payload.body == zeros(size), "%s: payload body is not all zeros",
          what)


class RequestQueue(object):
    """Request iterator for streaming calls that the test feeds step by step."""

    _DONE = object()

    def __init__(self):
        self._queue = queue.Queue()

    def __iter__(self):
        return self

    def __next__(self):
        item = self._queue.get()
        if item is self._DONE:
            self._queue.put(self._DONE)  # stay exhausted
            raise StopIteration
        return item

    def send(self, message):
        self._queue.put(message)

    def half_close(self):
        self._queue.put(self._DONE)


# --------------------------------------------------------------------------
# Per-message "do not compress" for client streaming (grpcio limitation)
# --------------------------------------------------------------------------
# grpcio's public API can only choose compression per call: every message of
# a call with compression=Gzip is compressed. client_compressed_streaming
# needs one compressed and one uncompressed message on the same stream. grpc
# core supports that with the GRPC_WRITE_NO_COMPRESS write flag, which grpcio
# uses on the server side but never on the client side. We therefore wrap
# grpc._channel's reference to the cygrpc module: a request serialized by
# serialize_maybe_uncompressed() from an Uncompressed(...) item is remembered
# (by object identity) and the wrapped SendMessageOperation adds
# WriteFlag.no_compress for exactly that bytes object. Written against grpcio
# 1.51 internals; if they change so that the wrapper is bypassed, the message
# simply goes out compressed and the server rejects it (INVALID_ARGUMENT,
# "expect_compressed=false but ... compressed"), so the case fails visibly.


class Uncompressed(object):
    """Marks a request message to be sent uncompressed."""

    def __init__(self, message):
        self.message = message


_no_compress_lock = threading.Lock()
_no_compress_pending = {}  # id(serialized bytes) -> serialized bytes


def serialize_maybe_uncompressed(item):
    if isinstance(item, Uncompressed):
        data = item.message.SerializeToString()
        with _no_compress_lock:
            _no_compress_pending[id(data)] = data  # keeps the id unique
        return data
    return item.SerializeToString()


_no_compress_hook_installed = False


def install_no_compress_hook():
    global _no_compress_hook_installed
    if _no_compress_hook_installed:
        return
    import grpc._channel as channel_module
    real = getattr(channel_module, "cygrpc", None)
    if real is None or not hasattr(real, "SendMessageOperation") or \
            not hasattr(real, "WriteFlag"):
        raise CaseFailure("grpcio %s: cannot install the per-message "
                          "no-compress hook (grpc._channel.cygrpc changed)" %
                          grpc.__version__)

    class _CygrpcWithNoCompress(object):

        def __getattr__(self, name):
            return getattr(real, name)

        @staticmethod
        def SendMessageOperation(data, flags):  # noqa: N802
            with _no_compress_lock:
                marked = _no_compress_pending.get(id(data)) is data
                if marked:
                    del _no_compress_pending[id(data)]
            if marked:
                flags |= real.WriteFlag.no_compress
            return real.SendMessageOperation(data, flags)

    channel_module.cygrpc = _CygrpcWithNoCompress()
    _no_compress_hook_installed = True


# --------------------------------------------------------------------------
# Test cases
# --------------------------------------------------------------------------


class Context(object):
    """What a test case gets: stubs, channels and the default deadline."""

    def __init__(self, flags, channel_factory):
        self._factory = channel_factory
        self._channels = []
        self.timeout = flags["rpc_timeout_s"] or None
        self.channel = self.new_channel()
        self.stub = test_pb2_grpc.TestServiceStub(self.channel)

    def new_channel(self, extra_options=()):
        channel = self._factory(list(extra_options))
        self._channels.append(channel)
        return channel

    def close(self):
        for channel in self._channels:
            channel.close()


def empty_unary(ctx):
    # Ask for the raw response bytes so that "zero bytes serialized" can be
    # checked, not only that an Empty could be parsed.
    call = ctx.channel.unary_unary(TEST_SERVICE + "EmptyCall",
                                   request_serializer=common.serialize,
                                   response_deserializer=lambda b: b)
    raw = call(empty_pb2.Empty(), timeout=ctx.timeout)
    check(raw is not None, "response is null")
    check(len(raw) == 0, "response is %d bytes, expected an empty message "
          "(0 bytes)", len(raw))
    empty_pb2.Empty.FromString(raw)


def large_unary(ctx):
    response = ctx.stub.UnaryCall(
        SimpleRequest(response_type=COMPRESSABLE,
                      response_size=314159,
                      payload=Payload(body=zeros(271828))),
        timeout=ctx.timeout)
    check_payload(response.payload, 314159, "response")


def client_compressed_unary(ctx):
    def request(expect):
        return SimpleRequest(response_type=COMPRESSABLE,
                             response_size=314159,
                             payload=Payload(body=zeros(271828)),
                             expect_compressed=BoolValue(value=expect))

    # 1. Feature probe: expect_compressed=true on an UNcompressed message.
    expect_rpc_error(
        lambda: ctx.stub.UnaryCall(request(True), timeout=ctx.timeout),
        grpc.StatusCode.INVALID_ARGUMENT,
        "probe (uncompressed request with expect_compressed=true)")
    # 2. Compressed message.
    response = ctx.stub.UnaryCall(request(True),
                                  compression=grpc.Compression.Gzip,
                                  timeout=ctx.timeout)
    check_payload(response.payload, 314159, "compressed request's response")
    # 3. Uncompressed message.
    response = ctx.stub.UnaryCall(request(False), timeout=ctx.timeout)
    check_payload(response.payload, 314159, "uncompressed request's response")


def _inspecting_channel(ctx):
    """Channel that hands responses up undecompressed, see interop_common."""
    return ctx.new_channel([common.NO_DECOMPRESSION_OPTION])


def server_compressed_unary(ctx):
    channel = _inspecting_channel(ctx)
    unary = channel.unary_unary(
        TEST_SERVICE + "UnaryCall",
        request_serializer=common.serialize,
        response_deserializer=common.compression_aware_deserializer(
            SimpleResponse))
    for compressed in (True, False):
        received = unary(SimpleRequest(
            response_type=COMPRESSABLE,
            response_size=314159,
            payload=Payload(body=zeros(271828)),
            response_compressed=BoolValue(value=compressed)),
            timeout=ctx.timeout)
        what = "response_compressed=%s" % str(compressed).lower()
        if compressed:
            check(received.compressed, "%s: response message does not have "
                  "the compressed flag set", what)
        else:
            check(not received.compressed, "%s: response message has the "
                  "compressed flag set (%s)", what, received.compression)
        check_payload(received.message.payload, 314159, what)


def client_streaming(ctx):
    requests = [StreamingInputCallRequest(payload=Payload(body=zeros(n)))
                for n in (27182, 8, 1828, 45904)]
    response = ctx.stub.StreamingInputCall(iter(requests), timeout=ctx.timeout)
    check(response.aggregated_payload_size == 74922,
          "aggregated_payload_size is %d, expected 74922",
          response.aggregated_payload_size)


def client_compressed_streaming(ctx):
    # 1. Feature probe: one UNcompressed message with expect_compressed=true.
    probe = StreamingInputCallRequest(expect_compressed=BoolValue(value=True),
                                      payload=Payload(body=zeros(27182)))
    expect_rpc_error(
        lambda: ctx.stub.StreamingInputCall(iter([probe]),
                                            timeout=ctx.timeout),
        grpc.StatusCode.INVALID_ARGUMENT,
        "probe (uncompressed message with expect_compressed=true)")

    # 2. One call: a compressed message, then an uncompressed one.
    install_no_compress_hook()
    call = ctx.channel.stream_unary(
        TEST_SERVICE + "StreamingInputCall",
        request_serializer=serialize_maybe_uncompressed,
        response_deserializer=messages_pb2.StreamingInputCallResponse.FromString)
    requests = [
        StreamingInputCallRequest(expect_compressed=BoolValue(value=True),
                                  payload=Payload(body=zeros(27182))),
        Uncompressed(
            StreamingInputCallRequest(expect_compressed=BoolValue(value=False),
                                      payload=Payload(body=zeros(45904)))),
    ]
    response = call(iter(requests), compression=grpc.Compression.Gzip,
                    timeout=ctx.timeout)
    check(response.aggregated_payload_size == 73086,
          "aggregated_payload_size is %d, expected 73086",
          response.aggregated_payload_size)


def server_streaming(ctx):
    sizes = (31415, 9, 2653, 58979)
    call = ctx.stub.StreamingOutputCall(
        StreamingOutputCallRequest(
            response_type=COMPRESSABLE,
            response_parameters=[ResponseParameters(size=n) for n in sizes]),
        timeout=ctx.timeout)
    responses = list(call)
    check(len(responses) == 4, "got %d responses, expected 4", len(responses))
    for i, (response, size) in enumerate(zip(responses, sizes)):
        check_payload(response.payload, size, "response #%d" % i)
    check(call.code() == grpc.StatusCode.OK, "status %s", call.code())


def server_compressed_streaming(ctx):
    channel = _inspecting_channel(ctx)
    streaming = channel.unary_stream(
        TEST_SERVICE + "StreamingOutputCall",
        request_serializer=common.serialize,
        response_deserializer=common.compression_aware_deserializer(
            StreamingOutputCallResponse))
    call = streaming(StreamingOutputCallRequest(response_parameters=[
        ResponseParameters(compressed=BoolValue(value=True), size=31415),
        ResponseParameters(compressed=BoolValue(value=False), size=92653),
    ]), timeout=ctx.timeout)
    received = list(call)
    check(call.code() == grpc.StatusCode.OK, "status %s", call.code())
    check(len(received) == 2, "got %d responses, expected 2", len(received))
    check(received[0].compressed, "response #0 (compressed=true) does not "
          "have the compressed flag set")
    check(not received[1].compressed, "response #1 (compressed=false) has "
          "the compressed flag set (%s)", received[1].compression)
    check_payload(received[0].message.payload, 31415, "response #0")
    check_payload(received[1].message.payload, 92653, "response #1")


def ping_pong(ctx):
    requests = RequestQueue()
    call = ctx.stub.FullDuplexCall(requests, timeout=ctx.timeout)
    try:
        for i, (response_size, payload_size) in enumerate(
                ((31415, 27182), (9, 8), (2653, 1828), (58979, 45904))):
            requests.send(StreamingOutputCallRequest(
                response_type=COMPRESSABLE,
                response_parameters=[ResponseParameters(size=response_size)],
                payload=Payload(body=zeros(payload_size))))
            try:
                response = next(call)
            except StopIteration:
                raise CaseFailure("stream ended after %d responses, "
                                  "expected 4" % i)
            check_payload(response.payload, response_size, "response #%d" % i)
        requests.half_close()
        extra = list(call)
        check(not extra, "got %d responses after the 4th, expected none",
              len(extra))
        check(call.code() == grpc.StatusCode.OK, "status %s", call.code())
    finally:
        requests.half_close()
        call.cancel()


def empty_stream(ctx):
    call = ctx.stub.FullDuplexCall(iter(()), timeout=ctx.timeout)
    responses = list(call)
    check(not responses, "got %d responses, expected 0", len(responses))
    check(call.code() == grpc.StatusCode.OK, "status %s", call.code())


def timeout_on_sleeping_server(ctx):
    requests = RequestQueue()
    call = ctx.stub.FullDuplexCall(requests, timeout=0.001)
    try:
        requests.send(StreamingOutputCallRequest(
            response_type=COMPRESSABLE, payload=Payload(body=zeros(27182))))
        try:
            next(call)
        except StopIteration:
            raise CaseFailure("call completed with status %s, expected "
                              "DEADLINE_EXCEEDED" % call.code())
        except grpc.RpcError:
            pass
        else:
            raise CaseFailure("got a response, expected DEADLINE_EXCEEDED")
        check(call.code() == grpc.StatusCode.DEADLINE_EXCEEDED,
              "call completed with status %s, expected DEADLINE_EXCEEDED",
              call.code())
    finally:
        requests.half_close()
        call.cancel()


def cancel_after_begin(ctx):
    requests = RequestQueue()  # never sends a message
    future = ctx.stub.StreamingInputCall.future(requests, timeout=ctx.timeout)
    try:
        # The call is started (request headers queued) but no message is
        # sent. A short pause lets the headers reach the server, so that
        # the server really sees a started stream being cancelled.
        time.sleep(0.1)
        future.cancel()
        check(future.cancelled(), "call was not cancelled (status %s)",
              future.code())
        check(future.code() == grpc.StatusCode.CANCELLED,
              "call completed with status %s, expected CANCELLED",
              future.code())
    finally:
        requests.half_close()


def cancel_after_first_response(ctx):
    requests = RequestQueue()
    call = ctx.stub.FullDuplexCall(requests, timeout=ctx.timeout)
    try:
        requests.send(StreamingOutputCallRequest(
            response_type=COMPRESSABLE,
            response_parameters=[ResponseParameters(size=31415)],
            payload=Payload(body=zeros(27182))))
        try:
            response = next(call)
        except StopIteration:
            raise CaseFailure("stream ended without a response (status %s)" %
                              call.code())
        check_payload(response.payload, 31415, "first response")
        call.cancel()
        try:
            next(call)
        except grpc.RpcError as e:
            check(e.code() == grpc.StatusCode.CANCELLED,
                  "call completed with status %s, expected CANCELLED",
                  e.code())
        except StopIteration:
            raise CaseFailure("call completed with status %s, expected "
                              "CANCELLED" % call.code())
        else:
            raise CaseFailure("got another response after cancelling")
        check(call.code() == grpc.StatusCode.CANCELLED,
              "call completed with status %s, expected CANCELLED", call.code())
    finally:
        requests.half_close()


def custom_metadata(ctx):
    initial_value = "test_initial_metadata_value"
    trailing_value = b"\xab\xab\xab"
    metadata = ((ECHO_INITIAL_KEY, initial_value),
                (ECHO_TRAILING_KEY, trailing_value))

    def values(md, key):
        return [value for k, value in (md or ()) if k == key]

    def validate(call, what):
        got = values(call.initial_metadata(), ECHO_INITIAL_KEY)
        check(got == [initial_value], "%s: initial metadata %s is %r, "
              "expected [%r]", what, ECHO_INITIAL_KEY, got, initial_value)
        got = values(call.trailing_metadata(), ECHO_TRAILING_KEY)
        check(got == [trailing_value], "%s: trailing metadata %s is %r, "
              "expected [%r]", what, ECHO_TRAILING_KEY, got, trailing_value)

    # 1. UnaryCall.
    response, call = ctx.stub.UnaryCall.with_call(
        SimpleRequest(response_type=COMPRESSABLE,
                      response_size=314159,
                      payload=Payload(body=zeros(271828))),
        metadata=metadata, timeout=ctx.timeout)
    check_payload(response.payload, 314159, "UnaryCall response")
    validate(call, "UnaryCall")

    # 2. FullDuplexCall, one request then half-close.
    call = ctx.stub.FullDuplexCall(iter([
        StreamingOutputCallRequest(
            response_type=COMPRESSABLE,
            response_parameters=[ResponseParameters(size=314159)],
            payload=Payload(body=zeros(271828)))
    ]), metadata=metadata, timeout=ctx.timeout)
    responses = list(call)
    check(call.code() == grpc.StatusCode.OK, "FullDuplexCall status %s",
          call.code())
    check(len(responses) == 1, "FullDuplexCall: got %d responses, expected 1",
          len(responses))
    check_payload(responses[0].payload, 314159, "FullDuplexCall response")
    validate(call, "FullDuplexCall")


def _echo_status(ctx, message, with_full_duplex):
    code = 2
    status = EchoStatus(code=code, message=message)

    def validate(error, what):
        check(error.code() == grpc.StatusCode.UNKNOWN,
              "%s: status code %s, expected %d (UNKNOWN)", what,
              error.code(), code)
        check(error.details() == message, "%s: status message %r, "
              "expected %r", what, error.details(), message)

    try:
        ctx.stub.UnaryCall(SimpleRequest(response_status=status),
                           timeout=ctx.timeout)
        raise CaseFailure("UnaryCall succeeded, expected status %d" % code)
    except grpc.RpcError as e:
        validate(e, "UnaryCall")

    if not with_full_duplex:
        return
    call = ctx.stub.FullDuplexCall(
        iter([StreamingOutputCallRequest(response_status=status)]),
        timeout=ctx.timeout)
    try:
        responses = list(call)
        raise CaseFailure("FullDuplexCall succeeded with %d responses, "
                          "expected status %d" % (len(responses), code))
    except grpc.RpcError as e:
        validate(e, "FullDuplexCall")


def status_code_and_message(ctx):
    _echo_status(ctx, "test status message", with_full_duplex=True)


def special_status_message(ctx):
    _echo_status(
        ctx, u"\t\ntest with whitespace\r\nand Unicode BMP \u263a and "
        u"non-BMP \U0001f608\t\n", with_full_duplex=False)


def unimplemented_method(ctx):
    expect_rpc_error(
        lambda: ctx.stub.UnimplementedCall(empty_pb2.Empty(),
                                           timeout=ctx.timeout),
        grpc.StatusCode.UNIMPLEMENTED,
        "grpc.testing.TestService/UnimplementedCall")


def unimplemented_service(ctx):
    stub = test_pb2_grpc.UnimplementedServiceStub(ctx.channel)
    expect_rpc_error(
        lambda: stub.UnimplementedCall(empty_pb2.Empty(), timeout=ctx.timeout),
        grpc.StatusCode.UNIMPLEMENTED,
        "grpc.testing.UnimplementedService/UnimplementedCall")


CASES = (
    ("empty_unary", empty_unary),
    ("large_unary", large_unary),
    ("client_compressed_unary", client_compressed_unary),
    ("server_compressed_unary", server_compressed_unary),
    ("client_streaming", client_streaming),
    ("client_compressed_streaming", client_compressed_streaming),
    ("server_streaming", server_streaming),
    ("server_compressed_streaming", server_compressed_streaming),
    ("ping_pong", ping_pong),
    ("empty_stream", empty_stream),
    ("timeout_on_sleeping_server", timeout_on_sleeping_server),
    ("cancel_after_begin", cancel_after_begin),
    ("cancel_after_first_response", cancel_after_first_response),
    ("custom_metadata", custom_metadata),
    ("status_code_and_message", status_code_and_message),
    ("special_status_message", special_status_message),
    ("unimplemented_method", unimplemented_method),
    ("unimplemented_service", unimplemented_service),
)


# --------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------


def channel_factory(flags):
    target = "%s:%d" % (flags["server_host"], flags["server_port"])
    if ":" in flags["server_host"] and not flags["server_host"].startswith("["):
        target = "[%s]:%d" % (flags["server_host"], flags["server_port"])
    override = flags["server_host_override"]
    if override is None and flags["use_tls"]:
        override = "foo.test.google.fr"
    options = []
    if override:
        options.append(("grpc.default_authority", override))
    credentials = None
    if flags["use_tls"]:
        if override:
            options.append(("grpc.ssl_target_name_override", override))
        roots = None
        if flags["use_test_ca"]:
            with open(flags["ca_file"], "rb") as f:
                roots = f.read()
        credentials = grpc.ssl_channel_credentials(root_certificates=roots)

    def make(extra_options):
        opts = options + extra_options
        if credentials is None:
            return grpc.insecure_channel(target, options=opts)
        return grpc.secure_channel(target, credentials, options=opts)

    return make


def one_line(text):
    return " ".join(str(text).split())


def run_case(name, fn, flags, factory):
    ctx = None
    try:
        ctx = Context(flags, factory)
        fn(ctx)
        return True, None
    except CaseFailure as e:
        return False, str(e)
    except grpc.RpcError as e:
        code = e.code() if hasattr(e, "code") else None
        details = e.details() if hasattr(e, "details") else str(e)
        traceback.print_exc(file=sys.stderr)
        return False, "unexpected RPC failure: %s %r" % (
            code.name if code else "?", details)
    except Exception as e:  # pylint: disable=broad-except
        traceback.print_exc(file=sys.stderr)
        return False, "%s: %s" % (type(e).__name__, e)
    finally:
        if ctx is not None:
            ctx.close()


def main(argv):
    flags = common.parse_flags(argv, {
        "server_host": (str, "localhost"),
        "server_port": (int, None),
        "server_host_override": (str, None),
        "test_case": (str, "all"),
        "use_tls": (bool, False),
        "use_test_ca": (bool, False),
        "ca_file": (str, os.path.join(common.CERT_DIR, "ca.pem")),
        "rpc_timeout_s": (float, 20.0),
    }, USAGE)
    if flags["server_port"] is None:
        sys.stderr.write("error: --server_port is required\n%s" % USAGE)
        return 2
    known = dict(CASES)
    if flags["test_case"] == "all":
        selected = [name for name, _ in CASES]
    else:
        selected = [n.strip() for n in flags["test_case"].split(",") if n.strip()]
        unknown = [n for n in selected if n not in known]
        if unknown or not selected:
            sys.stderr.write("error: unknown test case(s) %s; known: all, %s\n"
                             % (", ".join(unknown) or "(none)",
                                ", ".join(known)))
            return 2

    factory = channel_factory(flags)
    failed = []
    for name in selected:
        started = time.monotonic()
        ok, reason = run_case(name, known[name], flags, factory)
        elapsed = time.monotonic() - started
        if ok:
            sys.stdout.write("PASS %s\n" % name)
        else:
            failed.append(name)
            sys.stdout.write("FAIL %s: %s\n" % (name, one_line(reason)))
        sys.stdout.flush()
        sys.stderr.write("[interop_client] %s %s in %.3f s\n" %
                         (name, "passed" if ok else "FAILED", elapsed))
        sys.stderr.flush()
    if len(selected) > 1:
        sys.stderr.write("[interop_client] %d/%d passed%s\n" %
                         (len(selected) - len(failed), len(selected),
                          "; failed: " + ", ".join(failed) if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
