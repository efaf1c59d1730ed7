#!/usr/bin/env bash
# What `make run` does: prepare the embedded database with the demo data (quietly, into a log),
# run one escalation sweep so warnings and escalations are visible, start the development server,
# and print the addresses and logins last. Demo e-mails are files under var/mail/.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
PORT=${PORT:-8000}
export DJANGO_SETTINGS_MODULE=config.settings.dev
mkdir -p var/log var/mail
SETUP_LOG=var/log/setup.log
SERVER_LOG=var/log/runserver.log

echo "Đang chuẩn bị dữ liệu mẫu / preparing demo data (log: $SETUP_LOG)…"
if ! {
    "$PY" manage.py migrate --noinput -v 0
    "$PY" manage.py import_holidays cases/data/holidays_vn_2025_2027.csv
    "$PY" manage.py seed_demo
    "$PY" manage.py escalate_overdue
} >"$SETUP_LOG" 2>&1; then
    tail -n 40 "$SETUP_LOG"
    echo "Chuẩn bị thất bại / setup failed: see $SETUP_LOG" >&2
    exit 1
fi

"$PY" manage.py runserver "127.0.0.1:$PORT" >"$SERVER_LOG" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true' INT TERM EXIT
"$PY" - "$PORT" <<'PYEOF'
import sys, time, urllib.request
url = f"http://127.0.0.1:{sys.argv[1]}/admin/login/"
for _ in range(120):
    try:
        urllib.request.urlopen(url, timeout=2)
        break
    except Exception:
        time.sleep(0.5)
PYEOF
if ! kill -0 "$SERVER" 2>/dev/null; then
    tail -n 40 "$SERVER_LOG"
    exit 1
fi
cat <<EOF2

  Nhật ký máy chủ / server log:  $SERVER_LOG
  Thư điện tử mẫu / demo e-mails: var/mail/ (một tệp cho mỗi lần gửi)

  Trang công dân / public site:   http://127.0.0.1:$PORT/
  Trang cán bộ / staff admin:     http://127.0.0.1:$PORT/admin/
  Tài khoản mẫu / demo logins (mật khẩu / password: demo):
    intake (tiếp nhận) · inspector (thanh tra viên) · head (trưởng phòng)
    director (thủ trưởng) · auditor (giám sát) · admin (quản trị)
EOF2
wait "$SERVER"
