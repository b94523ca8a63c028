#!/usr/bin/env bash
# The real-data check of the CTR model. An Amazon review data set (../shared/data/amazon) becomes a
# MicroLens-schema CTR set (mmctr convert-sequences: next item positive, a never-touched item negative,
# last step test, the one before valid); Word2Vec vectors of the training sequences fill item_emb_d128
# (mmctr w2v, mmctr set-emb); DIN is trained with early stopping on valid and scored on valid and test
# next to two references that need no training: popularity and the cosine of history and target vectors.
#
# usage: scripts/amazon_ctr.sh [DATASET] [extra mmctr train flags...]
#   DATASET: Toys_and_Games (default), Beauty or Sports_and_Outdoors; work folder out/amazon-DATASET
#   e.g.   scripts/amazon_ctr.sh Beauty --config configs/din_baseline.yaml --batch-size 2048
# Builds nothing: run scripts/build.sh first.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dataset=${1:-Toys_and_Games}
shift || true
mmctr="$root/build/mmctr"
amazon="$root/../shared/data/amazon"
work="$root/out/amazon-$dataset"
rm -rf "$work"
mkdir -p "$work"
log() { echo "== $*" >&2; }

log "convert-sequences $dataset"
"$mmctr" convert-sequences --sequences "$amazon/$dataset.txt" --attributes "$amazon/${dataset}_item2attributes.json" \
  --out "$work/data" | tee "$work/convert.json"
log "w2v on the training sequences (one thread: the same vectors every run)"
"$mmctr" w2v --threads 1 --sequences "$work/data/item_seq.parquet" --out "$work/w2v.parquet" --dim 64 --epochs 20 | tee "$work/w2v.json"
"$mmctr" set-emb --embeddings "$work/w2v.parquet" --item-info "$work/data/item_info.parquet" \
  --out "$work/item_info.parquet" | tee "$work/set-emb.json"

log "DIN"
"$mmctr" train --data "$work/data" --item-info "$work/item_info.parquet" --out "$work/run" \
  --config "$root/configs/din_amazon.yaml" "$@" | tee "$work/train.json"

scores() {  # name, eval flags
  local name=$1
  shift
  "$mmctr" eval "$@" --data "$work/data/valid.parquet" >"$work/$name-valid.json"
  "$mmctr" eval "$@" --data "$work/data/test.parquet" --labels "$work/data/truth/test_labels.parquet" \
    >"$work/$name-test.json"
}
scores popularity --baseline popularity --train "$work/data/train.parquet"
scores cosine --baseline cosine --item-info "$work/item_info.parquet"
scores din --run "$work/run"

/usr/bin/env python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
print(f"{'model':<12}{'valid AUC':>11}{'valid gAUC':>12}{'test AUC':>10}{'test gAUC':>11}")
for name in ["popularity", "cosine", "din"]:
    v, t = (json.load(open(f"{work}/{name}-{split}.json")) for split in ["valid", "test"])
    print(f"{name:<12}{v['auc']:>11.4f}{v['gauc']:>12.4f}{t['auc']:>10.4f}{t['gauc']:>11.4f}")
PY
