#!/usr/bin/env bash
# Start a local Redmine 5 (Debian 12's package, SQLite) as projsync's plan side.
#
#   scripts/redmine.sh        install when missing, start on 127.0.0.1:$REDMINE_PORT (default 3000),
#                             print REDMINE_URL=... and REDMINE_KEY=... as the last two lines
#   scripts/redmine.sh stop   stop the server this script started
#   scripts/redmine.sh status exit 0 when it runs and answers
#
# Needs root (or sudo) and Debian's package archive for the install. One WEBrick process;
# its pid file, logs and scratch files live under $REDMINE_STATE (default /tmp/redmine).
# A server already answering on the port is reused, not started twice.
set -euo pipefail
STATE=${REDMINE_STATE:-/tmp/redmine}
PORT=${REDMINE_PORT:-3000}
RM=/usr/share/redmine                     # Debian's Rails root, read-only
SUDO=$([ "$(id -u)" = 0 ] || echo sudo)

as_redmine() {
  # Every Rails command runs as www-data from $RM, or root-owned logs break the app.
  (cd "$RM" && $SUDO runuser -u www-data -- env REDMINE_INSTANCE=default RAILS_ENV=production "$@")
}

running_pid() {
  local pid
  [ -f "$STATE/redmine.pid" ] || return 1
  pid=$(cat "$STATE/redmine.pid")
  kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

http_status() {
  curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/" 2>/dev/null || true
}

stop() {
  local pid
  if ! pid=$(running_pid); then
    echo "redmine: not running"
    return 0
  fi
  $SUDO kill "$pid"
  for _ in $(seq 1 80); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.25
  done
  rm -f "$STATE/redmine.pid"
  echo "redmine: stopped (pid $pid)"
}

install_redmine() {
  [ -f /etc/redmine/default/database.yml ] && return 0
  command -v apt-get >/dev/null || { echo "redmine: not installed and no apt-get to install it" >&2; exit 3; }
  echo "redmine: installing Debian's redmine and redmine-sqlite packages"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO debconf-set-selections <<'SEL'
redmine redmine/current-instances string default
redmine redmine/instances/default/dbconfig-install boolean true
redmine redmine/instances/default/database-type select sqlite3
redmine redmine/instances/default/default-language select en
SEL
  # --no-install-recommends skips passenger and apache; ruby-webrick still comes in.
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    redmine redmine-sqlite curl
}

wait_for_locks() {
  # SQLite answers "database is locked" at once unless told to wait: with several
  # clients at a time (test sessions side by side) requests would fail with HTTP 500.
  local db=/etc/redmine/default/database.yml
  if grep -q 'adapter: sqlite3' "$db" && ! grep -q '^ *timeout:' "$db"; then
    $SUDO sed -i 's/^\( *\)adapter: sqlite3/&\n\1timeout: 10000/' "$db"
  fi
}

configure() {
  # REST enabled; parent issues keep their own dates (projsync sends them); a default
  # time-entry activity so time entries need none; the admin's API key is printed.
  cat > "$STATE/setup.rb" <<'RUBY'
Setting.rest_api_enabled = '1'
Setting.parent_issue_dates = 'independent'
Setting.parent_issue_done_ratio = 'independent'
Setting.default_issue_start_date_to_creation_date = '0'
Setting.notified_events = []   # no mail for each issue the sync writes
admin = User.find_by_login!('admin')
admin.must_change_passwd = false
admin.save!
TimeEntryActivity.find_by_name('Development')&.update!(is_default: true)
puts "API_KEY=#{admin.api_key}"
RUBY
  chmod 644 "$STATE/setup.rb"
  as_redmine bin/rails runner "$STATE/setup.rb" > "$STATE/runner.out"
  sed -n 's/^API_KEY=//p' "$STATE/runner.out" > "$STATE/key"
  chmod 600 "$STATE/key"
}

start() {
  mkdir -p "$STATE"
  # one start at a time: test sessions running side by side share one server
  exec 9>"$STATE/lock"
  flock 9
  if running_pid >/dev/null && [ "$(http_status)" = 200 ] && [ -s "$STATE/key" ]; then
    echo "redmine: already running on port $PORT"
  else
    if command -v curl >/dev/null && [ "$(http_status)" != 000 ]; then
      echo "redmine: port $PORT is taken by a server this script did not start" >&2
      exit 4
    fi
    command -v curl >/dev/null || MISSING_CURL=1
    install_redmine
    wait_for_locks
    [ -z "${MISSING_CURL:-}" ] || $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q curl
    install -d -o www-data -g www-data "$STATE/run"
    configure
    rm -f "$STATE/run/redmine.pid"
    # WEBrick through rackup; '-r webrick' is needed (webrick is not in Debian's Gemfile).
    # the server must not inherit the lock (fd 9), or the next start would wait forever
    (exec 9>&-; as_redmine setsid rackup -r webrick -s webrick -E production -o 127.0.0.1 -p "$PORT" \
      -P "$STATE/run/redmine.pid" config.ru) >"$STATE/server.log" 2>&1 </dev/null &
    for _ in $(seq 1 480); do
      [ "$(http_status)" = 200 ] && [ -s "$STATE/run/redmine.pid" ] && break
      sleep 0.25
    done
    if [ "$(http_status)" != 200 ] || [ ! -s "$STATE/run/redmine.pid" ]; then
      echo "redmine: no answer on port $PORT; see $STATE/server.log" >&2
      exit 4
    fi
    cp "$STATE/run/redmine.pid" "$STATE/redmine.pid"
  fi
  echo "REDMINE_URL=http://127.0.0.1:$PORT"
  echo "REDMINE_KEY=$(cat "$STATE/key")"
}

status() {
  if running_pid >/dev/null && [ "$(http_status)" = 200 ]; then
    echo "redmine: running on port $PORT"
  else
    echo "redmine: not running"
    return 1
  fi
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 [start|stop|status]" >&2; exit 2 ;;
esac
