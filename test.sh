#!/usr/bin/env bash
# Builds Holdfast and runs every test project. Starts a throwaway PostgreSQL for the store tests
# when HOLDFAST_TEST_PG is not set. Ends with one line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")"

if [ -z "${HOLDFAST_TEST_PG:-}" ]; then
  if line=$(scripts/postgres-test-server.sh start); then
    export "$line"
  else
    echo "warning: no PostgreSQL server; the PostgreSQL tests will fail and say why" >&2
  fi
fi

if ! dotnet build Holdfast.slnx -c Release -nologo -v q; then
  echo "0 passed, 1 failed"
  exit 1
fi

results=artifacts/test-results
rm -rf "$results"
mkdir -p "$results"
passed=0
failed=0
for project in tests/*/*.csproj; do
  name=$(basename "$project" .csproj)
  dotnet test "$project" -c Release --no-build -nologo \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" \
    --results-directory "$results" "$@"
  trx="$results/$name.trx"
  if [ -f "$trx" ]; then
    counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
    p=$(echo "$counters" | sed -n 's/.* passed="\([0-9]*\)".*/\1/p')
    f=$(echo "$counters" | sed -n 's/.* failed="\([0-9]*\)".*/\1/p')
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-0}))
  else
    echo "$name produced no results: counting it as failed" >&2
    failed=$((failed + 1))
  fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
