#!/usr/bin/env bash
# Installs the creds3 release binary for this runner, as the GitHub Action (action.yml) does:
# downloads creds3-<target> and the release's SHA256SUMS, refuses a binary whose SHA-256 is not
# the listed one, checks that it runs and reports the expected version, then puts it at
# <RUNNER_TEMP>/creds3-<version>/creds3 (creds3.exe on Windows), writes `path=<that file>` to
# $GITHUB_OUTPUT and its folder to $GITHUB_PATH. Needs bash (3.2 or later), curl and sha256sum,
# shasum or openssl.
#
# Environment:
#   CREDS3_VERSION            release to install: 0.1.0 or v0.1.0 (default: the version in the
#                             action's deno.json, which is what its release tag was built from)
#   CREDS3_RELEASE_URL        base URL of the releases; files are fetched from
#                             <base>/v<version>/<file> (default:
#                             $GITHUB_SERVER_URL/$CREDS3_ACTION_REPOSITORY/releases/download)
#   CREDS3_ACTION_REPOSITORY  owner/name of the action's repository
#   RUNNER_OS, RUNNER_ARCH    set by the runner: Linux, macOS or Windows; X64 or ARM64
#   RUNNER_TEMP               folder for the binary (default: a new temporary folder)
set -euo pipefail

fail() {
  echo "::error title=creds3::$*" >&2
  exit 1
}

action_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

version=${CREDS3_VERSION:-}
if [ -z "$version" ]; then
  version=$(sed -n 's/^ *"version": *"\([^"]*\)".*$/\1/p' "$action_dir/deno.json" | head -n 1)
  [ -n "$version" ] || fail "no version given and none in $action_dir/deno.json: set the action's 'version' input"
fi
version=${version#v}
if ! printf '%s\n' "$version" | grep -Eq '^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$'; then
  fail "version '$version' is not a release version such as 0.1.0"
fi
tag="v$version"

case "${RUNNER_OS:-}/${RUNNER_ARCH:-}" in
  Linux/X64) target=x86_64-unknown-linux-gnu ;;
  Linux/ARM64) target=aarch64-unknown-linux-gnu ;;
  macOS/X64) target=x86_64-apple-darwin ;;
  macOS/ARM64) target=aarch64-apple-darwin ;;
  Windows/X64) target=x86_64-pc-windows-msvc ;;
  *) fail "no creds3 binary for a ${RUNNER_OS:-unknown} ${RUNNER_ARCH:-unknown} runner (there are binaries for Linux X64 and ARM64, macOS X64 and ARM64, Windows X64)" ;;
esac
asset="creds3-$target"
program=creds3
if [ "$RUNNER_OS" = Windows ]; then
  asset="$asset.exe"
  program=creds3.exe
fi

base=${CREDS3_RELEASE_URL:-}
if [ -z "$base" ]; then
  [ -n "${CREDS3_ACTION_REPOSITORY:-}" ] ||
    fail "cannot tell which repository the action comes from: set CREDS3_RELEASE_URL"
  base="${GITHUB_SERVER_URL:-https://github.com}/$CREDS3_ACTION_REPOSITORY/releases/download"
fi
base=${base%/}

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d ' ' -f 1
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | cut -d ' ' -f 1
  else
    openssl dgst -sha256 -r "$1" | cut -d ' ' -f 1
  fi
}

dir="${RUNNER_TEMP:-$(mktemp -d)}/creds3-$version"
mkdir -p "$dir"
download="$dir/$asset.download"
rm -f "$download" "$dir/$program"
for file in SHA256SUMS "$asset"; do
  out="$dir/$file"
  [ "$file" = "$asset" ] && out=$download
  curl --fail --silent --show-error --location --retry 3 --output "$out" "$base/$tag/$file" ||
    fail "cannot download $file of creds3 $tag from $base/$tag/$file"
done

expected=$(awk -v name="$asset" '$2 == name || $2 == "*" name { print $1; exit }' "$dir/SHA256SUMS")
[ -n "$expected" ] || fail "the SHA256SUMS of creds3 $tag lists no $asset"
actual=$(sha256 "$download")
if [ "$actual" != "$expected" ]; then
  rm -f "$download"
  fail "checksum mismatch: $asset of creds3 $tag has SHA-256 $actual, but its SHA256SUMS says $expected; the download was deleted and not run"
fi
mv "$download" "$dir/$program"
chmod +x "$dir/$program"

reported=$("$dir/$program" --version) || fail "$asset of creds3 $tag does not run on this runner"
[ "$reported" = "$version" ] || fail "$asset of creds3 $tag reports version '$reported'"
echo "creds3 $version ($asset, SHA-256 $actual as in SHA256SUMS) is $dir/$program"

if [ -n "${GITHUB_OUTPUT:-}" ]; then
  echo "path=$dir/$program" >>"$GITHUB_OUTPUT"
fi
if [ -n "${GITHUB_PATH:-}" ]; then
  folder=$dir
  if [ "$RUNNER_OS" = Windows ] && command -v cygpath >/dev/null 2>&1; then
    folder=$(cygpath -w "$dir")
  fi
  echo "$folder" >>"$GITHUB_PATH"
fi
