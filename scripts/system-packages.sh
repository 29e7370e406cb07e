#!/usr/bin/env bash
# The system packages that pip cannot install, checked before `make run` and `make test`.
#
#   scripts/system-packages.sh run    Pango for WeasyPrint (required), fonts for every script
#   scripts/system-packages.sh test   the same, all required, plus Chromium for the browser tests
#                                     (and, as root, PostgreSQL for the suite's second pass)
#
# As root on Debian or Ubuntu, whatever is missing is installed with apt-get. Otherwise the script
# prints the one command that installs it and, for `test`, fails. SKIP_BROWSER=1 lets `test` go
# on without Chromium; the browser tests are then skipped and `make test` counts them at the end.
#   scripts/system-packages.sh has-browser   exit status 0 when Chromium is there
set -euo pipefail
purpose=${1:-run}
missing=()

has_browser() { command -v chromium >/dev/null 2>&1 || [ -x "${CHROMIUM:-/usr/bin/chromium}" ]; }
if [ "$purpose" = has-browser ]; then has_browser; exit; fi

libraries=$(ldconfig -p 2>/dev/null)
grep -q libpango-1.0 <<<"$libraries" || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
# WeasyPrint subsets fonts with HarfBuzz when it can (smaller PDFs), and warns when it cannot.
grep -q libharfbuzz-subset <<<"$libraries" || missing+=(libharfbuzz-subset0)
if command -v fc-list >/dev/null 2>&1; then
  fonts=$(fc-list 2>/dev/null)
  grep -q "DejaVu Sans" <<<"$fonts" || missing+=(fonts-dejavu-core)
  grep -q "Noto Sans Arabic" <<<"$fonts" || missing+=(fonts-noto-core)
  grep -q "Noto Sans CJK" <<<"$fonts" || missing+=(fonts-noto-cjk)
else
  # fontconfig's fc-list and fc-match: how this script and the font tests find a face.
  missing+=(fontconfig fonts-dejavu-core fonts-noto-core fonts-noto-cjk)
fi
browser_skipped=""
if [ "$purpose" = test ] && ! has_browser; then
  if [ "${SKIP_BROWSER:-}" = 1 ]; then
    browser_skipped=1
  else
    missing+=(chromium)
  fi
fi

# The second pass of the suite runs on PostgreSQL; without root it says it was skipped instead.
if [ "$purpose" = test ] && [ -z "${TEST_DATABASE_URL:-}" ] && ! command -v pg_ctlcluster >/dev/null 2>&1 \
   && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  missing+=(postgresql)
fi

[ ${#missing[@]} -eq 0 ] || {
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing system packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "Missing system packages: ${missing[*]}"
    if command -v apt-get >/dev/null 2>&1; then
      echo "Install them with:  sudo apt-get install -y ${missing[*]}"
    else
      echo "Install the equivalent packages of your system (Pango, fontconfig, Noto and DejaVu fonts, Chromium)."
    fi
    if [ "$purpose" = test ]; then
      case " ${missing[*]} " in
        *" chromium "*) echo "Or run the suite without the browser tests:  SKIP_BROWSER=1 make test" ;;
      esac
      exit 1
    fi
    case " ${missing[*]} " in *pango*) exit 1 ;; esac
  fi
}
if [ -n "$browser_skipped" ]; then
  echo "Chromium is missing and SKIP_BROWSER=1: the browser tests will be skipped."
fi
exit 0
