#!/usr/bin/env bash
# The system programs the tests drive: Debian's Chromium (browser tests of the report and the
# questionnaire), poppler-utils (pdftoppm, PDF pages to PNG) and gettext (xgettext and msgmerge,
# for the test that the message catalogues are up to date). Installed once, from Debian's
# packages, when missing; nothing is downloaded at test run time after this step.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
command -v xgettext >/dev/null 2>&1 || need+=(gettext)
command -v fc-list >/dev/null 2>&1 || need+=(fontconfig)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]} (Debian packages the tests drive)"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq >/dev/null
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
