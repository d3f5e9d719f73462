#!/usr/bin/env bash
# Throwaway PostgreSQL cluster for the test suite.
#
#   tools/pg_test_cluster.sh start DIR PORT   -> prints the SQLAlchemy URL as the last stdout line
#   tools/pg_test_cluster.sh stop DIR         -> stops the cluster and removes DIR
#   tools/pg_test_cluster.sh restart DIR      -> fast restart (pg_ctl restart -m fast), same options
#
# DIR should be a fresh directory (e.g. from `mktemp -d`); it is created if missing.
# Layout: DIR/data (the cluster), DIR/log (server log), DIR/.s.PGSQL.PORT (socket).
# As root, everything runs as the `postgres` user (PostgreSQL refuses to run as root);
# as any other user, it runs as that user. All output except the URL goes to stderr.
set -euo pipefail

MARKER=.registry-pg-test-cluster

usage() {
    echo "usage: $0 start DIR PORT | stop DIR | restart DIR" >&2
    exit 2
}

log() { echo "pg_test_cluster: $*" >&2; }

# The newest installed PostgreSQL server binaries.
pg_bindir() {
    local best="" ver bestver=-1 d
    for d in /usr/lib/postgresql/*/bin; do
        [[ -x "$d/initdb" && -x "$d/pg_ctl" ]] || continue
        ver=${d#/usr/lib/postgresql/}
        ver=${ver%%/*}
        ver=${ver%%.*}
        [[ "$ver" =~ ^[0-9]+$ ]] || continue
        if ((ver > bestver)); then
            bestver=$ver
            best=$d
        fi
    done
    if [[ -z "$best" ]]; then
        log "no PostgreSQL server found under /usr/lib/postgresql/*/bin (apt-get install postgresql)"
        return 1
    fi
    echo "$best"
}

# Run a command as the cluster owner.
as_owner() {
    if [[ $(id -u) -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

cmd_start() {
    local dir=$1 port=$2 bindir data
    [[ "$port" =~ ^[0-9]+$ ]] || { log "bad port: $port"; exit 2; }
    bindir=$(pg_bindir)
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd -P)
    data="$dir/data"
    if [[ -e "$data" ]]; then
        log "$data already exists; refusing to reuse it"
        exit 1
    fi
    touch "$dir/$MARKER"
    chmod 700 "$dir"
    if [[ $(id -u) -eq 0 ]]; then
        if ! id -u postgres >/dev/null 2>&1; then
            log "running as root but there is no 'postgres' user (apt-get install postgresql)"
            exit 1
        fi
        chown -R postgres: "$dir"
    fi

    log "initdb ($bindir) in $data"
    # Run from DIR so the owner never needs access to the caller's working directory.
    # initdb is chatty: show its output only when it fails.
    local out
    if ! out=$(cd "$dir" && as_owner "$bindir/initdb" -D "$data" -A trust -U postgres \
            --encoding=UTF8 --locale=C.UTF-8 2>&1); then
        echo "$out" >&2
        log "initdb with --locale=C.UTF-8 failed; retrying with --locale=C"
        rm -rf "$data"
        if ! out=$(cd "$dir" && as_owner "$bindir/initdb" -D "$data" -A trust -U postgres \
                --encoding=UTF8 --locale=C 2>&1); then
            echo "$out" >&2
            log "initdb failed"
            exit 1
        fi
    fi

    log "starting on 127.0.0.1:$port"
    if ! (cd "$dir" && as_owner "$bindir/pg_ctl" -D "$data" -w -t 60 -l "$dir/log" start \
            -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off") >&2; then
        log "server failed to start; its log follows"
        cat "$dir/log" >&2 || true
        exit 1
    fi

    (cd "$dir" && as_owner "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres registry_test) >&2
    echo "postgresql+psycopg://postgres@127.0.0.1:$port/registry_test"
}

cmd_stop() {
    local dir=$1 bindir data pid entry
    if [[ ! -e "$dir" ]]; then
        return 0
    fi
    dir=$(cd "$dir" && pwd -P)
    if [[ "$dir" == / ]]; then
        log "refusing to remove /"
        exit 1
    fi
    # Only ever delete a directory that holds nothing but what `start` puts there.
    shopt -s dotglob nullglob
    for entry in "$dir"/*; do
        case ${entry##*/} in
            data | log | "$MARKER" | .s.PGSQL.*) ;;
            *)
                log "$dir holds $entry, which this script did not create; not removing it"
                exit 1
                ;;
        esac
    done
    shopt -u dotglob nullglob

    data="$dir/data"
    if [[ -f "$data/postmaster.pid" ]]; then
        pid=$(head -n 1 "$data/postmaster.pid" 2>/dev/null || true)
        if bindir=$(pg_bindir 2>/dev/null); then
            (cd "$dir" && as_owner "$bindir/pg_ctl" -D "$data" -m immediate -w -t 30 stop) >&2 || true
        fi
        # Belt and braces: if this cluster's postmaster is still there, kill it by its pid.
        if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null \
                && grep -qF "$data" "/proc/$pid/cmdline" 2>/dev/null; then
            log "postmaster $pid still running; killing it"
            kill -KILL "$pid" 2>/dev/null || true
            sleep 1
        fi
    fi
    rm -rf "$dir"
    log "stopped and removed $dir"
}

# A fast restart of a running cluster (open sessions are ended, their transactions rolled
# back), with the options it was started with (pg_ctl keeps them in data/postmaster.opts).
cmd_restart() {
    local dir=$1 bindir data
    dir=$(cd "$dir" && pwd -P)
    data="$dir/data"
    if [[ ! -e "$dir/$MARKER" || ! -f "$data/postmaster.pid" ]]; then
        log "$dir holds no running cluster started by this script"
        exit 1
    fi
    bindir=$(pg_bindir)
    log "restarting $data"
    if ! (cd "$dir" && as_owner "$bindir/pg_ctl" -D "$data" -m fast -w -t 60 -l "$dir/log" restart) >&2; then
        log "restart failed; the server log follows"
        cat "$dir/log" >&2 || true
        exit 1
    fi
}

[[ $# -ge 1 ]] || usage
case $1 in
    start)
        [[ $# -eq 3 ]] || usage
        cmd_start "$2" "$3"
        ;;
    stop)
        [[ $# -eq 2 ]] || usage
        cmd_stop "$2"
        ;;
    restart)
        [[ $# -eq 2 ]] || usage
        cmd_restart "$2"
        ;;
    *) usage ;;
esac
