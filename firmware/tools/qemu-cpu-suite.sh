#!/bin/sh
# Runs cpu-suite ELFs on QEMU (netduinoplus2: STM32F405, Cortex-M4F) under gdb-multiarch, to
# cpu_suite_finished, and prints/compares cpu_results. Usage:
#   tools/qemu-cpu-suite.sh bin/cpu-suite-O0.elf bin/cpu-suite-O2.elf ...
# Each run's results go to $OUT/<name>.txt (default OUT=build/qemu; one word per line, hex). Exits
# non-zero if a run does not reach cpu_suite_finished with cpu_done = 0xD0E0D0E0 or the runs differ.
set -eu
cd "$(dirname "$0")/.."
OUT="${OUT:-build/qemu}"
QEMU="${QEMU:-qemu-system-arm}"
GDB="${GDB:-gdb-multiarch}"
mkdir -p "$OUT"
[ $# -gt 0 ] || { echo "usage: $0 ELF..." >&2; exit 2; }

first=""
status=0
for elf in "$@"; do
  name=$(basename "$elf" .elf)
  # N from the size of cpu_results in the symbol table
  size_hex=$("${CROSS:-arm-none-eabi-}nm" -S "$elf" | awk '$4 == "cpu_results" { print $2 }')
  nwords=$(( 0x${size_hex:-0} / 4 ))
  port=$(( 20000 + ($$ + $(date +%N | sed 's/^0*//;s/^$/0/')) % 20000 ))
  "$QEMU" -M netduinoplus2 -nographic -monitor none -serial null -S -gdb "tcp:127.0.0.1:$port" \
    -kernel "$elf" >"$OUT/$name.qemu.log" 2>&1 &
  qpid=$!
  start=$(date +%s%N)
  timeout 120 "$GDB" -nx -batch \
    -ex "set pagination off" \
    -ex "target remote 127.0.0.1:$port" \
    -ex "break cpu_suite_finished" \
    -ex "continue" \
    -ex 'printf "@@PC %08x\n", $pc' \
    -ex 'printf "@@DONE %08x\n", cpu_done' \
    -ex "x/${nwords}wx &cpu_results" \
    "$elf" >"$OUT/$name.gdb.log" 2>&1 || true
  end=$(date +%s%N)
  kill "$qpid" 2>/dev/null || true
  wait "$qpid" 2>/dev/null || true
  done_word=$(sed -n 's/^@@DONE //p' "$OUT/$name.gdb.log")
  grep -E '^0x[0-9a-f]+ <cpu_results' "$OUT/$name.gdb.log" |
    sed 's/^[^:]*://' | tr -s ' \t' '\n' | grep -E '^0x' >"$OUT/$name.txt" || true
  n=$(wc -l <"$OUT/$name.txt")
  ms=$(( (end - start) / 1000000 ))
  if [ "$done_word" != "d0e0d0e0" ] || [ "$n" -ne "$nwords" ]; then
    echo "$name: FAILED (cpu_done=${done_word:-?}, $n words, ${ms} ms); see $OUT/$name.gdb.log" >&2
    status=1
    continue
  fi
  echo "$name: finished in ${ms} ms, $(grep -vc '^0x00000000$' "$OUT/$name.txt") non-zero results"
  if [ -z "$first" ]; then
    first="$name"
  elif ! cmp -s "$OUT/$first.txt" "$OUT/$name.txt"; then
    echo "$name: results differ from $first:" >&2
    diff "$OUT/$first.txt" "$OUT/$name.txt" | head -20 >&2 || true
    status=1
  fi
done
exit $status
