#!/usr/bin/env bash
# Loads secrets into the job, as the GitHub Action (action.yml) does: runs
# `creds3 export [pattern] [context ...] -f github` with the action's inputs, which prints a mask
# for every value and appends the secrets to $GITHUB_ENV for the job's later steps.
#
# Environment:
#   CREDS3_BIN          the creds3 binary (install.sh's `path` output)
#   INPUT_PATTERN       names to load, '*' matching any characters (empty: every secret)
#   INPUT_CONTEXT       encryption context: key=value pairs separated by spaces or new lines
#   INPUT_STRIP_PREFIX  removed from the start of names before they become variable names
#   INPUT_LOCATION      store location (-l), INPUT_KEY the master key (-k), INPUT_REGION (-r)
# Each empty input is left out, so creds3's own defaults and CREDS3_* / AWS_* variables apply.
set -euo pipefail
set -f # the pattern's '*' and the context are passed on, never expanded

[ -n "${CREDS3_BIN:-}" ] || {
  echo "::error title=creds3::CREDS3_BIN does not name the creds3 binary" >&2
  exit 1
}

args=(export)
if [ -n "${INPUT_PATTERN:-}" ]; then args+=("$INPUT_PATTERN"); fi
pairs=()
if [ -n "${INPUT_CONTEXT:-}" ]; then read -r -d '' -a pairs <<<"$INPUT_CONTEXT" || true; fi
args+=(${pairs[@]+"${pairs[@]}"} --format github)
if [ -n "${INPUT_STRIP_PREFIX:-}" ]; then args+=(--strip-prefix "$INPUT_STRIP_PREFIX"); fi
if [ -n "${INPUT_LOCATION:-}" ]; then args+=(--location "$INPUT_LOCATION"); fi
if [ -n "${INPUT_KEY:-}" ]; then args+=(--key "$INPUT_KEY"); fi
if [ -n "${INPUT_REGION:-}" ]; then args+=(--region "$INPUT_REGION"); fi
exec "$CREDS3_BIN" "${args[@]}"
