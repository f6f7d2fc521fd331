#!/usr/bin/env bash
# Installs Holdfast as a systemd service on this machine.
#   sudo deploy/install.sh                       # builds the single-file executable for this machine, installs, starts
#   sudo deploy/install.sh path/to/holdfast      # installs a binary built by scripts/publish.sh
#   deploy/install.sh --root /tmp/stage --no-start [binary]   # stage into a directory, start nothing
# Lays out: /usr/local/bin/holdfast, /etc/holdfast/holdfast.yaml (kept if present),
# /etc/holdfast/holdfast.env (admin token, mode 0600, kept if present), /var/lib/holdfast (state),
# /etc/systemd/system/holdfast.service; runs as the system user 'holdfast'.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=""
start=1
binary=""
while [ $# -gt 0 ]; do
  case $1 in
    --root) root=$2; shift 2 ;;
    --no-start) start=0; shift ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) binary=$1; shift ;;
  esac
done

if [ -z "$binary" ]; then
  case $(uname -m) in
    x86_64) rid=linux-x64 ;;
    aarch64|arm64) rid=linux-arm64 ;;
    *) echo "unsupported machine $(uname -m)" >&2; exit 1 ;;
  esac
  "$here/../scripts/publish.sh" "$rid" >/dev/null
  binary="$here/../artifacts/publish/$rid/holdfast"
fi
[ -x "$binary" ] || { echo "not an executable: $binary" >&2; exit 1; }

if [ -z "$root" ] && ! id holdfast >/dev/null 2>&1; then
  useradd --system --home-dir /var/lib/holdfast --shell /usr/sbin/nologin holdfast
fi
owner() { [ -z "$root" ] && chown "$@" || true; }

install -d -m 0755 "$root/usr/local/bin" "$root/etc/systemd/system"
install -m 0755 "$binary" "$root/usr/local/bin/holdfast"
install -d -m 0750 "$root/etc/holdfast"
owner root:holdfast "$root/etc/holdfast"
install -d -m 0700 "$root/var/lib/holdfast"
owner holdfast:holdfast "$root/var/lib/holdfast"

if [ ! -f "$root/etc/holdfast/holdfast.env" ]; then
  umask 077
  printf 'HOLDFAST_ADMIN_TOKEN=%s\n' "$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" >"$root/etc/holdfast/holdfast.env"
  echo "admin token written to /etc/holdfast/holdfast.env"
fi
if [ ! -f "$root/etc/holdfast/holdfast.yaml" ]; then
  cat >"$root/etc/holdfast/holdfast.yaml" <<'YAML'
# Holdfast configuration; every field is described in examples/holdfast.yaml of the source.
admin_token: ${HOLDFAST_ADMIN_TOKEN}
server:
  urls: http://127.0.0.1:8080
providers: []
routes: []
YAML
  chmod 0640 "$root/etc/holdfast/holdfast.yaml"
  owner root:holdfast "$root/etc/holdfast/holdfast.yaml"
fi
install -m 0644 "$here/holdfast.service" "$root/etc/systemd/system/holdfast.service"

if [ -z "$root" ]; then
  (set -a; . /etc/holdfast/holdfast.env; set +a; /usr/local/bin/holdfast config check --config /etc/holdfast/holdfast.yaml)
  if [ "$start" = 1 ] && [ -d /run/systemd/system ]; then
    systemctl daemon-reload
    systemctl enable --now holdfast
    echo "holdfast is running: systemctl status holdfast"
  else
    echo "installed; start with: systemctl daemon-reload && systemctl enable --now holdfast"
  fi
else
  echo "staged under $root"
fi
