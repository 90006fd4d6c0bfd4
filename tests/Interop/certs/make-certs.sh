#!/bin/sh
# Regenerates the TEST-ONLY interop TLS material in this directory:
#   ca.pem       self-signed test CA certificate (trust anchor for --use_test_ca)
#   server1.pem  server certificate signed by that CA
#   server1.key  server private key (RSA 2048, PKCS#8, unencrypted)
#
# Both certificates are valid for 100 years (36500 days from generation) and
# their notBefore is back-dated by one day so that machines whose clock lags
# behind the generating machine still accept them.
#
# The CA private key only lives in a temporary directory and is deleted at the
# end, so nothing else can ever be signed by this CA. To add e.g. a client
# certificate later, extend this script and regenerate everything.
#
# NEVER use these files for anything but local tests: the server private key
# is committed to the repository.
#
# Requires: openssl (tested with OpenSSL 3.0), GNU date.
set -eu
cd "$(dirname "$0")"

DAYS=36500                                          # ~100 years
START=$(date -u -d '1 day ago' +%Y%m%d%H%M%SZ)      # back-dated notBefore
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Minimal "openssl ca" configuration (only used for signing; "openssl ca" is
# used instead of "openssl x509 -req" because it can set notBefore).
touch "$tmp/index.txt"
cat > "$tmp/ca.cnf" <<CNF
[ ca ]
default_ca = test_ca

[ test_ca ]
database        = $tmp/index.txt
new_certs_dir   = $tmp
rand_serial     = yes
default_md      = sha256
policy          = policy_any
unique_subject  = no
copy_extensions = none

[ policy_any ]
organizationName = optional
commonName       = supplied

[ ext_ca ]
basicConstraints       = critical,CA:TRUE
keyUsage               = critical,keyCertSign,cRLSign
subjectKeyIdentifier   = hash

[ ext_server ]
basicConstraints       = critical,CA:FALSE
keyUsage               = critical,digitalSignature,keyEncipherment
extendedKeyUsage       = serverAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid,issuer
subjectAltName         = DNS:localhost,DNS:*.test.google.fr,DNS:foo.test.google.fr,IP:127.0.0.1,IP:::1
CNF

# 1. Test CA: RSA 2048 key + self-signed CA certificate.
openssl genpkey -quiet -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
  -out "$tmp/ca.key"
openssl req -new -key "$tmp/ca.key" \
  -subj "/O=SentinelSync/CN=SentinelSync Interop Test CA" \
  -out "$tmp/ca.csr"
openssl ca -batch -notext -config "$tmp/ca.cnf" -selfsign \
  -keyfile "$tmp/ca.key" -startdate "$START" -days "$DAYS" \
  -extensions ext_ca -in "$tmp/ca.csr" -out ca.pem

# 2. Server key + CSR.
openssl genpkey -quiet -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
  -out server1.key
openssl req -new -key server1.key \
  -subj "/O=SentinelSync/CN=*.test.google.fr" \
  -out "$tmp/server1.csr"

# 3. Server certificate signed by the CA. SANs cover the names the interop
#    tests use (--server_host_override defaults to foo.test.google.fr).
openssl ca -batch -notext -config "$tmp/ca.cnf" \
  -cert ca.pem -keyfile "$tmp/ca.key" -startdate "$START" -days "$DAYS" \
  -extensions ext_server -in "$tmp/server1.csr" -out server1.pem

chmod 644 ca.pem server1.pem server1.key

# 4. Sanity check.
openssl verify -CAfile ca.pem server1.pem
