#!/bin/sh
# SentriKat agent for Linux and macOS: sends this computer's installed software to a SentriKat appliance.
#
# POSIX sh, no dependencies beyond what the OS ships: sh, curl, gzip, od, awk, sed, sort, tr
# (openssl for --fingerprint). Design notes: docs/agents.md in the SentriKat repository.
# What leaves this computer: its hostname, OS name and version, and per installed package or
# application its name, version, vendor/maintainer, where it came from (dpkg, rpm, apk,
# macos_app, homebrew), for macOS apps the bundle id and for dpkg, rpm and apk packages the
# source package they were built from. Nothing else.

AGENT_VERSION=1.0.0
umask 077
LC_ALL=C
export LC_ALL

usage() {
    cat <<'EOF'
Usage: sentrikat-agent.sh --server URL --key KEY [options]

Sends this computer's installed software to a SentriKat appliance: a full list the first
time, afterwards only what changed, plus a heartbeat.

Modes (default: keep running, a heartbeat every 10 minutes and an inventory when due):
  --once              one run: inventory report and heartbeat, then exit (0 on success)
  --scheduled         one scheduled run (what the installed timer calls): heartbeat, and an
                      inventory report when the appliance's scan interval has passed or it
                      asks for a full scan
  --install           install as a service: copy this script to a fixed place, store the
                      settings in a file only root can read, register a systemd timer
                      (else cron; a LaunchDaemon on macOS) and run once right away
  --uninstall         remove all of that, state and logs included
  --help              this text
  --version           print the agent version

Options:
  --server URL        the appliance, e.g. https://192.168.1.10:8443
  --key KEY           agent key (sk_agent_...); or SENTRIKAT_AGENT_KEY in the environment
  --fingerprint HEX   pin the appliance's certificate: SHA-256 of its DER form, hex, colons
                      optional (what `sentrikat tls show` prints); needs openssl
  --ca-file FILE      trust the CA or certificate in FILE (PEM)
  --allow-http        allow a plain http:// server URL (refused otherwise)
  --state-dir DIR     where the last sent inventory, the state and the log are kept
  --config FILE       read server, key, fingerprint, ca_file, allow_http, state_dir,
                      hostname from FILE (key=value lines; what --install writes)
  --hostname NAME     report under NAME instead of this computer's name
  --log-file FILE     log here instead of STATE_DIR/agent.log
  --random-delay SECS wait a random 0..SECS seconds first (spreads scheduled runs)

Exit status: 0 success, 2 wrong usage, 1 anything else (one line on stderr says what).
EOF
}

# ---------------------------------------------------------------------------- messages

LOG_FILE=
LOG_MAX_BYTES=1048576
LOG_KEEP=3

log() {
    # One line to the log file (rotated past LOG_MAX_BYTES, LOG_KEEP old files) and the system log.
    level=$1
    shift
    if [ -n "$LOG_FILE" ]; then
        if [ -f "$LOG_FILE" ]; then
            size=$(wc -c <"$LOG_FILE" 2>/dev/null | tr -d ' ')
            if [ "${size:-0}" -gt "$LOG_MAX_BYTES" ]; then
                n=$LOG_KEEP
                while [ "$n" -gt 1 ]; do
                    prev=$((n - 1))
                    [ -f "$LOG_FILE.$prev" ] && mv -f "$LOG_FILE.$prev" "$LOG_FILE.$n"
                    n=$prev
                done
                mv -f "$LOG_FILE" "$LOG_FILE.1"
            fi
        fi
        printf '%s %s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$level" "$*" >>"$LOG_FILE" 2>/dev/null
    fi
    if command -v logger >/dev/null 2>&1; then
        case $level in
            error) prio=user.err ;;
            warning) prio=user.warning ;;
            *) prio=user.info ;;
        esac
        logger -t sentrikat-agent -p "$prio" -- "$*" >/dev/null 2>&1
    fi
}

die() {
    # die STATUS MESSAGE: log it, print one line on stderr, exit.
    status=$1
    shift
    log error "$*"
    printf 'sentrikat-agent: error: %s\n' "$*" >&2
    exit "$status"
}

say() {
    log info "$*"
    [ -n "$VERBOSE" ] && printf 'sentrikat-agent: %s\n' "$*" >&2
    return 0
}

# ---------------------------------------------------------------------------- options

SERVER='' KEY='' FINGERPRINT='' CA_FILE='' ALLOW_HTTP='' STATE_DIR='' CONFIG='' HOST_NAME='' MODE=loop
RANDOM_DELAY=0 VERBOSE=

need_value() {
    [ "$2" -ge 2 ] || { printf 'sentrikat-agent: error: %s needs a value (see --help)\n' "$1" >&2; exit 2; }
}

while [ $# -gt 0 ]; do
    case $1 in
        --server) need_value "$1" $#; SERVER=$2; shift ;;
        --server=*) SERVER=${1#*=} ;;
        --key) need_value "$1" $#; KEY=$2; shift ;;
        --key=*) KEY=${1#*=} ;;
        --fingerprint) need_value "$1" $#; FINGERPRINT=$2; shift ;;
        --fingerprint=*) FINGERPRINT=${1#*=} ;;
        --ca-file) need_value "$1" $#; CA_FILE=$2; shift ;;
        --ca-file=*) CA_FILE=${1#*=} ;;
        --state-dir) need_value "$1" $#; STATE_DIR=$2; shift ;;
        --state-dir=*) STATE_DIR=${1#*=} ;;
        --config) need_value "$1" $#; CONFIG=$2; shift ;;
        --config=*) CONFIG=${1#*=} ;;
        --hostname) need_value "$1" $#; HOST_NAME=$2; shift ;;
        --hostname=*) HOST_NAME=${1#*=} ;;
        --log-file) need_value "$1" $#; LOG_FILE=$2; shift ;;
        --log-file=*) LOG_FILE=${1#*=} ;;
        --random-delay) need_value "$1" $#; RANDOM_DELAY=$2; shift ;;
        --random-delay=*) RANDOM_DELAY=${1#*=} ;;
        --allow-http) ALLOW_HTTP=1 ;;
        --once) MODE=once ;;
        --scheduled) MODE=scheduled ;;
        --install) MODE=install ;;
        --uninstall) MODE=uninstall ;;
        --verbose) VERBOSE=1 ;;
        --help | -h) usage; exit 0 ;;
        --version) echo "$AGENT_VERSION"; exit 0 ;;
        *) printf 'sentrikat-agent: error: unknown option %s (see --help)\n' "$1" >&2; exit 2 ;;
    esac
    shift
