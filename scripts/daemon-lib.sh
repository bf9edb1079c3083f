# Sourced by scripts/{kafka,es}/{start,stop}.sh: waiting for and stopping a JVM started in the background
# that writes its own pid file. Each caller passes its own liveness check (a function taking a pid that
# is true only while that pid is still its process: pid reuse, zombies) and defines log().
#
#   wait_daemon_ready READY ALIVE PIDFILE LOGFILE WHAT SECONDS PAUSE
#       polls until READY succeeds while ALIVE holds for the pid in PIDFILE; exits 1 with the log's last
#       lines when the process dies (or never writes its pid within 10 s) or after SECONDS
#   stop_daemon ALIVE PIDFILE WHAT
#       SIGTERM (its shutdown hook flushes), up to 30 s, then SIGKILL; removes PIDFILE; idempotent
#   remove_state_dir DIR   rm -rf DIR, refusing / (from an empty or bad *_STATE_DIR)

wait_daemon_ready() {
  local ready="$1" alive="$2" pidfile="$3" logfile="$4" what="$5" seconds="$6" pause="$7" pid deadline
  deadline=$((SECONDS + seconds))
  while :; do
    pid="$(cat "$pidfile" 2>/dev/null || true)"
    if "$ready"; then
      "$alive" "$pid" && return 0
    fi
    # The pid file is written by the launched process itself: allow it a moment.
    if { [[ -n "$pid" ]] && ! "$alive" "$pid"; } || { [[ -z "$pid" ]] && ((SECONDS > deadline - seconds + 10)); }; then
      log "$what process exited; last lines of $logfile:"
      tail -n 40 "$logfile" >&2 || true
      exit 1
    fi
    if ((SECONDS >= deadline)); then
      log "not ready after $seconds s; last lines of $logfile:"
      tail -n 40 "$logfile" >&2 || true
      exit 1
    fi
    sleep "$pause"
  done
}

stop_daemon() {
  local alive="$1" pidfile="$2" what="$3" pid
  pid="$(cat "$pidfile" 2>/dev/null || true)"
  if "$alive" "$pid"; then
    log "stopping $what (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do
      "$alive" "$pid" || break
      sleep 0.5
    done
    if "$alive" "$pid"; then
      log "still running after 30 s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.5
    fi
    log "stopped"
  else
    log "no $what running"
  fi
  rm -f "$pidfile"
}

remove_state_dir() {
  [[ -d "$1" ]] || return 0
  [[ "$(cd "$1" && pwd)" != / ]] || {
    log "refusing to delete /"
    exit 1
  }
  log "removing $1"
  rm -rf "$1"
}
