#!/bin/sh
# Generates the Python protobuf + gRPC stubs for the interop protos into
# ./gen (gitignored). interop_server.py / interop_client.py run the same
# protoc command themselves when ./gen is missing or stale, so running this
# script is optional.
#
# Needs: protoc (Debian: protobuf-compiler) and grpc_python_plugin
# (Debian: protobuf-compiler-grpc).
set -eu
cd "$(dirname "$0")"

PROTOS="grpc/testing/empty.proto grpc/testing/messages.proto grpc/testing/test.proto"

mkdir -p gen
protoc -I ../protos \
  --python_out=gen \
  --grpc_python_out=gen \
  --plugin=protoc-gen-grpc_python="$(command -v grpc_python_plugin)" \
  $(for p in $PROTOS; do echo "../protos/$p"; done)
# Same fingerprint the Python scripts compare against, so they do not
# regenerate again.
(cd ../protos && cat $PROTOS) | sha256sum | cut -d' ' -f1 > gen/.proto-sha256
echo "generated stubs in $(pwd)/gen"
