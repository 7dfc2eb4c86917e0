#!/usr/bin/env bash
# Install what building sanlian needs, when missing (Debian/Ubuntu):
# cmake and a C++ compiler (HiGHS is built from source by highs-sys) and
# libclang-dev (bindgen); with --browser also Debian's chromium, for the
# browser end-to-end test; with --office LibreOffice Calc and Writer,
# poppler-utils and CJK fonts, for the print test. Rust itself comes from rustup.
set -euo pipefail
need=()
command -v cmake >/dev/null 2>&1 || need+=(cmake)
command -v c++ >/dev/null 2>&1 || need+=(g++)
dpkg -s libclang-dev >/dev/null 2>&1 || need+=(libclang-dev)
for flag in "$@"; do
    case "$flag" in
        --browser) [ -x /usr/bin/chromium ] || need+=(chromium) ;;
        # LibreOffice Calc and Writer, poppler and CJK fonts: make the .xls/.ods fixtures, render workbooks and letters to PDF.
        --office)
            dpkg -s libreoffice-calc >/dev/null 2>&1 || need+=(libreoffice-calc)
            dpkg -s libreoffice-writer-nogui >/dev/null 2>&1 || dpkg -s libreoffice-writer >/dev/null 2>&1 \
                || need+=(libreoffice-writer-nogui)
            command -v pdfinfo >/dev/null 2>&1 || need+=(poppler-utils)
            dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need+=(fonts-noto-cjk) ;;
    esac
done
if [ ${#need[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "setup: installing ${need[*]}" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
if ! command -v cargo >/dev/null 2>&1; then
    echo "setup: cargo not found. Install Rust first: https://rustup.rs" >&2
    exit 1
fi
# CI gates formatting and clippy: add the components when the toolchain lacks them.
if ! cargo fmt --version >/dev/null 2>&1 || ! cargo clippy --version >/dev/null 2>&1; then
    if command -v rustup >/dev/null 2>&1; then
        rustup component add rustfmt clippy
    else
        echo "setup: cargo fmt or cargo clippy is missing; install the rustfmt and clippy components" >&2
    fi
fi
