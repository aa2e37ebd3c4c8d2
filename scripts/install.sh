#!/usr/bin/env bash
# Installs what the local stack needs beyond the Python venv: the web app's packages and the Firebase
# emulators' tooling (pinned in hosting/package-lock.json, from the npm registry), builds the app into
# hosting/dist, and checks Java
# and the gcloud SDK's Firestore emulator. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
# hosting/: the web app's packages and the emulator tooling, exactly as package-lock.json pins them.
# `npm ci` runs again only when the lock file is newer than what node_modules was installed from
# (npm writes node_modules/.package-lock.json on every install). No install scripts are needed
# (esbuild/rolldown ship prebuilt binaries as optional packages); npm 11 would ask before running them.
if command -v npm >/dev/null 2>&1; then
  if [ ! -f hosting/node_modules/.package-lock.json ] || [ hosting/package-lock.json -nt hosting/node_modules/.package-lock.json ] \
     || [ ! -x hosting/node_modules/.bin/firebase ]; then
    (cd hosting && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  fi
  # The app, built into hosting/dist (what firebase.json serves); a few seconds, offline.
  (cd hosting && npm run --silent build >/tmp/baketracker-hosting-build.log 2>&1) \
    || { cat /tmp/baketracker-hosting-build.log >&2; echo "install: the web app did not build (npm run build in hosting/)" >&2; exit 1; }
else
  echo "install: npm not found; the Auth emulator (firebase-tools) and the web app will be missing" >&2
fi
command -v java >/dev/null 2>&1 || echo "install: java not found (the Firestore and Auth emulators need Java 17+)" >&2
command -v javac >/dev/null 2>&1 || echo "install: javac not found (tests/integration/test_storage_rules_engine.py runs storage.rules through the rules engine with a small Java harness and skips without a JDK)" >&2
if ! ls /usr/lib/google-cloud-sdk/platform/cloud-firestore-emulator/cloud-firestore-emulator.jar >/dev/null 2>&1 \
   && ! command -v gcloud >/dev/null 2>&1; then
  echo "install: no gcloud SDK Firestore emulator found" >&2
fi
# Receipt OCR (adapters/receipt_ocr.py) shells out to the Tesseract CLI with the English model, and with the
# German, French and Dutch models for continental receipts when they are installed (English alone without them).
TESSERACT_PACKAGES="tesseract-ocr tesseract-ocr-eng tesseract-ocr-deu tesseract-ocr-fra tesseract-ocr-nld"
if ! command -v tesseract >/dev/null 2>&1 \
   || ! tesseract --list-langs 2>/dev/null | grep -qx deu \
   || ! tesseract --list-langs 2>/dev/null | grep -qx fra \
   || ! tesseract --list-langs 2>/dev/null | grep -qx nld; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
    export DEBIAN_FRONTEND=noninteractive
    # shellcheck disable=SC2086
    if ! apt-get install -y -q -o DPkg::Lock::Timeout=300 $TESSERACT_PACKAGES; then
      # shellcheck disable=SC2086
      apt-get update -q -o DPkg::Lock::Timeout=300 && apt-get install -y -q -o DPkg::Lock::Timeout=300 $TESSERACT_PACKAGES \
        || echo "install: apt-get could not install $TESSERACT_PACKAGES; receipt OCR may be unavailable or English-only" >&2
    fi
  elif ! command -v tesseract >/dev/null 2>&1; then
    echo "install: tesseract not found and cannot apt-get install it (need root and apt-get); receipt OCR will be unavailable" >&2
  else
    echo "install: Tesseract's deu/fra/nld models missing and cannot apt-get install them; receipts are read in English only" >&2
  fi
fi
# End-to-end tests (npm playwright-core) drive Debian's Chromium: no browser download.
if ! command -v chromium >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y -q -o DPkg::Lock::Timeout=300 chromium; then
      apt-get update -q -o DPkg::Lock::Timeout=300 && apt-get install -y -q -o DPkg::Lock::Timeout=300 chromium \
        || echo "install: apt-get could not install chromium; the end-to-end tests will be skipped" >&2
    fi
  else
    echo "install: chromium not found and cannot apt-get install it (need root and apt-get); the end-to-end tests will be skipped" >&2
  fi
fi