done

[ -z "$KEY" ] && [ -n "${SENTRIKAT_AGENT_KEY:-}" ] && KEY=$SENTRIKAT_AGENT_KEY

if [ -n "$CONFIG" ]; then
    # key=value lines; options given on the command line win. Never sourced: it is data.
    [ -r "$CONFIG" ] || { printf 'sentrikat-agent: error: cannot read config file %s\n' "$CONFIG" >&2; exit 1; }
    while IFS= read -r line || [ -n "$line" ]; do
        case $line in
            server=*) [ -z "$SERVER" ] && SERVER=${line#*=} ;;
            key=*) [ -z "$KEY" ] && KEY=${line#*=} ;;
            fingerprint=*) [ -z "$FINGERPRINT" ] && FINGERPRINT=${line#*=} ;;
            ca_file=*) [ -z "$CA_FILE" ] && CA_FILE=${line#*=} ;;
            state_dir=*) [ -z "$STATE_DIR" ] && STATE_DIR=${line#*=} ;;
            hostname=*) [ -z "$HOST_NAME" ] && HOST_NAME=${line#*=} ;;
            log_file=*) [ -z "$LOG_FILE" ] && LOG_FILE=${line#*=} ;;
            allow_http=1 | allow_http=true | allow_http=yes) ALLOW_HTTP=1 ;;
        esac
    done <"$CONFIG"
fi

case $RANDOM_DELAY in '' | *[!0-9]*) printf 'sentrikat-agent: error: --random-delay takes whole seconds\n' >&2; exit 2 ;; esac

# Overridable for tests and packaging (documented in README "Adding devices"):
AGENT_ROOT=${SENTRIKAT_AGENT_ROOT:-/}
SCAN_ROOT=${SENTRIKAT_AGENT_SCAN_ROOT:-}
RETRIES=${SENTRIKAT_AGENT_RETRIES:-4}
RETRY_DELAY=${SENTRIKAT_AGENT_RETRY_DELAY:-5}
TIMEOUT=${SENTRIKAT_AGENT_TIMEOUT:-120}
CONNECT_TIMEOUT=10
MAX_RETRY_AFTER=900
HEARTBEAT_INTERVAL=600
DEFAULT_SCAN_INTERVAL=86400

case $(uname -s 2>/dev/null) in
    Darwin) PLATFORM=macOS ;;
    *) PLATFORM=Linux ;;
esac

# ---------------------------------------------------------------------------- helpers

now() { date +%s; }

random_below() {
    # A random whole number in [0, $1); from /dev/urandom, so agents started together differ.
    [ "$1" -gt 0 ] 2>/dev/null || { echo 0; return; }
    r=$(od -An -N4 -tu4 /dev/urandom 2>/dev/null | tr -d ' ')
    [ -n "$r" ] || r=$(awk 'BEGIN { srand(); print int(rand() * 4294967295) }')
    echo $((r % $1))
}

with_timeout() {
    # with_timeout SECS COMMAND...: run COMMAND, killed after SECS seconds.
    secs=$1
    shift
    if command -v timeout >/dev/null 2>&1; then
        timeout "$secs" "$@"
        return
    fi
    "$@" &
    cmd_pid=$!
    (sleep "$secs"; kill "$cmd_pid") >/dev/null 2>&1 &
    dog_pid=$!
    wait "$cmd_pid"
    cmd_rc=$?
    kill "$dog_pid" >/dev/null 2>&1
    return $cmd_rc
}

json_escape_tsv() {
    # Tab-separated lines on stdin -> the same lines with each field escaped as the inside of a
    # JSON string, in pure ASCII: quote and backslash escaped, other control characters turned
    # into spaces (the appliance refuses them in names), UTF-8 written as \uXXXX (surrogate pairs
    # past U+FFFF), and bytes that are not valid UTF-8 read as Latin-1, so the body is always
    # valid JSON whatever a package database holds. Works on byte values from od, so the
    # result does not depend on the awk or the locale.
    od -An -tu1 -v | awk '
        function hex4(c) {
            return substr(H, int(c / 4096) % 16 + 1, 1) substr(H, int(c / 256) % 16 + 1, 1) \
                   substr(H, int(c / 16) % 16 + 1, 1) substr(H, c % 16 + 1, 1)
        }
        function emit(c) {
            if (c == 34) out = out "\\\""
            else if (c == 92) out = out "\\\\"
            else if (c < 32 || c == 127) out = out " "
            else if (c < 127) out = out sprintf("%c", c)
            else if (c < 65536) out = out "\\u" hex4(c)
            else { c -= 65536; out = out "\\u" hex4(55296 + int(c / 1024)) "\\u" hex4(56320 + c % 1024) }
        }
        function flush(   i, c, need, cp, lo, hi, j, d, ok) {
            i = 1
            while (i <= n) {
                c = b[i]
                if (c == 9) { out = out "\t"; i++; continue }
                if (c < 128) { emit(c); i++; continue }
                need = 0; lo = 128; hi = 191
                if (c >= 194 && c <= 223) { need = 1; cp = c - 192 }
                else if (c >= 224 && c <= 239) { need = 2; cp = c - 224; if (c == 224) lo = 160; if (c == 237) hi = 159 }
                else if (c >= 240 && c <= 244) { need = 3; cp = c - 240; if (c == 240) lo = 144; if (c == 244) hi = 143 }
                ok = need > 0 && i + need <= n
                for (j = 1; ok && j <= need; j++) {
                    d = b[i + j]
                    if (d < (j == 1 ? lo : 128) || d > (j == 1 ? hi : 191)) ok = 0
                    else cp = cp * 64 + d - 128
                }
                if (ok) { emit(cp); i += need + 1 } else { emit(c); i++ }
            }
            print out
            out = ""; n = 0
        }
        BEGIN { H = "0123456789abcdef"; n = 0; out = "" }
        { for (k = 1; k <= NF; k++) { if ($k == 10) flush(); else b[++n] = $k + 0 } }
        END { if (n > 0) flush() }
    '
}

json_string() {
    # The JSON string (with quotes) for one value.
    { printf '%s' "$1" | tr '\t\n' '  '; echo; } | json_escape_tsv | awk '{ printf "\"%s\"", $0 } END { if (NR == 0) printf "\"\"" }'
}

