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
# LibreOffice: the periodic reports' XLSX is converted to PDF in a test (soffice --headless).
command -v soffice >/dev/null || missing+=(libreoffice-calc)
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
