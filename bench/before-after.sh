#!/bin/sh
# Runs `npm run bench -- --only <figures>` in two checkouts alternately (before, after, before, …) so the
# two sides share the machine's conditions; prints each run's rows and keeps every latest.json.
# Usage: bench/before-after.sh <before-dir> <after-dir> [rounds=3] [figures=tree,durable] [out=/tmp/maestro-before-after]
# Each dir is a checkout with node_modules (e.g. `git worktree add /work/bench-before <commit>`).
set -eu
before=$1 after=$2 rounds=${3:-3} only=${4:-tree,durable} out=${5:-/tmp/maestro-before-after}
mkdir -p "$out"
i=1
while [ "$i" -le "$rounds" ]; do
  for side in before after; do
    dir=$before; [ "$side" = after ] && dir=$after
    echo "== round $i $side ($(git -C "$dir" rev-parse --short HEAD)) $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)"
    (cd "$dir" && npm run bench -- --only "$only" > "$out/$side-$i.log" 2>&1 || true; cp bench/results/latest.json "$out/$side-$i.json")
    grep -E '^\| [0-9]' "$out/$side-$i.log" | cut -c1-200 || true
  done
  i=$((i + 1))
done
