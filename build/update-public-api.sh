#!/usr/bin/env bash
# Records every public symbol the PublicApiAnalyzers report as undeclared (RS0016) into the project's
# PublicAPI.Unshipped.txt, and drops declared symbols that no longer exist (RS0017). Run it after an intended API
# change, review the diff of PublicAPI.*.txt, commit both. At a release, move Unshipped lines to Shipped.
# Usage: build/update-public-api.sh [project.csproj ...]   (default: every project under src/)
set -euo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT
projects=("$@")
[[ ${#projects[@]} -gt 0 ]] || projects=(src/*/*.csproj)
for project in "${projects[@]}"; do
  dotnet build "$project" -c Debug -nologo -v q -p:TreatWarningsAsErrors=false --no-incremental >"$log" 2>&1 || true
  python3 - "$project" "$log" <<'PY'
import os, re, sys
project, log = sys.argv[1], sys.argv[2]
folder = os.path.dirname(os.path.abspath(project))
added, removed = set(), set()
for line in open(log, encoding="utf-8"):
    if os.path.abspath(project) not in line:
        continue
    m = re.search(r"warning RS0016: Symbol '(.*)' is not part of the declared public API", line)
    if m:
        added.add(m.group(1))
    m = re.search(r"warning RS0017: Symbol '(.*)' is part of the declared API, but is either not public or could not be found", line)
    if m:
        removed.add(m.group(1))
path = os.path.join(folder, "PublicAPI.Unshipped.txt")
lines = [l.rstrip("\n") for l in open(path, encoding="utf-8")] if os.path.exists(path) else ["#nullable enable"]
body = sorted((set(l for l in lines[1:] if l.strip()) | added) - removed, key=str.lower)
with open(path, "w", encoding="utf-8") as f:
    f.write("#nullable enable\n" + "".join(l + "\n" for l in body))
print(f"{project}: +{len(added)} -{len(removed)}")
PY
done
