# Shared helpers of the bench/ scripts.

# The release build the benchmarks measure: statically linked, as shipped.
build_release() {
    command -v hyperfine >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine >/dev/null
    swift build -c release >/dev/null 2>&1
    export PATH=$PWD/.build/release:$PATH
}

# measure NAME_A NAME_B -- COMMAND_A -- COMMAND_B: both in one hyperfine run; sets MEAN_A,
# MEAN_B (milliseconds) and RATIO (B/A). $AS_USER (a command prefix such as `runuser -u U --`)
# runs hyperfine, and so both commands, as another user.
measure() {
    local name_a=$1 name_b=$2
    shift 3
    local command_a=() command_b
    while [ "$1" != "--" ]; do command_a+=("$1"); shift; done
    shift
    command_b=$1
    local json
    json=$(mktemp)
    chmod 666 "$json"
    ${AS_USER:-} hyperfine -N --warmup "${WARMUP:-50}" --runs "${RUNS:-500}" --export-json "$json" -n "$name_a" "${command_a[*]}" -n "$name_b" "$command_b" >&2
    read -r MEAN_A MEAN_B RATIO < <(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))["results"]
print("%.2f %.2f %.2f" % (r[0]["mean"] * 1000, r[1]["mean"] * 1000, r[1]["mean"] / r[0]["mean"]))' "$json")
    rm -f "$json"
}

# peak_rss_kib COMMAND...: the largest resident set of the command, in KiB (its children not counted).
peak_rss_kib() {
    python3 - "$@" <<'PY'
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
PY
}
