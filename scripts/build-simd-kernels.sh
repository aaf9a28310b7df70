#!/usr/bin/env bash
# Compiles src/training/backend/simd/kernels.c to WebAssembly (SIMD, bulk memory, tfjs's memory
# imported, no data, no libc) and writes the binary into src/training/backend/simd/kernels-wasm.ts
# as base64, with the SHA-256 of the source it came from. With --check, writes nothing and fails
# when the committed binary is not what the source compiles to (test/training/backend/simd-kernels).
# Needs clang and lld (Debian: apt-get install clang lld); users and CI do not: the binary is committed.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=src/training/backend/simd
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"${CLANG:-clang}" --target=wasm32 -O3 -msimd128 -mbulk-memory -mmutable-globals -nostdlib \
  -Wl,--no-entry -Wl,--import-memory -Wl,--export=__stack_pointer -Wl,--strip-all \
  -o "$out/kernels.wasm" "$dir/kernels.c"
if [ "${1:-}" = "--check" ]; then
  node scripts/write-simd-kernels.mjs --check "$out/kernels.wasm" "$dir/kernels.c" "$dir/kernels-wasm.ts"
  exit
fi
node scripts/write-simd-kernels.mjs "$out/kernels.wasm" "$dir/kernels.c" "$dir/kernels-wasm.ts"
npx prettier --write "$dir/kernels-wasm.ts" >/dev/null
echo "wrote $dir/kernels-wasm.ts ($(wc -c <"$out/kernels.wasm") bytes of wasm)"
