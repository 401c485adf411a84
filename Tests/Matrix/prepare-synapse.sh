#!/usr/bin/env bash
# Prepares a throwaway Synapse homeserver for the Matrix end-to-end test:
#   Tests/Matrix/prepare-synapse.sh VENV DIR PORT
# Creates (or reuses) a Python virtual environment with matrix-synapse from PyPI, and writes a
# configuration in DIR: SQLite, the client API on 127.0.0.1:PORT only, no federation listener,
# relaxed rate limits for the test. Exit code 3 means Python or the package index is unreachable.
set -euo pipefail
venv="$1"; dir="$2"; port="$3"

if [ ! -x "$venv/bin/synapse_homeserver" ]; then
  command -v python3 >/dev/null || { echo "python3 is not installed"; exit 3; }
  python3 -m venv "$venv" || { echo "python3 cannot create a virtual environment (apt-get install python3-venv)"; exit 3; }
  "$venv/bin/pip" install --quiet --disable-pip-version-check matrix-synapse || { echo "pip could not install matrix-synapse"; exit 3; }
fi

mkdir -p "$dir"
cd "$dir"
"$venv/bin/python" -m synapse.app.homeserver --server-name localhost --config-path homeserver.yaml \
  --generate-config --report-stats=no >/dev/null
# Replace the generated listeners, database and limits (Synapse reads the first of duplicate keys, so edit, not append).
"$venv/bin/python" - "$dir" "$port" <<'PY'
import sys, yaml
folder, port = sys.argv[1], int(sys.argv[2])
path = folder + "/homeserver.yaml"
config = yaml.safe_load(open(path))
config["listeners"] = [{"port": port, "bind_addresses": ["127.0.0.1"], "type": "http", "tls": False, "x_forwarded": False,
                        "resources": [{"names": ["client"], "compress": False}]}]
config["database"] = {"name": "sqlite3", "args": {"database": folder + "/homeserver.db"}}
config["federation_domain_whitelist"] = []
config["trusted_key_servers"] = []
config["suppress_key_server_warning"] = True
config["enable_registration"] = False
# Test passwords need no work factor: at the default 12 rounds a login takes ~0.3 s, more on a loaded CI machine.
config["bcrypt_rounds"] = 4
fast = {"per_second": 1000, "burst_count": 1000}
config["rc_message"] = fast
config["rc_login"] = {"address": fast, "account": fast, "failed_attempts": fast}
config["rc_joins"] = {"local": fast, "remote": fast}
config["rc_invites"] = {"per_room": fast, "per_user": fast, "per_issuer": fast}
yaml.safe_dump(config, open(path, "w"))
PY
echo "ready"
