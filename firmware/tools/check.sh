#!/bin/sh
# make -C firmware check: rebuild every image into a temporary directory and compare it with the
# committed one in bin/. ELFs are compared by their loadable contents only: `objcopy -O ihex` writes
# every section that is loaded to the target, with its load address, plus the entry point; debug info,
# symbol tables and paths are not part of it. Other artefacts (blinky.hex, blinky.bin) are compared
# byte for byte. Exits non-zero naming each file that differs, is missing, or is not produced.
set -eu
cd "$(dirname "$0")/.."
OBJCOPY="${CROSS:-arm-none-eabi-}objcopy"
command -v "$OBJCOPY" >/dev/null 2>&1 || { echo "firmware check: $OBJCOPY not found (apt-get install gcc-arm-none-eabi)" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/swdkit-fw-check.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

echo "firmware check: rebuilding into $tmp"
if ! make --no-print-directory -s BUILD="$tmp/build" BIN="$tmp/bin" all >"$tmp/build.log" 2>&1; then
  cat "$tmp/build.log" >&2
  echo "firmware check: FAILED: the firmware does not build" >&2
  exit 1
fi
if [ -s "$tmp/build.log" ]; then
  cat "$tmp/build.log" >&2
fi

fail=0
for new in "$tmp"/bin/*; do
  name=$(basename "$new")
  old="bin/$name"
  if [ ! -f "$old" ]; then
    echo "firmware check: firmware/$old is not committed (run make -C firmware and commit bin/)" >&2
    fail=1
    continue
  fi
  case "$name" in
    *.elf)
      "$OBJCOPY" -O ihex "$old" "$tmp/old.hex"
      "$OBJCOPY" -O ihex "$new" "$tmp/new.hex"
      if ! cmp -s "$tmp/old.hex" "$tmp/new.hex"; then
        echo "firmware check: firmware/$old differs from a rebuild in its loadable contents or entry point" >&2
        fail=1
      fi
      ;;
    *)
      if ! cmp -s "$old" "$new"; then
        echo "firmware check: firmware/$old differs from a rebuild" >&2
        fail=1
      fi
      ;;
  esac
done
for old in bin/*; do
  [ -e "$old" ] || continue
  if [ ! -e "$tmp/bin/$(basename "$old")" ]; then
    echo "firmware check: firmware/$old is committed but no longer built (remove it)" >&2
    fail=1
  fi
done
if [ "$fail" -ne 0 ]; then
  echo "firmware check: FAILED (rebuild with make -C firmware and commit firmware/bin/)" >&2
  exit 1
fi
echo "firmware check: OK ($(ls "$tmp/bin" | wc -l) files match)"
