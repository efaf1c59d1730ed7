#!/usr/bin/env bash
# Install what the tests need, when missing: Debian's postgresql, redis-server, chromium and a
# font with Vietnamese glyphs (browser tests), LibreOffice Calc (the reports' XLSX opened and
# converted to PDF in a test), and the Elasticsearch integ-test-zip from Maven
# Central (cached in .cache/). Idempotent; run as root.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
# shellcheck disable=SC1091
source "$root/config/versions.env"

missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v redis-server >/dev/null || missing+=(redis-server)
command -v chromium >/dev/null || missing+=(chromium)
command -v unzip >/dev/null || missing+=(unzip)
# Vietnamese glyphs in the browser tests' screenshots.
[ -d /usr/share/fonts/truetype/dejavu ] || missing+=(fonts-dejavu-core)
# Signed decisions (cases.delivery, docs/decisions/0008): LibreOffice headless renders the DOCX to
# PDF/A, Liberation Serif stands in for Times New Roman (same metrics, every Vietnamese letter), TeX
# Gyre Termes draws the visible signature block, poppler finds where it goes, SoftHSM is the PKCS#11
# token the tests sign with.
dpkg -s libreoffice-writer-nogui >/dev/null 2>&1 || dpkg -s libreoffice-writer >/dev/null 2>&1 \
  || missing+=(libreoffice-writer-nogui)
[ -d /usr/share/fonts/truetype/liberation2 ] || missing+=(fonts-liberation2)
[ -f /usr/share/texmf/fonts/opentype/public/tex-gyre/texgyretermes-regular.otf ] || missing+=(fonts-texgyre)
command -v pdftotext >/dev/null || missing+=(poppler-utils)
command -v softhsm2-util >/dev/null || missing+=(softhsm2)
# The periodic reports' XLSX is converted to PDF in a test (LibreOffice Calc, headless).
dpkg -s libreoffice-calc-nogui >/dev/null 2>&1 || dpkg -s libreoffice-calc >/dev/null 2>&1 \
  || missing+=(libreoffice-calc-nogui)
if [ ${#missing[@]} -gt 0 ]; then
  echo "install_services: installing ${missing[*]}"
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
# Debian starts a cluster on :5432 when it installs postgresql; we run our own on another port.

zip="$root/.cache/elasticsearch-$ELASTICSEARCH_VERSION.zip"
if [ ! -s "$zip" ]; then
  echo "install_services: fetching Elasticsearch $ELASTICSEARCH_VERSION (integ-test-zip) from Maven Central"
  mkdir -p "$root/.cache"
  mvn -q -B "org.apache.maven.plugins:maven-dependency-plugin:$MAVEN_DEPENDENCY_PLUGIN_VERSION:copy" \
    -Dartifact="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ELASTICSEARCH_VERSION:zip" \
    -DoutputDirectory="$root/.cache" -Dmdep.overWriteIfNewer=true
fi
[ -s "$zip" ] || { echo "install_services: Elasticsearch zip missing after download" >&2; exit 1; }

# axe-core for the accessibility checks of the browser tests, from the npm registry (cached).
axe="$root/.cache/npm/node_modules/axe-core/axe.min.js"
if [ ! -s "$axe" ] || ! grep -q "\"version\": \"$AXE_CORE_VERSION\"" "$root/.cache/npm/node_modules/axe-core/package.json" 2>/dev/null; then
  command -v npm >/dev/null || {
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends npm >/dev/null
  }
  echo "install_services: installing axe-core $AXE_CORE_VERSION (npm)"
  mkdir -p "$root/.cache/npm"
  npm install --silent --no-audit --no-fund --prefix "$root/.cache/npm" "axe-core@$AXE_CORE_VERSION" >/dev/null
fi
[ -s "$axe" ] || { echo "install_services: axe-core missing after npm install" >&2; exit 1; }