json_field() {
    # json_field NAME FILE: the first value of "NAME" in a JSON answer (string unquoted, number, true/false).
    awk -v k="$1" '
        { text = text $0 " " }
        END {
            if (match(text, "\"" k "\"[ \t]*:[ \t]*(\"[^\"]*\"|[-+.0-9eE]+|true|false|null)")) {
                v = substr(text, RSTART, RLENGTH)
                sub(/^"[^"]*"[ \t]*:[ \t]*/, "", v)
                gsub(/"/, "", v)
                print v
            }
        }' "$2" 2>/dev/null
}

# ---------------------------------------------------------------------------- collection
# Each collector prints tab-separated lines: name, version, vendor, source, bundle_id and, for
# distribution packages whose source package has another name, the source package (a sixth
# field only then, so that the line of any other item is what agents before it wrote).

collect_dpkg() {
    # Installed packages only: the second letter of db:Status-Abbrev is the state; "i" installed,
    # "U"/"F"/"W"/"t" unpacked, half-configured, awaiting or pending triggers (files present).
    # "c" (config files left after removal), "n" and "H" are not reported.
    # The source package: ${source:Package} and ${source:Version} (dpkg 1.16.2 and later), else
    # the Source field, which is empty when the source has the package's name and version and
    # ends in " (VERSION)" when only the version differs; dpkg prints nothing for a field it does
    # not know. It is sent only when the package has its source's upstream version: dmsetup
    # 1.02.185 comes from lvm2 2.03.16, and lvm2's CVE ranges say nothing about that number.
    dpkg-query -W -f '${db:Status-Abbrev}\t${Package}\t${Version}\t${Maintainer}\t${source:Package}\t${Source}\t${source:Version}\n' 2>/dev/null |
        awk -F'\t' '
            function upstream(v) {
                sub(/^[0-9]+:/, "", v)
                sub(/-[^-]*$/, "", v)
                sub(/\+b[0-9]+$/, "", v)
                return v
            }
            substr($1, 2, 1) ~ /[iUFWt]/ && $2 != "" {
                vendor = $4
                sub(/[ \t]*<[^>]*>[ \t]*$/, "", vendor)
                source = $5
                if (source == "") { source = $6; sub(/[ \t]*\(.*$/, "", source) }
                version = $7
                if (version == "") { version = $3; if (match($6, /\(.*\)/)) version = substr($6, RSTART + 1, RLENGTH - 2) }
                if (source == $2 || upstream(version) != upstream($3)) source = ""
                print $2 "\t" $3 "\t" vendor "\tdpkg\t" (source != "" ? "\t" source : "")
            }'
}

collect_rpm() {
    # EPOCH, VENDOR and SOURCERPM print "(none)" when unset; gpg-pubkey entries are keys, not
    # software. SOURCERPM is NAME-VERSION-RELEASE.src.rpm (.nosrc.rpm without sources); rpm
    # allows no "-" in VERSION and RELEASE, so the name is what precedes the last two dashes.
    # Sent only when the package has its source's VERSION (perl-Errno 1.30 comes from perl 5.32.1).
    rpm -qa --qf '%{NAME}\t%{EPOCH}\t%{VERSION}\t%{RELEASE}\t%{VENDOR}\t%{SOURCERPM}\n' 2>/dev/null |
        awk -F'\t' '
            $1 != "" && $1 != "gpg-pubkey" {
                version = $3
                if ($4 != "" && $4 != "(none)") version = version "-" $4
                if ($2 != "" && $2 != "(none)") version = $2 ":" version
                vendor = ($5 == "(none)") ? "" : $5
                source = ""
                if (match($6, /-[^-]+-[^-]+\.(no)?src\.rpm$/)) {
                    source = substr($6, 1, RSTART - 1)
                    built = substr($6, RSTART + 1)
                    sub(/-.*$/, "", built)
                    if (source == $1 || built != $3) source = ""
                }
                print $1 "\t" version "\t" vendor "\trpm\t" (source != "" ? "\t" source : "")
            }'
}

collect_apk() {
    # "apk info -v" prints NAME-VERSION-rN; apk versions never contain "-" before "-rN",
    # so the version is the last two dash-separated parts. The source package is the origin:
    # the "o:" line of the package's record ("P:" its name) in apk's installed database.
    db="$SCAN_ROOT/lib/apk/db/installed"
    [ -r "$db" ] || db="$SCAN_ROOT/usr/lib/apk/db/installed"
    apk info -v 2>/dev/null |
        awk -v db="$db" '
            BEGIN {
                while ((getline line < db) > 0) {
                    if (line == "") name = ""
                    else if (substr(line, 1, 2) == "P:") name = substr(line, 3)
                    else if (substr(line, 1, 2) == "o:" && name != "") origin[name] = substr(line, 3)
                }
            }
            match($0, /-[^-]+-r[0-9]+$/) {
                name = substr($0, 1, RSTART - 1)
                source = (name in origin && origin[name] != name) ? "\t" origin[name] : ""
                print name "\t" substr($0, RSTART + 1) "\t\tapk\t" source
            }'
}

plist_value() {
    # plist_value KEY FILE: a string value of an Info.plist (XML or binary), empty if absent.
    if command -v plutil >/dev/null 2>&1 && plutil -extract "$1" raw -o - "$2" 2>/dev/null; then
        return 0
    fi
    defaults read "${2%.plist}" "$1" 2>/dev/null
}

collect_macos_apps() {
    # App bundles in /Applications, every user's ~/Applications and this user's, not looking
    # inside bundles (helpers and plug-ins ship within them).
    for dir in "$SCAN_ROOT/Applications" "$SCAN_ROOT"/Users/*/Applications "${HOME:-/nonexistent}/Applications"; do
        [ -d "$dir" ] || continue
        find "$dir" -name '*.app' -type d -prune -print 2>/dev/null
    done | awk '!seen[$0]++' | while IFS= read -r app; do
        plist="$app/Contents/Info.plist"
        [ -f "$plist" ] || continue
        name=${app##*/}
        name=${name%.app}
        version=$(plist_value CFBundleShortVersionString "$plist" | head -n 1)
        [ -n "$version" ] || version=$(plist_value CFBundleVersion "$plist" | head -n 1)
        bundle_id=$(plist_value CFBundleIdentifier "$plist" | head -n 1)
        printf '%s\t%s\t\tmacos_app\t%s\n' "$name" "$version" "$bundle_id"
    done
}

run_brew() {
    # Homebrew refuses to run as root; a root agent runs it as the owner of its prefix.
    if [ "$(id -u)" = 0 ]; then
        prefix=$(brew --prefix 2>/dev/null)
        owner=$(ls -ld "${prefix:-/nonexistent}" 2>/dev/null | awk '{ print $3 }')
        if [ -n "$owner" ] && [ "$owner" != root ] && command -v sudo >/dev/null 2>&1; then
            sudo -u "$owner" -H brew "$@"
            return
        fi
    fi
    brew "$@"
}

collect_homebrew() {
    # "brew list --versions" prints NAME VERSION [VERSION...]: one item per installed version.
    for kind in --formula --cask; do
        run_brew list --versions "$kind" 2>/dev/null |
            awk '{ for (i = 2; i <= NF; i++) print $1 "\t" $i "\t\thomebrew\t" }'
    done
}

collect() {
    # The whole inventory, escaped, sorted, one line per (name, version): the state file's format.
    {
        if [ "$PLATFORM" = macOS ]; then
            collect_macos_apps
            command -v brew >/dev/null 2>&1 && collect_homebrew
        else
            command -v dpkg-query >/dev/null 2>&1 && collect_dpkg
            command -v rpm >/dev/null 2>&1 && collect_rpm
            command -v apk >/dev/null 2>&1 && collect_apk
            command -v brew >/dev/null 2>&1 && collect_homebrew
        fi
    } | json_escape_tsv | awk -F'\t' '$1 != ""' | sort | awk -F'\t' '!seen[$1 "\t" $2]++'
}

os_name() {
    if [ "$PLATFORM" = macOS ]; then
        printf '%s %s (%s)' "$(sw_vers -productName 2>/dev/null || echo macOS)" \
            "$(sw_vers -productVersion 2>/dev/null)" "$(sw_vers -buildVersion 2>/dev/null)"
        return
    fi
    release="$SCAN_ROOT/etc/os-release"
    [ -r "$release" ] || release="$SCAN_ROOT/usr/lib/os-release"
    pretty=
    if [ -r "$release" ]; then
        # Shell-style assignment: strip one level of quotes and the backslash escapes.
        pretty=$(sed -n 's/^PRETTY_NAME=//p' "$release" | head -n 1 |
            sed -e 's/^"\(.*\)"$/\1/' -e "s/^'\(.*\)'\$/\\1/" -e 's/\\\(["$`\\]\)/\1/g')
    fi
    [ -n "$pretty" ] || pretty="Linux $(uname -r 2>/dev/null)"
    printf '%s' "$pretty"
}

# ---------------------------------------------------------------------------- HTTP

WORK=
STATUS=
CURLRC=

cleanup() {
    [ -n "$WORK" ] && rm -rf "$WORK"
    [ -n "${LOCK_DIR:-}" ] && [ -n "${LOCK_HELD:-}" ] && rm -rf "$LOCK_DIR"
}

make_work_dir() {
    WORK=$(mktemp -d "${TMPDIR:-/tmp}/sentrikat-agent.XXXXXX") || die 1 "cannot create a temporary folder"
    trap cleanup EXIT
    trap 'exit 1' HUP INT TERM
}

check_server() {
    [ -n "$SERVER" ] || die 2 "--server URL is required (see --help)"
    [ -n "$KEY" ] || die 2 "--key KEY is required (see --help)"
    case $KEY in *[!A-Za-z0-9_-]*) die 2 "the key holds characters an agent key never has" ;; esac
    SERVER=${SERVER%/}
    case $SERVER in
        https://*) ;;
        http://*) [ -n "$ALLOW_HTTP" ] || die 2 "refusing plain http:// (the key and inventory would cross the network readable); use https:// or add --allow-http" ;;
        *) die 2 "--server must start with https:// (or http:// with --allow-http): $SERVER" ;;
    esac
    case $SERVER in *[!A-Za-z0-9.:/_\[\]-]*) die 2 "--server is not a plain URL: $SERVER" ;; esac
    if [ -n "$FINGERPRINT" ]; then
        FINGERPRINT=$(printf '%s' "$FINGERPRINT" | tr -d ':' | tr 'abcdef' 'ABCDEF')
        case $FINGERPRINT in *[!0-9A-F]*) die 2 "--fingerprint must be hex (SHA-256 of the certificate)" ;; esac
        [ ${#FINGERPRINT} -eq 64 ] || die 2 "--fingerprint must be 64 hex digits (SHA-256)"
    fi
    if [ -n "$CA_FILE" ] && [ ! -r "$CA_FILE" ]; then
        die 2 "cannot read --ca-file $CA_FILE"
    fi
}

curl_quote() { printf '%s' "$1" | sed 's/[\\"]/\\&/g'; }

setup_tls() {
    # A curl config file (-K) keeps the key off the command line, where ps would show it.
    CURLRC="$WORK/curlrc"
    {
        printf 'header = "X-Agent-Key: %s"\n' "$KEY"
        printf 'user-agent = "SentriKat-Appliance-Agent/%s (%s)"\n' "$AGENT_VERSION" "$PLATFORM"
        [ -n "$CA_FILE" ] && printf 'cacert = "%s"\n' "$(curl_quote "$CA_FILE")"
    } >"$CURLRC"
    case $SERVER in https://*) ;; *) return 0 ;; esac
    [ -n "$FINGERPRINT" ] || return 0
    # Pinning: fetch the appliance's certificate, check the SHA-256 of its DER form, then have
    # curl accept exactly that certificate's public key on every request (--pinnedpubkey), so a
    # different server cannot slip in between this check and the requests.
    command -v openssl >/dev/null 2>&1 || die 1 "--fingerprint needs openssl, which is not installed"
    hostport=${SERVER#https://}
    hostport=${hostport%%/*}
    case $hostport in
        \[*\]:*) ;;
        \[*\]) hostport="$hostport:443" ;;
        *:*) ;;
        *) hostport="$hostport:443" ;;
    esac
    with_timeout "$CONNECT_TIMEOUT" openssl s_client -connect "$hostport" </dev/null >"$WORK/handshake" 2>/dev/null
    openssl x509 -in "$WORK/handshake" -outform PEM >"$WORK/server.pem" 2>/dev/null ||
        die 1 "could not fetch the appliance's certificate from $hostport"
    seen=$(openssl x509 -in "$WORK/server.pem" -noout -fingerprint -sha256 | sed 's/.*=//' | tr -d ':' | tr 'abcdef' 'ABCDEF')
    [ "$seen" = "$FINGERPRINT" ] ||
        die 1 "certificate fingerprint mismatch: $hostport presents $seen, expected $FINGERPRINT (refusing to send anything)"
    pin=$(openssl x509 -in "$WORK/server.pem" -noout -pubkey | openssl pkey -pubin -outform DER 2>/dev/null |
        openssl dgst -sha256 -binary | openssl base64 | tr -d '\n')
    [ -n "$pin" ] || die 1 "could not read the public key of the appliance's certificate"
    {
        [ -z "$CA_FILE" ] && printf 'insecure\n'
        printf 'pinnedpubkey = "sha256//%s"\n' "$pin"
    } >>"$CURLRC"
}

http_once() {
    # http_once METHOD PATH [GZIPPED_BODY]: one request; STATUS is the HTTP status ("000" when
    # there was no answer); the answer is in $WORK/answer, its headers in $WORK/headers.
    method=$1 path=$2 body=${3:-}
    rm -f "$WORK/answer" "$WORK/headers"
    if [ -n "$body" ]; then
        STATUS=$(curl -sS -X "$method" -K "$CURLRC" --connect-timeout "$CONNECT_TIMEOUT" --max-time "$TIMEOUT" \
            -H 'Content-Type: application/json' -H 'Content-Encoding: gzip' --data-binary "@$body" \
            -o "$WORK/answer" -D "$WORK/headers" -w '%{http_code}' "$SERVER$path" 2>"$WORK/curl-error")
    else
        STATUS=$(curl -sS -X "$method" -K "$CURLRC" --connect-timeout "$CONNECT_TIMEOUT" --max-time "$TIMEOUT" \
            -o "$WORK/answer" -D "$WORK/headers" -w '%{http_code}' "$SERVER$path" 2>"$WORK/curl-error")
    fi
    CURL_RC=$?
    [ -f "$WORK/answer" ] || : >"$WORK/answer"
    [ $CURL_RC -eq 0 ] || STATUS=000
    case $STATUS in '' | *[!0-9]*) STATUS=000 ;; esac
    return 0
}

request() {
    # request METHOD PATH [GZIPPED_BODY]: with the retry rules. Returns 0 with STATUS set when the
    # appliance answered (any status but 429/5xx), 1 when it gave up (down, 5xx, or 429 too long).
    # Network errors and 5xx: RETRIES attempts, waiting RETRY_DELAY, then 3x, 9x... plus jitter.
    # 429: wait Retry-After plus up to a tenth more (at least 1 s) of jitter, at most 5 times.
    attempt=1 limited=0 delay=$RETRY_DELAY
    while :; do
        http_once "$@"
        case $STATUS in
            000 | 5??)
                if [ "$STATUS" = 000 ]; then
                    why="no answer ($(head -c 300 "$WORK/curl-error" 2>/dev/null | tr '\n' ' '))"
                else
                    why="HTTP $STATUS $(head -c 300 "$WORK/answer" | tr '\n' ' ')"
                fi
                # Certificate problems (curl 35 handshake, 51/60 verification, 58/77 local files,
                # 90 pinned key) do not heal by retrying.
                case $STATUS$CURL_RC in 00035 | 00051 | 00058 | 00060 | 00077 | 00083 | 00090 | 00091) attempt=$RETRIES ;; esac
                if [ "$attempt" -ge "$RETRIES" ]; then
                    log warning "$1 $2: $why; giving up after $attempt attempts"
                    FAILURE="$SERVER: $why"
                    return 1
                fi
                wait_s=$((delay + $(random_below $((delay / 2 + 1)))))
                log warning "$1 $2: $why; attempt $attempt of $RETRIES, retrying in $wait_s s"
                sleep "$wait_s"
                attempt=$((attempt + 1))
                delay=$((delay * 3))
                ;;
            429)
                after=$(sed -n 's/^[Rr][Ee][Tt][Rr][Yy]-[Aa][Ff][Tt][Ee][Rr]:[ \t]*\([0-9][0-9]*\).*/\1/p' "$WORK/headers" | tail -n 1)
                [ -n "$after" ] || after=60
                limited=$((limited + 1))
                if [ "$limited" -gt 5 ] || [ "$after" -gt "$MAX_RETRY_AFTER" ]; then
                    log warning "$1 $2: rate limited (Retry-After $after s); giving up until the next run"
                    FAILURE="$SERVER: rate limited, Retry-After $after s"
                    return 1
                fi
                jitter=$(random_below $((after / 10 + 2)))
                log info "$1 $2: rate limited; waiting Retry-After $after s + $jitter s"
                sleep $((after + jitter))
                ;;
            *) return 0 ;;
        esac
    done
}

post_json() {
    # post_json PATH JSON_FILE: gzip and POST with the retry rules.
    gzip -c -n "$2" >"$2.gz" || die 1 "gzip failed"
    request POST "$1" "$2.gz"
}

answer_error() {
    code=$(json_field error "$WORK/answer")
    message=$(json_field message "$WORK/answer")
    printf 'HTTP %s %s: %s' "$STATUS" "${code:-error}" "${message:-$(head -c 200 "$WORK/answer")}"
}

# ---------------------------------------------------------------------------- state

STATE_FILE='' INVENTORY='' LOCK_DIR='' LOCK_HELD=''
LAST_SCAN=0 SCAN_INTERVAL=$DEFAULT_SCAN_INTERVAL FORCE_FULL=0 LAST_FULL=0
# The layout of inventory.tsv: 2 added the source package field. A state without it (an older
# agent's) is answered with a full report, which updates each item in place on the appliance;
# a delta would remove and re-add every package whose line changed, and with it its findings.
INVENTORY_LAYOUT=2 INVENTORY_FORMAT=1

state_paths() {
    if [ -z "$STATE_DIR" ]; then
        if [ "$(id -u)" = 0 ]; then
            STATE_DIR=/var/lib/sentrikat-agent
            [ "$PLATFORM" = macOS ] && STATE_DIR="/Library/Application Support/SentriKat/state"
        else
            STATE_DIR="${HOME:-.}/.sentrikat-agent"
        fi
    fi
    mkdir -p "$STATE_DIR" 2>/dev/null && chmod 700 "$STATE_DIR" 2>/dev/null
    [ -d "$STATE_DIR" ] && [ -w "$STATE_DIR" ] || die 1 "cannot write the state folder $STATE_DIR"
    [ -n "$LOG_FILE" ] || LOG_FILE="$STATE_DIR/agent.log"
    STATE_FILE="$STATE_DIR/agent.state"
    INVENTORY="$STATE_DIR/inventory.tsv"
    LOCK_DIR="$STATE_DIR/lock"
}

lock() {
    # One run at a time per state folder (a timer firing during a manual --once).
    if mkdir "$LOCK_DIR" 2>/dev/null; then
        echo $$ >"$LOCK_DIR/pid"
        LOCK_HELD=1
        return
    fi
    other=$(cat "$LOCK_DIR/pid" 2>/dev/null)
    if [ -n "$other" ] && kill -0 "$other" 2>/dev/null; then
        die 1 "another run (process $other) is using $STATE_DIR"
    fi
    rm -rf "$LOCK_DIR"
    mkdir "$LOCK_DIR" 2>/dev/null || die 1 "cannot lock $STATE_DIR"
    echo $$ >"$LOCK_DIR/pid"
    LOCK_HELD=1
}

load_state() {
    [ -f "$STATE_FILE" ] || return 0
    while IFS='=' read -r name value; do
        case $value in '' | *[!0-9]*) continue ;; esac
        case $name in
            last_scan) LAST_SCAN=$value ;;
            scan_interval) SCAN_INTERVAL=$value ;;
            force_full_scan) FORCE_FULL=$value ;;
            last_full) LAST_FULL=$value ;;
            inventory_format) INVENTORY_FORMAT=$value ;;
        esac
    done <"$STATE_FILE"
}

