#!/bin/sh
# Runs the simulator smoke test against a private daemon (own socket in a
# temporary directory, started on demand by libteec), then checks that
# nothing was left behind and stops the daemon.
#   RX_TEEC_SIM_BIN=<build>/bin run-smoke.sh <sim_smoke binary>
set -u
bin=${RX_TEEC_SIM_BIN:?}
dir=$(mktemp -d "${TMPDIR:-/tmp}/rx-teec-smoke.XXXXXX")
export RX_TEEC_SIM_SOCKET="$dir/sock"
rc=0
"$1" || rc=1
# Give the daemon a moment to reap what the test closed.
sleep 0.3
status=$("$bin/tee-sim-ctl" --json status) || rc=1
echo "daemon after the test: $status"
case "$status" in
*'"sessions":0,"instances":0'*) ;;
*) echo "run-smoke: sessions or TA instances left behind" >&2; rc=1 ;;
esac
"$bin/tee-sim-ctl" stop || rc=1
rm -rf "$dir"
exit $rc
