#!/bin/sh
# runner.sh: a wrapper script for the simple process manager, speaking the legacy GameAP
# runner protocol:
#
#   runner.sh start        -d DIR -n NAME -u USER -c COMMAND
#   runner.sh stop         -d DIR -n NAME -u USER
#   runner.sh restart      -d DIR -n NAME -u USER -c COMMAND
#   runner.sh status       -d DIR -n NAME -u USER      exit 0 if and only if running
#   runner.sh get_console  -d DIR -n NAME -u USER      prints the console output
#   runner.sh send_command -d DIR -n NAME -u USER -c LINE
#
# The server runs in the background in its own session, reads its console from a FIFO and
# writes to a log, both private to the server's user, under DIR/.runner. pm runs this script
# as the server's user already, so -u is informational.
set -u

die() { echo "runner.sh: $*" >&2; exit 2; }

action=${1:-}
[ $# -gt 0 ] && shift
dir='' name='' user='' command=''
while getopts 'd:n:u:c:' opt; do
    case $opt in
        d) dir=$OPTARG ;;
        n) name=$OPTARG ;;
        u) user=$OPTARG ;;
        c) command=$OPTARG ;;
        *) die "usage: runner.sh start|stop|restart|status|get_console|send_command -d DIR [-n NAME] [-u USER] [-c COMMAND]" ;;
    esac
done
[ -n "$dir" ] || die "-d DIR is required"
[ -d "$dir" ] || die "no such directory: $dir"

state=$dir/.runner
pidfile=$state/server.pid
log=$state/console.log
fifo=$state/console.in

# Running: the pid from the pid file exists and is not a zombie waiting to be reaped.
running() {
    [ -f "$pidfile" ] || return 1
    pid=$(cat "$pidfile") || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    [ -r "/proc/$pid/status" ] || return 0
    ! grep -q '^State:[[:space:]]*Z' "/proc/$pid/status"
}

start() {
    if running; then echo "already running (pid $pid)"; return 0; fi
    [ -n "$command" ] || die "start needs -c COMMAND"
    mkdir -p "$state" && chmod 700 "$state" || die "cannot create $state"
    rm -f "$fifo"
    mkfifo -m 600 "$fifo" || die "cannot create $fifo"
    : > "$log" && chmod 600 "$log"
    cd "$dir" || die "cannot enter $dir"
    # fd 3 holds the FIFO open for reading and writing, so the server never sees end of input
    # and a writer never blocks while the server runs.
    setsid sh -c 'exec 3<>"$0"; exec sh -c "$1" <&3 3<&- >>"$2" 2>&1' "$fifo" "$command" "$log" \
        </dev/null >/dev/null 2>&1 &
    echo $! > "$pidfile"
    echo "started ${name:-server} (pid $!)"
}

stop() {
    if ! running; then echo "already stopped"; return 0; fi
    # The server leads its own session and process group: signal the whole group
    # (dash's kill takes no "--"; a negative pid after the signal names the group).
    kill -TERM "-$pid" 2>/dev/null || kill -TERM "$pid"
    # SIGKILL after the server's kill_timeout setting (whole seconds; default 10).
    grace=${KILL_TIMEOUT:-10}
    grace=${grace%%.*}
    case $grace in ''|*[!0-9]*) grace=10 ;; esac
    tries=0
    while kill -0 "$pid" 2>/dev/null && [ $tries -lt $((grace * 10)) ]; do
        sleep 0.1
        tries=$((tries + 1))
    done
    kill -KILL "-$pid" 2>/dev/null
    rm -f "$pidfile"
    echo "stopped ${name:-server}"
}

case $action in
    start) start ;;
    stop) stop ;;
    restart) stop && start ;;
    status) running ;;
    get_console) [ -f "$log" ] && cat "$log" ;;
    send_command)
        running || die "the server is not running"
        printf '%s\n' "$command" > "$fifo"
        ;;
    *) die "unknown action: ${action:-none}" ;;
esac