save_state() {
    # Written to a temporary file in the same folder and renamed: never half-written.
    printf 'last_scan=%s\nscan_interval=%s\nforce_full_scan=%s\nlast_full=%s\ninventory_format=%s\n' \
        "$LAST_SCAN" "$SCAN_INTERVAL" "$FORCE_FULL" "$LAST_FULL" "$INVENTORY_FORMAT" >"$STATE_FILE.tmp" &&
        mv -f "$STATE_FILE.tmp" "$STATE_FILE"
}

read_config_answer() {
    # scan_interval and force_full_scan from a heartbeat's "config" or a config answer.
    value=$(json_field scan_interval "$WORK/answer")
    case $value in '' | *[!0-9]*) ;; *) [ "$value" -gt 0 ] && SCAN_INTERVAL=$value ;; esac
    case $(json_field force_full_scan "$WORK/answer") in
        true) FORCE_FULL=1 ;;
        false) FORCE_FULL=0 ;;
    esac
}

# ---------------------------------------------------------------------------- reports

items_json() {
    # Escaped inventory lines -> a JSON array of software items.
    awk -F'\t' '
        BEGIN { printf "[" }
        {
            if (NR > 1) printf ","
            printf "{\"name\":\"%s\",\"version\":\"%s\",\"vendor\":\"%s\",\"source\":\"%s\"", $1, $2, $3, $4
            if ($5 != "") printf ",\"bundle_id\":\"%s\"", $5
            if ($6 != "") printf ",\"source_package\":\"%s\"", $6
            printf "}"
        }
        END { printf "]" }' "$1"
}

