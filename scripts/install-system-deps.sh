#!/usr/bin/env bash
# Install the system packages the portal needs, only those missing.
#   pango/cairo + a Japanese font: WeasyPrint renders the certified PDFs
#   gettext: compiles the Japanese and English catalogues
#   libicu-dev, pkg-config, a C++ compiler: PyICU builds from source
#   chromium (with --browser): the real-browser tests
set -euo pipefail

need=()
ldconfig -p 2>/dev/null | grep -q 'libpango-1.0.so' || need+=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b)
fc-list :lang=ja 2>/dev/null | grep -qi 'ipaex\|noto.*cjk' || need+=(fonts-ipaexfont-gothic fonts-ipaexfont-mincho fontconfig)
command -v msgfmt >/dev/null 2>&1 || need+=(gettext)
# PyICU (name transliteration for the cross-checks) builds from source against ICU.
{ command -v pkg-config >/dev/null 2>&1 && pkg-config --exists icu-i18n; } || need+=(libicu-dev pkg-config)
command -v g++ >/dev/null 2>&1 || need+=(gcc g++)
python=$(command -v python3.11 || command -v python3)
"$python" -c 'import os, sysconfig; raise SystemExit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' \
  || need+=("$(basename "$python")-dev")
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
if [ "${1:-}" = "--browser" ]; then
  [ -x /usr/bin/chromium ] || need+=(chromium)
fi
[ ${#need[@]} -eq 0 ] && exit 0

echo "Installing system packages: ${need[*]}"
if ! command -v apt-get >/dev/null 2>&1; then
  echo "This is not a Debian/Ubuntu machine: please install the equivalents of: ${need[*]}" >&2
  exit 1
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${need[@]}"
