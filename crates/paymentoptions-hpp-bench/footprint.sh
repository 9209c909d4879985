#!/usr/bin/env bash
# Build footprint of `paymentoptions-hpp` as a dependency, per TLS choice: a scratch project
# outside the workspace (its own target dir, the workspace's Cargo.lock as a starting point so
# versions match) that depends on the wrapper by path. For each variant: cold
# `cargo build --release` time (sources already fetched), crates in the build graph, packages
# compiled, binary size; then the binary builds a client and opens an HTTPS connection to a
# local non-TLS listener, so a variant whose TLS backend panics or is missing shows it.
#
#   crates/paymentoptions-hpp-bench/footprint.sh                  # every variant
#   crates/paymentoptions-hpp-bench/footprint.sh rustls-ring      # some
#   crates/paymentoptions-hpp-bench/footprint.sh rustls+schemars  # features joined by +
#
# Variants: none (no TLS), rustls (the default: rustls + aws-lc-rs), rustls-ring, native-tls
# (OpenSSL: needs libssl-dev and pkg-config); `+` adds features (`schemars`: the models'
# JSON Schemas). FOOTPRINT_DIR (default /tmp) holds the projects; FOOTPRINT_PROFILE=dev builds
# with `cargo build` (what `cargo test` and a debug build of an application compile) instead of
# `--release`.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
base="${FOOTPRINT_DIR:-/tmp}"
profile="${FOOTPRINT_PROFILE:-release}"
case "$profile" in
    release) profile_flag=(--release); out=release ;;
    dev) profile_flag=(); out=debug ;;
    *) echo "FOOTPRINT_PROFILE must be release or dev" >&2; exit 2 ;;
esac
variants=("$@")
if [ ${#variants[@]} -eq 0 ]; then variants=(none rustls rustls-ring native-tls); fi

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(rustc --version)"
echo
echo "| features | cold $profile build | crates in graph | packages compiled | binary | HTTPS to a non-TLS port |"
echo "| --- | ---: | ---: | ---: | ---: | --- |"
for v in "${variants[@]}"; do
    pkg="footprint-${v//+/-}"
    dir="$base/$pkg"
    rm -rf "$dir"
    mkdir -p "$dir/src"
    if [ "$v" = none ]; then features="[]"; else features="[\"${v//+/\", \"}\"]"; fi
    cat >"$dir/Cargo.toml" <<EOF
[package]
name = "$pkg"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
paymentoptions-hpp = { path = "$root/crates/paymentoptions-hpp", default-features = false, features = $features }
tokio = { version = "1", default-features = false, features = ["rt"] }

[workspace]
EOF
    cat >"$dir/src/main.rs" <<'EOF'
use std::io::Write;

use paymentoptions_hpp::{Client, LinkRequest};

fn main() {
    // A listener that answers in plain text: the TLS handshake starts and fails cleanly.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut stream = stream;
            let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n");
        }
    });
    let client = Client::builder()
        .api_key("footprint-key")
        .base_url(&format!("https://127.0.0.1:{port}"))
        .build()
        .expect("the client builds");
    let request = LinkRequest::builder().customer_enters_amount().build().unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    match runtime.block_on(client.create_link(&request)) {
        Ok(_) => println!("unexpected: a link"),
        Err(e) => println!("{e}"),
    }
}
EOF
    cp "$root/Cargo.lock" "$dir/Cargo.lock"
    (
        cd "$dir"
        unset CARGO_TARGET_DIR
        cargo fetch --quiet
        start=$(date +%s.%N)
        if ! cargo build "${profile_flag[@]}" 2>"$dir/build.log"; then
            printf '| `%s` | build failed: %s | | | | |\n' "$v" "$(grep -m1 '^error' "$dir/build.log" | cut -c1-80)"
            exit 0
        fi
        end=$(date +%s.%N)
        seconds=$(echo "$end - $start" | bc)
        crates=$(cargo tree -e normal,build --prefix none --format '{p}' | sed 's/ (\*)$//; s/ (proc-macro)$//' | sort -u | wc -l)
        compiled=$(grep -c '^ *Compiling ' "$dir/build.log" || true)
        size=$(stat -c %s "target/$out/$pkg")
        # The innermost cause: what the TLS backend said about the plain-text answer.
        outcome=$(timeout 30 "target/$out/$pkg" 2>&1 | head -1 | sed 's/; [0-9]* attempts)$//' | awk -F': ' '{print $NF}' || true)
        printf '| `%s` | %.0f s | %s | %s | %.1f MiB | %s |\n' "$v" "$seconds" "$crates" "$compiled" \
            "$(echo "$size / 1048576" | bc -l)" "$outcome"
    )
done
