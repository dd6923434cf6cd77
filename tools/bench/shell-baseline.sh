#!/usr/bin/env bash
# The approach nx-helm-crds is compared against: the usual Makefile recipe, one rule per CRD,
#
#   charts/x/crds/<group>_<plural>.yaml:
#   	kustomize build config/crd | yq 'select(.metadata.name == "<name>")' > $@
#
# i.e. for EACH CRD a full `kubectl kustomize <dir>` and a filter that keeps the one document whose
# metadata.name matches. yq (mikefarah) is not on these machines, so the filter is a streaming awk that
# does the same selection on kustomize's output (documents split on `---`, top-level `metadata:` block,
# its `  name:` line); it keeps the document text as kustomize printed it. Run sequentially, as `make`
# without -j does.
#
# Usage: tools/bench/shell-baseline.sh <workspace-root>
#   reads <workspace-root>/bench-crds.tsv (kustomization dir, CRD name, output file; written by
#   generate-workload.mjs / run.mjs), runs from <workspace-root>.
#   kustomize: $NX_HELM_CRDS_KUSTOMIZE (a kubectl binary, run as `kubectl kustomize`), else `kubectl` on PATH.
set -euo pipefail

root="${1:?usage: shell-baseline.sh <workspace-root>}"
kubectl="${NX_HELM_CRDS_KUSTOMIZE:-kubectl}"
cd "$root"

select_crd() {
  awk -v name="$1" '
    function flush(   i) {
      if (found) for (i = 0; i < n; i++) print lines[i]
      n = 0; inmeta = 0; found = 0
    }
    /^---[ \t]*$/ { flush(); next }
    { lines[n++] = $0 }
    /^metadata:/ { inmeta = 1; next }
    inmeta && /^[^ ]/ { inmeta = 0 }
    inmeta && /^  name: / {
      value = substr($0, 9); gsub(/^["\047]|["\047]$/, "", value)
      if (value == name) found = 1
    }
    END { flush() }
  '
}

count=0
while IFS=$'\t' read -r kustomization crd out; do
  [ -n "$kustomization" ] || continue
  mkdir -p "$(dirname "$out")"
  "$kubectl" kustomize "$kustomization" | select_crd "$crd" > "$out"
  if [ ! -s "$out" ]; then
    echo "shell-baseline: kustomize build $kustomization renders no CRD named $crd" >&2
    exit 1
  fi
  count=$((count + 1))
done < bench-crds.tsv
echo "shell-baseline: wrote $count CRD file(s)"
