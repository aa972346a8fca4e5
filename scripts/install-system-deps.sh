#!/usr/bin/env bash
# Install the system packages the portal needs, only those missing.
#   pango/cairo + a Japanese font: WeasyPrint renders the certified PDFs
#   gettext: compiles the Japanese and English catalogues
#   chromium (with --browser): the real-browser tests
set -euo pipefail

need=()
ldconfig -p 2>/dev/null | grep -q 'libpango-1.0.so' || need+=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b)
fc-list :lang=ja 2>/dev/null | grep -qi 'ipaex\|noto.*cjk' || need+=(fonts-ipaexfont-gothic fonts-ipaexfont-mincho fontconfig)
command -v msgfmt >/dev/null 2>&1 || need+=(gettext)
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