report_head() {
    printf '{"hostname":%s,"os":%s,"agent_version":"%s"' "$HOST_JSON" "$OS_JSON" "$AGENT_VERSION"
}

send_full() {
    # send_full SCANNED: full report; on 200 the scanned list becomes the state.
    count=$(wc -l <"$1" | tr -d ' ')
    { report_head; printf ',"software":'; items_json "$1"; printf '}'; } >"$WORK/full.json"
    post_json /api/agent/report "$WORK/full.json" || return 1
    [ "$STATUS" = 200 ] || { FAILURE="full report refused: $(answer_error)"; return 1; }
    cp "$1" "$INVENTORY.tmp" && mv -f "$INVENTORY.tmp" "$INVENTORY" || die 1 "cannot write $INVENTORY"
    LAST_SCAN=$(now) LAST_FULL=$LAST_SCAN FORCE_FULL=0 INVENTORY_FORMAT=$INVENTORY_LAYOUT
    save_state
    RESULT="full report accepted: $count items (asset $(json_field asset_id "$WORK/answer"), $(json_field vulnerabilities_found "$WORK/answer") vulnerabilities)"
    say "$RESULT"
}

send_delta() {
    # send_delta SCANNED: what changed since the inventory the appliance last accepted.
    # 400 full_report_required -> full report at once; an answer saying the pictures diverged
    # (force_full_scan) -> full report at once.
    awk 'NR == FNR { seen[$0] = 1; next } !($0 in seen)' "$INVENTORY" "$1" >"$WORK/added.tsv"
    awk 'NR == FNR { seen[$0] = 1; next } !($0 in seen)' "$1" "$INVENTORY" >"$WORK/removed.tsv"
    added=$(wc -l <"$WORK/added.tsv" | tr -d ' ')
    removed=$(wc -l <"$WORK/removed.tsv" | tr -d ' ')
    {
        report_head
        printf ',"delta":true,"software_added":'
        items_json "$WORK/added.tsv"
        printf ',"software_removed":'
        items_json "$WORK/removed.tsv"
        printf '}'
    } >"$WORK/delta.json"
    post_json /api/agent/report "$WORK/delta.json" || return 1
    if [ "$STATUS" = 400 ] && [ "$(json_field error "$WORK/answer")" = full_report_required ]; then
        say "the appliance has no full report for $HOST_NAME (full_report_required); sending one"
        send_full "$1"
        return
    fi
    [ "$STATUS" = 200 ] || { FAILURE="delta report refused: $(answer_error)"; return 1; }
    cp "$1" "$INVENTORY.tmp" && mv -f "$INVENTORY.tmp" "$INVENTORY" || die 1 "cannot write $INVENTORY"
    LAST_SCAN=$(now)
    save_state
    RESULT="delta report accepted: $added added, $removed removed"
    say "$RESULT"
    if [ "$(json_field force_full_scan "$WORK/answer")" = true ]; then
        say "the appliance's list differs from this agent's; sending a full report"
        send_full "$1"
    fi
}

