#!/usr/bin/env bash
# Builds the mock-cluster launchers that the integration tests run, one per librdkafka version:
#   .cache/broker/mock-2.0.2/launcher   against Debian's librdkafka-dev (shared)
#   .cache/broker/mock-2.12/launcher    against librdkafka 2.12.0 built from the source that ships
#                                       in the node-rdkafka 3.6.1 npm package (static, ~1 min), with
#                                       strict-producer-state.patch: the strict broker, which checks
#                                       producer id, epoch, sequence and CRC as Kafka does, then
#                                       transactions.patch: transaction markers, last stable offset
#                                       and aborted transactions, then apiversions.patch: an ApiVersions
#                                       version above the mock's max answered in the v0 layout, as
#                                       Kafka does, which Kafka's Java client needs (see each patch's
#                                       header comment)
#   .cache/broker/mock-2.12/txn-producer, txn-reader
#                                       librdkafka 2.12's own transactional producer and consumer,
#                                       the clients that prove transactions.patch (*.c here)
# Idempotent and quiet: when both launchers are current it only checks and exits (well under 1 s).
# A launcher is rebuilt when launcher.c changes (txn-producer/-reader when their .c does); librdkafka
# 2.12 when its library is missing or any of its patches changed.
# Missing Debian packages are installed when running as root (a fresh CI or dev box), otherwise
# the script says which apt-get command to run.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cache="$root/.cache/broker"
launcher_src="$here/launcher.c"
strict_patch="$here/strict-producer-state.patch"
txn_patch="$here/transactions.patch"
apiv_patch="$here/apiversions.patch"

# librdkafka 2.12.0 source: the node-rdkafka tarball, pinned by its registry integrity.
nrd_spec="node-rdkafka@3.6.1"
nrd_integrity="sha512-sfpTbrT35429cs0RE8Yb9avGX9BiRRvpV7aweQsghKTjtrVZP3jBrKOPItWXAqHb8doyh3SkuGuUVBLgig1SRg=="
lrk_version="2.12.0"

# Everything this script and the readers need. python3-kafka is the second independent reader;
# lz4, zstd and gzip are the reference tools the compression tests decode with; stunnel4 is the
# TLS front of the TLS tests (test/support/StunnelFront.ts), openssl makes their CA; postgresql is
# the database of examples/postgres-etl and its test (initdb and postgres, started by the test).
apt_packages=(build-essential patch pkg-config zlib1g-dev librdkafka-dev kcat python3-kafka lz4 zstd gzip stunnel4 openssl postgresql)

fail() { echo "test/broker/setup.sh: $*" >&2; exit 1; }

missing_packages() {
  local missing=()
  command -v cc >/dev/null && command -v make >/dev/null || missing+=(build-essential)
  command -v patch >/dev/null || missing+=(patch)
  command -v pkg-config >/dev/null || missing+=(pkg-config)
  if command -v pkg-config >/dev/null; then
    pkg-config --exists zlib || missing+=(zlib1g-dev)
    pkg-config --exists rdkafka || missing+=(librdkafka-dev)
  else
    missing+=(zlib1g-dev librdkafka-dev)
  fi
  command -v kcat >/dev/null || missing+=(kcat)
  local tool
  for tool in lz4 zstd gzip; do command -v "$tool" >/dev/null || missing+=("$tool"); done
  # Debian's python3-kafka lives in /usr/lib/python3/dist-packages: only /usr/bin/python3 sees it.
  [[ -f /usr/lib/python3/dist-packages/kafka/__init__.py ]] || missing+=(python3-kafka)
  command -v stunnel4 >/dev/null || missing+=(stunnel4)
  command -v openssl >/dev/null || missing+=(openssl)
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
  echo "${missing[@]}"
}

