# Shared helpers of the bench/ scripts.

# The release build the benchmarks measure: statically linked, as shipped. Run it first, before
# anything needs cleaning up.
build_release() {
    command -v hyperfine >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine >/dev/null
    swift build -c release >/dev/null
}

# install_release DIR: the release tools installed into DIR as the README installs them, DIR put
# first on PATH, and the installed files dropped from the page cache. How a file came into the
# cache changes how fast it runs (docs/benchmarks.md): written by install(1) it runs 0.2-0.4 ms
# faster than read in by the page faults of its first run, which is how a node has it after a
# reboot; the benchmarks measure the latter.
install_release() {
    mkdir -p "$1"
    local tool
    for tool in start stop status output input metrics install; do install -m 755 ".build/release/pm-$tool" "$1/"; done
    sync "$1"/pm-*
    python3 -c 'import os, sys
for path in sys.argv[1:]:
    fd = os.open(path, os.O_RDONLY)
    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    os.close(fd)' "$1"/pm-*
    export PATH=$1:$PATH
}

# measure NAME_A NAME_B -- COMMAND_A -- COMMAND_B: both in one run; sets MEAN_A, MEAN_B
# (milliseconds), RATIO (B/A) and SPREAD (the lowest and highest ratio of the rounds).
# hyperfine runs all of A, then all of B; on a VM whose speed drifts over a minute that skews
# the ratio either way, so the runs are split into $ROUNDS rounds (default 10) of A then B,
# and the means are taken over all rounds. $AS_USER (a command prefix such as
# `runuser -u U --`) runs hyperfine, and so both commands, as another user.
measure() {
    local name_a=$1 name_b=$2
    shift 3
    local command_a=() command_b
    while [ "$1" != "--" ]; do command_a+=("$1"); shift; done
    shift
    command_b=$1
    local runs=${RUNS:-500} rounds=${ROUNDS:-10} dir round
    [ "$rounds" -ge 1 ] && [ $((runs / rounds)) -ge 10 ] || rounds=1
    dir=$(mktemp -d)
    chmod 777 "$dir"
    for round in $(seq "$rounds"); do
        # $WARMUP runs before each round (default: 5 plus an equal share of 50).
        ${AS_USER:-} hyperfine -N --warmup "${WARMUP:-$((50 / rounds + 5))}" --runs $((runs / rounds)) --export-json "$dir/$round.json" \
            -n "$name_a" "${command_a[*]}" -n "$name_b" "$command_b" >&2 || { rm -rf "$dir"; return 1; }
    done
    read -r MEAN_A MEAN_B RATIO SPREAD < <(python3 -c '
import json, sys
rounds = [json.load(open(path))["results"] for path in sys.argv[1:]]
a = sum(r[0]["mean"] for r in rounds) / len(rounds)
b = sum(r[1]["mean"] for r in rounds) / len(rounds)
ratios = [r[1]["mean"] / r[0]["mean"] for r in rounds]
print("%.2f %.2f %.2f %.2f-%.2f" % (a * 1000, b * 1000, b / a, min(ratios), max(ratios)))' "$dir"/*.json)
    rm -rf "$dir"
}

# peak_rss_kib COMMAND...: the largest resident set of the command, in KiB (its children not counted).
peak_rss_kib() {
    python3 - "$@" <<'PY'
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
PY
}