report() {
    # Scan, then a full report (no state yet, the appliance asked for one, or the last inventory
    # is in an older layout) or a delta.
    collect >"$WORK/scanned.tsv" || die 1 "collecting the inventory failed"
    [ -s "$WORK/scanned.tsv" ] || log warning "no installed software found (no dpkg-query, rpm, apk or apps)"
    if [ ! -f "$INVENTORY" ] || [ "$FORCE_FULL" = 1 ] || [ "$INVENTORY_FORMAT" != "$INVENTORY_LAYOUT" ]; then
        send_full "$WORK/scanned.tsv"
    else
        send_delta "$WORK/scanned.tsv"
    fi
}

heartbeat() {
    printf '{"hostname":%s,"agent_version":"%s"}' "$HOST_JSON" "$AGENT_VERSION" >"$WORK/heartbeat.json"
    post_json /api/agent/heartbeat "$WORK/heartbeat.json" || return 1
    [ "$STATUS" = 200 ] || { FAILURE="heartbeat refused: $(answer_error)"; return 1; }
    read_config_answer
    save_state
    log info "heartbeat ok (scan_interval $SCAN_INTERVAL s, force_full_scan $FORCE_FULL)"
}

fetch_config() {
    request GET "/api/agent/config?hostname=$HOST_QUERY" || return 1
    [ "$STATUS" = 200 ] || { FAILURE="config refused: $(answer_error)"; return 1; }
    read_config_answer
    save_state
}

