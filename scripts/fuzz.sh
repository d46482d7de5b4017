#!/usr/bin/env bash
# Fuzz every libFuzzer target briefly: scripts/fuzz.sh [SECONDS_PER_TARGET] (default 30).
#
# Builds the fuzz driver (Sources/PETMigrateFuzz) with -sanitize=fuzzer,address into
# .build-fuzz (never the ordinary .build), then runs each target of `FuzzTargets.all` for the
# given time on a corpus seeded from Tests/Fuzz/seeds/<target>/ and the directories the
# target names (the plugin's migrations, the test fixtures). The working corpus is kept in
# .build-fuzz/corpus/<target> between runs, so later runs start where earlier ones stopped.
#
# A crash, leak, timeout or out-of-memory input is written to Tests/Fuzz/crashes/<target>/:
# commit it with the fix; the Swift tests replay every file there through the same target
# (FuzzCrashReplayTests), so a fixed crash stays fixed. Exit status 1 when anything was found.
#
# Adding a target: a FuzzTarget value in Sources/PETMigrateFuzzTargets, listed in
# FuzzTargets.all, and a Tests/Fuzz/seeds/<target>/ directory. This script needs no change.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET="${1:-30}"
[[ "$SECONDS_PER_TARGET" =~ ^[0-9]+$ ]] || { echo "usage: scripts/fuzz.sh [SECONDS_PER_TARGET]" >&2; exit 2; }
[ -d /opt/swift/usr/bin ] && export PATH="/opt/swift/usr/bin:$PATH"

SCRATCH=.build-fuzz
# lld ships with the toolchain; GNU gold aborts while printing some link errors.
swift build -c debug --scratch-path "$SCRATCH" --product PETMigrateFuzz \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -DPET_FUZZ -Xswiftc -use-ld=lld 2>&1 \
    | grep -v "Cannot export local symbol" || true
DRIVER="$SCRATCH/debug/PETMigrateFuzz"
[ -x "$DRIVER" ] || { echo "fuzz: the driver did not build ($DRIVER)" >&2; exit 1; }

# Swift's backtracer would catch the first crash and hang instead of letting libFuzzer
# write the crash file.
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}"

found=0
summary=()
while read -r target seeds; do
    corpus="$SCRATCH/corpus/$target"
    crashes="Tests/Fuzz/crashes/$target"
    mkdir -p "$corpus" "$crashes"
    for directory in $seeds; do
        [ -d "$directory" ] && find "$directory" -maxdepth 1 -type f ! -name '.*' ! -name 'README*' -exec cp -f {} "$corpus/" \;
    done
    log="$SCRATCH/fuzz-$target.log"
    echo "fuzz: $target for ${SECONDS_PER_TARGET}s (corpus $(ls "$corpus" | wc -l) files)"
    status=0
    PET_FUZZ_TARGET="$target" "$DRIVER" "$corpus" \
        -max_total_time="$SECONDS_PER_TARGET" -max_len=16384 -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$crashes/" -print_final_stats=1 >"$log" 2>&1 || status=$?
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
    artifacts=$(grep -c 'Test unit written to' "$log" || true)
    summary+=("$target: ${runs:-0} executions in ${SECONDS_PER_TARGET}s, ${artifacts} crash(es), exit $status")
    if [ "$status" -ne 0 ] || [ "$artifacts" -ne 0 ]; then
        found=1
        echo "fuzz: $target found a problem (exit $status); see $log and $crashes/" >&2
        grep -E 'ERROR|Fatal|Test unit written' "$log" | head -5 >&2 || true
    fi
done < <("$DRIVER" --list)

printf 'fuzz: %s\n' "${summary[@]}"
exit "$found"
