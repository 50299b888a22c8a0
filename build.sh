#!/usr/bin/env bash
# One entry point for every build target: restores the pinned Cake tool, then runs build.cake.
#   ./build.sh --target=Test      install emulators, build, run every test, print "N passed, N failed"
#   ./build.sh --target=Demo      run the order-shipping demo on the embedded store and queue
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
dotnet tool restore >/dev/null
exec dotnet cake build.cake "$@"