prepare_run() {
    check_server
    state_paths
    make_work_dir
    lock
    load_state
    [ -n "$HOST_NAME" ] || HOST_NAME=$(uname -n 2>/dev/null)
    [ -n "$HOST_NAME" ] || die 1 "cannot tell this computer's name; give --hostname"
    HOST_JSON=$(json_string "$HOST_NAME")
    OS_JSON=$(json_string "$(os_name)")
    HOST_QUERY=$(printf '%s' "$HOST_NAME" | od -An -tx1 -v | tr -s ' \n' '  ' | sed 's/^ //; s/ $//; s/ /%/g; s/^/%/')
    setup_tls
    FAILURE='' RESULT=''
}

run_once() {
    # Report, heartbeat; a heartbeat asking for a full scan gets one at once.
    report || die 1 "${FAILURE:-report failed}"
    heartbeat || die 1 "${FAILURE:-heartbeat failed}"
    if [ "$FORCE_FULL" = 1 ]; then
        say "the appliance asks for a full scan"
        report || die 1 "${FAILURE:-report failed}"
    fi
    printf 'sentrikat-agent: %s\n' "$RESULT"
}

run_scheduled() {
    # Heartbeat every run; an inventory when the scan interval has passed (re-read from the
    # config endpoint first, since an admin may have changed it) or the appliance asks for one.
    heartbeat || { log warning "${FAILURE:-heartbeat failed}"; return 1; }
    due=0
    [ -f "$INVENTORY" ] || due=1
    [ "$FORCE_FULL" = 1 ] && due=1
    if [ "$due" = 0 ] && [ $(($(now) - LAST_SCAN)) -ge "$SCAN_INTERVAL" ]; then
        fetch_config || { log warning "${FAILURE:-config failed}"; return 1; }
        [ $(($(now) - LAST_SCAN)) -ge "$SCAN_INTERVAL" ] && due=1
        [ "$FORCE_FULL" = 1 ] && due=1
    fi
    [ "$due" = 1 ] || return 0
    report || { log warning "${FAILURE:-report failed}"; return 1; }
}

# ---------------------------------------------------------------------------- install

