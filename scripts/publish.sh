#!/usr/bin/env bash
# Publishes holdfast as one self-contained executable per platform:
#   scripts/publish.sh                 # linux-x64 and linux-arm64
#   scripts/publish.sh linux-arm64
# Output: artifacts/publish/<rid>/holdfast
set -euo pipefail
cd "$(dirname "$0")/.."
rids=("$@")
[ ${#rids[@]} -gt 0 ] || rids=(linux-x64 linux-arm64)
for rid in "${rids[@]}"; do
  rm -rf "artifacts/publish/$rid"
  dotnet publish src/Holdfast -c Release -r "$rid" -p:PublishSingleFile=true -p:DebugType=none -p:DebugSymbols=false -o "artifacts/publish/$rid" -nologo -v q
  echo "artifacts/publish/$rid/holdfast"
done
