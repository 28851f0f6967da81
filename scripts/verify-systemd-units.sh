#!/usr/bin/env bash
# CI's check of deploy/systemd/: `systemd-analyze verify` on every unit (the bank template as an
# instance), failing on any complaint, including the unknown-key warnings verify itself lets
# pass; and `systemd-analyze security --offline` holding each service's exposure at or below 2.0
# ("OK" on systemd's 0–10 scale; --threshold counts tenths).
set -euo pipefail
cd "$(dirname "$0")/.."
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
cp deploy/systemd/*.service deploy/systemd/*.timer "$scratch/"
mv "$scratch/mamori-bank@.service" "$scratch/mamori-bank@3001.service"
units=(mamori-authority.service mamori-bank@3001.service mamori-jobs.service mamori-jobs.timer mamori-migrate.service)
(cd "$scratch" && systemd-analyze verify "${units[@]}") >"$scratch/verify.log" 2>&1 || { cat "$scratch/verify.log"; echo "systemd units: verify failed"; exit 1; }
if [ -s "$scratch/verify.log" ]; then cat "$scratch/verify.log"; echo "systemd units: verify complained"; exit 1; fi
for unit in "${units[@]}"; do
  case "$unit" in *.service) ;; *) continue ;; esac
  systemd-analyze security --offline=yes --threshold=20 "$scratch/$unit" >"$scratch/security.log" 2>&1 || { tail -5 "$scratch/security.log"; echo "systemd units: $unit is exposed above 2"; exit 1; }
  echo "systemd units: $unit $(grep -o 'Overall exposure level.*' "$scratch/security.log")"
done
echo "systemd units: verified"