install_paths() {
    root=${AGENT_ROOT%/}
    I_PLIST='' I_UNIT_DIR=''
    if [ "$PLATFORM" = macOS ]; then
        I_BIN="$root/usr/local/bin/sentrikat-agent"
        I_CONF_DIR="$root/Library/Application Support/SentriKat"
        I_STATE="$I_CONF_DIR/state"
        I_PLIST="$root/Library/LaunchDaemons/com.sentrikat.agent.plist"
        LIVE_BIN=/usr/local/bin/sentrikat-agent
        LIVE_CONF="/Library/Application Support/SentriKat/agent.conf"
        LIVE_STATE="/Library/Application Support/SentriKat/state"
    else
        I_BIN="$root/usr/local/bin/sentrikat-agent"
        I_CONF_DIR="$root/etc/sentrikat-agent"
        I_STATE="$root/var/lib/sentrikat-agent"
        I_UNIT_DIR="$root/etc/systemd/system"
        LIVE_BIN=/usr/local/bin/sentrikat-agent
        LIVE_CONF=/etc/sentrikat-agent/agent.conf
        LIVE_STATE=/var/lib/sentrikat-agent
    fi
    I_CONF="$I_CONF_DIR/agent.conf"
    # How to schedule: SENTRIKAT_AGENT_INIT (systemd, cron, launchd) overrides the detection.
    INIT=${SENTRIKAT_AGENT_INIT:-}
    if [ -z "$INIT" ]; then
        if [ "$PLATFORM" = macOS ]; then
            INIT=launchd
        elif [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
            INIT=systemd
        else
            INIT=cron
        fi
    fi
    LIVE=
    [ "$root" = "" ] && LIVE=1
}

write_units() {
    mkdir -p "$I_UNIT_DIR"
    cat >"$I_UNIT_DIR/sentrikat-agent.service" <<EOF
[Unit]
Description=SentriKat agent: report installed software to the SentriKat appliance
Wants=network-online.target
After=network-online.target

[Service]
Type=oneshot
ExecStart=/bin/sh $LIVE_BIN --config $LIVE_CONF --scheduled
Nice=10
EOF
    cat >"$I_UNIT_DIR/sentrikat-agent.timer" <<EOF
[Unit]
Description=Run the SentriKat agent every 10 minutes

[Timer]
OnBootSec=2min
OnActiveSec=10min
OnUnitActiveSec=10min
RandomizedDelaySec=60

[Install]
WantedBy=timers.target
EOF
    chmod 644 "$I_UNIT_DIR/sentrikat-agent.service" "$I_UNIT_DIR/sentrikat-agent.timer"
}

CRON_LINE_MARK='# sentrikat-agent'

write_cron() {
    # /etc/cron.d where it exists (Debian, RHEL); else root's crontab file (Alpine's busybox crond).
    if [ -d "$root/etc/cron.d" ] || [ ! -d "$root/etc/crontabs" ]; then
        mkdir -p "$root/etc/cron.d"
        cat >"$root/etc/cron.d/sentrikat-agent" <<EOF
# SentriKat agent: a heartbeat every 10 minutes, the inventory when the appliance's scan interval has passed
*/10 * * * * root /bin/sh $LIVE_BIN --config $LIVE_CONF --scheduled --random-delay 60 >/dev/null 2>&1
EOF
        chmod 644 "$root/etc/cron.d/sentrikat-agent"
    else
        tab="$root/etc/crontabs/root"
        touch "$tab"
        grep -v "$CRON_LINE_MARK\$" "$tab" >"$tab.tmp" 2>/dev/null
        printf '*/10 * * * * /bin/sh %s --config %s --scheduled --random-delay 60 >/dev/null 2>&1 %s\n' \
            "$LIVE_BIN" "$LIVE_CONF" "$CRON_LINE_MARK" >>"$tab.tmp"
        chmod 600 "$tab.tmp" && mv -f "$tab.tmp" "$tab"
    fi
}

write_plist() {
    mkdir -p "${I_PLIST%/*}"
    cat >"$I_PLIST" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>Label</key>
	<string>com.sentrikat.agent</string>
	<key>ProgramArguments</key>
	<array>
		<string>/bin/sh</string>
		<string>$LIVE_BIN</string>
		<string>--config</string>
		<string>$LIVE_CONF</string>
		<string>--scheduled</string>
	</array>
	<key>StartInterval</key>
	<integer>600</integer>
	<key>RunAtLoad</key>
	<false/>
	<key>StandardOutPath</key>
	<string>/dev/null</string>
	<key>StandardErrorPath</key>
	<string>/dev/null</string>
</dict>
</plist>
EOF
    chmod 644 "$I_PLIST"
}

do_install() {
    install_paths
    if [ -n "$LIVE" ] && [ "$(id -u)" != 0 ]; then
        printf 'sentrikat-agent: error: --install needs root (run it with sudo)\n' >&2
        exit 1
    fi
    check_server
    [ -f "$0" ] || { printf 'sentrikat-agent: error: --install needs the script as a file (download it, then run sh FILE --install)\n' >&2; exit 1; }
    mkdir -p "${I_BIN%/*}" "$I_CONF_DIR" "$I_STATE" || exit 1
    chmod 700 "$I_CONF_DIR" "$I_STATE"
    if [ "$0" != "$I_BIN" ]; then
        cp "$0" "$I_BIN.tmp" && chmod 755 "$I_BIN.tmp" && mv -f "$I_BIN.tmp" "$I_BIN" || exit 1
    fi
    {
        printf '# SentriKat agent settings, written by --install; readable by root only.\n'
        printf 'server=%s\nkey=%s\n' "$SERVER" "$KEY"
        [ -n "$FINGERPRINT" ] && printf 'fingerprint=%s\n' "$FINGERPRINT"
        [ -n "$CA_FILE" ] && printf 'ca_file=%s\n' "$CA_FILE"
        [ -n "$ALLOW_HTTP" ] && printf 'allow_http=1\n'
        [ -n "$HOST_NAME" ] && printf 'hostname=%s\n' "$HOST_NAME"
        printf 'state_dir=%s\n' "$LIVE_STATE"
    } >"$I_CONF.tmp" && chmod 600 "$I_CONF.tmp" && mv -f "$I_CONF.tmp" "$I_CONF" || exit 1
    case $INIT in
        systemd) write_units ;;
        cron) write_cron ;;
        launchd) write_plist ;;
        *) printf 'sentrikat-agent: error: unknown SENTRIKAT_AGENT_INIT %s\n' "$INIT" >&2; exit 2 ;;
    esac
    # First run right away, so the device shows up now (with a temporary root, in that root).
    if [ -n "$LIVE" ]; then
        sh "$I_BIN" --config "$I_CONF" --once || { echo "sentrikat-agent: installed, but the first run failed (see above); the schedule will retry" >&2; exit 1; }
    else
        sh "$I_BIN" --config "$I_CONF" --state-dir "$I_STATE" --once || { echo "sentrikat-agent: installed, but the first run failed (see above)" >&2; exit 1; }
    fi
    if [ -n "$LIVE" ]; then
        case $INIT in
            systemd) systemctl daemon-reload && systemctl enable --now sentrikat-agent.timer >/dev/null 2>&1 ||
                echo "sentrikat-agent: warning: could not enable sentrikat-agent.timer" >&2 ;;
            launchd) launchctl bootout system "$I_PLIST" >/dev/null 2>&1
                launchctl bootstrap system "$I_PLIST" 2>/dev/null || launchctl load -w "$I_PLIST" ;;
        esac
    fi
    echo "sentrikat-agent: installed ($INIT); settings in $I_CONF, log in $I_STATE/agent.log"
}

do_uninstall() {
    install_paths
    if [ -n "$LIVE" ] && [ "$(id -u)" != 0 ]; then
        printf 'sentrikat-agent: error: --uninstall needs root (run it with sudo)\n' >&2
        exit 1
    fi
    if [ -n "$LIVE" ]; then
        if command -v systemctl >/dev/null 2>&1 && [ -f "$I_UNIT_DIR/sentrikat-agent.timer" ]; then
            systemctl disable --now sentrikat-agent.timer >/dev/null 2>&1
        fi
        [ -f "$I_PLIST" ] && { launchctl bootout system "$I_PLIST" 2>/dev/null || launchctl unload -w "$I_PLIST" 2>/dev/null; }
    fi
    [ -n "$I_UNIT_DIR" ] && rm -f "$I_UNIT_DIR/sentrikat-agent.service" "$I_UNIT_DIR/sentrikat-agent.timer"
    [ -n "$I_PLIST" ] && rm -f "$I_PLIST"
    rm -f "$root/etc/cron.d/sentrikat-agent"
    if [ -f "$root/etc/crontabs/root" ]; then
        grep -v "$CRON_LINE_MARK\$" "$root/etc/crontabs/root" >"$root/etc/crontabs/root.tmp"
        chmod 600 "$root/etc/crontabs/root.tmp" && mv -f "$root/etc/crontabs/root.tmp" "$root/etc/crontabs/root"
    fi
    [ -n "$LIVE" ] && [ "$INIT" = systemd ] && systemctl daemon-reload >/dev/null 2>&1
    rm -rf "$I_CONF_DIR" "$I_STATE"
    rm -f "$I_BIN"
    echo "sentrikat-agent: uninstalled (schedule, settings, state and the script removed)"
}

# ---------------------------------------------------------------------------- main

case $MODE in
    install) do_install; exit ;;
    uninstall) do_uninstall; exit ;;
esac

[ "$RANDOM_DELAY" -gt 0 ] && sleep "$(random_below "$RANDOM_DELAY")"
prepare_run
case $MODE in
    once)
        say "run (--once) for $HOST_NAME against $SERVER"
        run_once
        ;;
    scheduled)
        run_scheduled || exit 1
        ;;
    loop)
        say "running for $HOST_NAME against $SERVER: heartbeat every $HEARTBEAT_INTERVAL s"
        while :; do
            run_scheduled
            sleep "$HEARTBEAT_INTERVAL"
        done
        ;;
esac
exit 0