missing="$(missing_packages)"
if [[ -n "$missing" ]]; then
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
    log="$(mktemp)"
    if ! { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${apt_packages[@]}"; } >"$log" 2>&1; then
      tail -n 20 "$log" >&2
      fail "apt-get install of ${apt_packages[*]} failed (log above)"
    fi
    rm -f "$log"
    missing="$(missing_packages)"
    [[ -z "$missing" ]] || fail "still missing after apt-get install: $missing"
  else
    fail "missing system packages: $missing — run: sudo apt-get update && sudo apt-get install -y ${apt_packages[*]}"
  fi
fi

mkdir -p "$cache"
# Two test runs starting at once must not build into the same directory.
exec 9>"$cache/.lock"
flock 9

src_hash="$(sha256sum "$launcher_src" | cut -c1-16)"

# Runs a build step quietly; on failure shows the end of its log and stops.
quiet() {
  local log="$1"; shift
  if ! "$@" >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    fail "failed: $* (full log: $log)"
  fi
}

# Checks that a freshly built launcher runs and links the librdkafka it was built for.
check_version() {
  local bin="$1" want="$2" got
  got="$("$bin" --version)" || fail "$bin does not run"
  [[ "$got" == "$want" ]] || fail "$bin links librdkafka $got, expected $want"
}

# --- a. mock 2.0.2: Debian's librdkafka-dev -------------------------------------------------
sys_version="$(pkg-config --modversion rdkafka)"
out="$cache/mock-2.0.2"
stamp="$out/launcher.stamp"
want_stamp="$src_hash $sys_version"
if [[ ! -x "$out/launcher" || "$(cat "$stamp" 2>/dev/null)" != "$want_stamp" ]]; then
  [[ "$sys_version" == 2.0.2 ]] ||
    echo "test/broker/setup.sh: note: Debian's librdkafka is $sys_version, not 2.0.2; mock-2.0.2 uses it anyway" >&2
  mkdir -p "$out"
  # shellcheck disable=SC2046 # pkg-config output is a list of flags
  quiet "$out/build.log" cc -O2 -Wall "$launcher_src" -o "$out/launcher.tmp" $(pkg-config --cflags --libs rdkafka)
  mv "$out/launcher.tmp" "$out/launcher"
  check_version "$out/launcher" "$sys_version"
  echo "$want_stamp" >"$stamp"
fi

# --- b. mock 2.12: librdkafka 2.12.0 from source, static --------------------------------------
out="$cache/mock-2.12"
lrk="$cache/librdkafka-$lrk_version"
lib="$lrk/src/librdkafka.a"
patch_hash="$(cat "$strict_patch" "$txn_patch" "$apiv_patch" | sha256sum | cut -c1-16)"
if [[ "$(cat "$lrk/.built" 2>/dev/null)" != "$patch_hash" ]]; then
  rm -rf "$lrk" "$cache/dl"
  mkdir -p "$cache/dl"
  # npm pack fetches through the npm client (its cache, registry and proxy settings).
  quiet "$cache/dl/pack.log" npm pack "$nrd_spec" --pack-destination "$cache/dl" --silent
  tgz="$(ls "$cache/dl"/node-rdkafka-*.tgz)"
  got_integrity="sha512-$(node -e 'const c=require("crypto");process.stdout.write(c.createHash("sha512").update(require("fs").readFileSync(process.argv[1])).digest("base64"))' "$tgz")"
  [[ "$got_integrity" == "$nrd_integrity" ]] || fail "$tgz integrity $got_integrity, expected $nrd_integrity"
  tar -xzf "$tgz" -C "$cache/dl" package/deps/librdkafka
  mv "$cache/dl/package/deps/librdkafka" "$lrk"
  rm -rf "$cache/dl"
  grep -q '#define RD_KAFKA_VERSION 0x020c00ff' "$lrk/src/rdkafka.h" ||
    fail "$nrd_spec does not carry librdkafka $lrk_version"
  (cd "$lrk" && quiet "$cache/librdkafka-patch.log" patch -p1 --forward <"$strict_patch")
  (cd "$lrk" && quiet "$cache/librdkafka-patch-txn.log" patch -p1 --forward <"$txn_patch")
  (cd "$lrk" && quiet "$cache/librdkafka-patch-apiv.log" patch -p1 --forward <"$apiv_patch")
  # Minimal: no TLS/SASL/HTTP/zstd (the mock uses none of them), builtin lz4, and --no-download so
  # that mklove never fetches anything (no --install-deps either).
  # (mklove loads any ./configure.<name> as a module: keep logs out of the source tree.)
  (cd "$lrk" && quiet "$cache/librdkafka-configure.log" ./configure --no-download --disable-gssapi --disable-curl \
    --disable-ssl --disable-zstd --disable-lz4-ext --enable-zlib --disable-syslog)
  quiet "$cache/librdkafka-make.log" make -C "$lrk/src" -j"$(nproc)" librdkafka.a
  echo "$patch_hash" >"$lrk/.built"
fi
stamp="$out/launcher.stamp"
want_stamp="$src_hash $lrk_version"
if [[ ! -x "$out/launcher" || "$(cat "$stamp" 2>/dev/null)" != "$want_stamp" || "$lib" -nt "$out/launcher" ]]; then
  # launcher.c includes <librdkafka/...>: give it 2.12's headers under that name, ahead of Debian's.
  mkdir -p "$out/include/librdkafka"
  cp "$lrk/src/rdkafka.h" "$lrk/src/rdkafka_mock.h" "$out/include/librdkafka/"
  libs="$(sed -n 's/^MKL_DYNAMIC_LIBS=[[:space:]]*//p' "$lrk/Makefile.config")"
  # shellcheck disable=SC2086 # $libs is a list of flags
  quiet "$out/build.log" cc -O2 -Wall -I"$out/include" "$launcher_src" -o "$out/launcher.tmp" "$lib" ${libs:--lm -lz -ldl -lpthread -lrt}
  mv "$out/launcher.tmp" "$out/launcher"
  check_version "$out/launcher" "$lrk_version"
  echo "$want_stamp" >"$stamp"
fi
# The clients that prove transactions.patch: librdkafka 2.12's own transactional producer and
# consumer, with the same headers (include/librdkafka/, copied above) and static library.
for tool in txn-producer txn-reader; do
  stamp="$out/$tool.stamp"
  want_stamp="$(sha256sum "$here/$tool.c" | cut -c1-16) $lrk_version"
  if [[ ! -x "$out/$tool" || "$(cat "$stamp" 2>/dev/null)" != "$want_stamp" || "$lib" -nt "$out/$tool" ]]; then
    libs="$(sed -n 's/^MKL_DYNAMIC_LIBS=[[:space:]]*//p' "$lrk/Makefile.config")"
    # shellcheck disable=SC2086 # $libs is a list of flags
    quiet "$out/$tool.log" cc -O2 -Wall -I"$out/include" "$here/$tool.c" -o "$out/$tool.tmp" "$lib" ${libs:--lm -lz -ldl -lpthread -lrt}
    mv "$out/$tool.tmp" "$out/$tool"
    echo "$want_stamp" >"$stamp"
  fi
done
