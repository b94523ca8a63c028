#!/usr/bin/python3
"""Writes tests/ctr/data/din_golden.json: what FuxiCTR 2.3.7's DIN, as the WWW 2025 MM-CTR challenge
configures it, computes on a tiny float64 case. tests/ctr/din_golden_test.cc checks mmctr's Din and
Trainer::step against it.

The model below is written from FuxiCTR's semantics, independently of mmctr's C++:
  - FeatureEmbeddingDict: one nn.Embedding(padding_idx=0) per categorical/sequence feature, the
    sequence feature item_tags pooled by MaskedAveragePooling (mask inferred from all-zero embedding
    rows, sum / (count + 1e-12)), the `embedding` feature item_emb_d128 passed through nn.Identity and
    then its feature encoder nn.Linear(pretrain_dim, embedding_dim, bias=False);
  - the challenge's DIN: every item feature looked up per position of [history..., target], item
    vector = concatenation in feature-map order [item_id | item_tags | item_emb_d128];
  - DIN_Attention: MLP_Block over cat([t, h, t - h, t * h]) at every history position, scores x mask,
    optional softmax after adding -1e9 at masked positions, pooled = sum(score * h);
  - MLP_Block: nn.Sequential of Linear -> BatchNorm1d -> ReLU (-> Dropout), output Linear -> Sigmoid;
  - BaseModel (2.3.7): loss = F.binary_cross_entropy(y_pred, y, mean) + regularization_loss(), the
    embedding regulariser (lambda / 2) * ||p||^2 over every trainable parameter of the
    FeatureEmbeddingDict (the tables and the item_emb_d128 Linear; the 2.3.7 fix #135);
    train_step = zero_grad, backward, clip_grad_norm_(parameters, max_gradient_norm), Adam step
    (torch defaults: betas (0.9, 0.999), eps 1e-8).
Dropout is 0 so train mode is deterministic. Parameters are drawn at a scale (0.3) where every path
matters, BatchNorm running statistics are non-trivial, and the padding item's frozen vector is non-zero
so that skipping the history mask changes the result.

usage: /usr/bin/python3 scripts/gen_din_golden.py [--out tests/ctr/data/din_golden.json]
"""
import argparse
import json
import math
import os
from collections import OrderedDict

import torch
import torch.nn.functional as F
from torch import nn

SEED = 20242025
ITEMS, TAG_VOCAB, TAGS_PER_ITEM, FROZEN_DIM, LEVEL_VOCAB = 20, 8, 5, 6, 11
EMBEDDING_DIM = 4
ATTENTION_UNITS, DNN_UNITS = [8, 4], [16, 8]
HISTORY = 7
REGULARIZER = 0.01
LEARNING_RATE = 1e-2
SCALE = 0.3

# The challenge's feature map (dataset_config.feature_cols), in its order.
FEATURES = OrderedDict([
    ("likes_level", {"type": "categorical", "source": "", "vocab_size": LEVEL_VOCAB, "padding_idx": 0}),
    ("views_level", {"type": "categorical", "source": "", "vocab_size": LEVEL_VOCAB, "padding_idx": 0}),
    ("item_id", {"type": "categorical", "source": "item", "vocab_size": ITEMS, "padding_idx": 0}),
    ("item_tags", {"type": "sequence", "source": "item", "vocab_size": TAG_VOCAB, "padding_idx": 0,
                   "feature_encoder": "MaskedAveragePooling"}),
    ("item_emb_d128", {"type": "embedding", "source": "item", "embedding_dim": FROZEN_DIM}),
])


class MaskedAveragePooling(nn.Module):
    def forward(self, embedding_matrix):
        total = embedding_matrix.sum(dim=1)
        mask = embedding_matrix.sum(dim=-1) != 0  # padding rows of the table are zero
        return total / (mask.to(total.dtype).sum(-1, keepdim=True) + 1e-12)


class FeatureEmbeddingDict(nn.Module):
    def __init__(self, features, embedding_dim):
        super().__init__()
        self.features = features
        self.embedding_layers = nn.ModuleDict()
        self.feature_encoders = nn.ModuleDict()
        for name, spec in features.items():
            dim = spec.get("embedding_dim", embedding_dim)
            if spec.get("feature_encoder") == "MaskedAveragePooling":
                self.feature_encoders[name] = MaskedAveragePooling()
            elif spec["type"] == "embedding":
                self.feature_encoders[name] = nn.Linear(spec.get("pretrain_dim", dim), dim, bias=False)
            if spec["type"] in ("categorical", "sequence"):
                self.embedding_layers[name] = nn.Embedding(spec["vocab_size"], dim, padding_idx=spec["padding_idx"])
            else:
                self.embedding_layers[name] = nn.Identity()

    def forward(self, inputs):
        out = OrderedDict()
        for name, value in inputs.items():
            spec = self.features[name]
            value = value.to(torch.float64) if spec["type"] == "embedding" else value.long()
            emb = self.embedding_layers[name](value)
            if name in self.feature_encoders:
                emb = self.feature_encoders[name](emb)
            out[name] = emb
        return out

    def dict2tensor(self, emb_dict):
        return torch.cat([emb_dict[name] for name in self.features if name in emb_dict], dim=-1)


class FeatureEmbedding(nn.Module):
    def __init__(self, features, embedding_dim):
        super().__init__()
        self.embedding_layer = FeatureEmbeddingDict(features, embedding_dim)

    def forward(self, inputs):
        return self.embedding_layer.dict2tensor(self.embedding_layer(inputs))


class MLP_Block(nn.Module):
    def __init__(self, input_dim, hidden_units, output_dim=None, output_activation=None, dropout_rate=0.0,
                 batch_norm=False):
        super().__init__()
        layers = []
        units = [input_dim] + hidden_units
        for i in range(len(hidden_units)):
            layers.append(nn.Linear(units[i], units[i + 1]))
            if batch_norm:
                layers.append(nn.BatchNorm1d(units[i + 1]))
            layers.append(nn.ReLU())
            if dropout_rate > 0:
                layers.append(nn.Dropout(dropout_rate))
        if output_dim is not None:
            layers.append(nn.Linear(units[-1], output_dim))
        if output_activation is not None:
            layers.append(output_activation)
        self.mlp = nn.Sequential(*layers)

    def forward(self, x):
        return self.mlp(x)


class DIN_Attention(nn.Module):
    def __init__(self, embedding_dim, attention_units, dropout_rate, use_softmax):
        super().__init__()
        self.embedding_dim = embedding_dim
        self.use_softmax = use_softmax
        self.attention_layer = MLP_Block(4 * embedding_dim, attention_units, output_dim=1, dropout_rate=dropout_rate)

    def forward(self, target_item, history_sequence, mask):
        seq_len = history_sequence.size(1)
        target_item = target_item.unsqueeze(1).expand(-1, seq_len, -1)
        attention_input = torch.cat([target_item, history_sequence, target_item - history_sequence,
                                     target_item * history_sequence], dim=-1)
        weight = self.attention_layer(attention_input.view(-1, 4 * self.embedding_dim)).view(-1, seq_len)
        weight = weight * mask
        if self.use_softmax:
            weight = (weight + -1.e9 * (1 - mask)).softmax(dim=-1)
        return (weight.unsqueeze(-1) * history_sequence).sum(dim=1)


class DIN(nn.Module):
    def __init__(self, use_softmax):
        super().__init__()
        self.item_info_dim = sum(spec.get("embedding_dim", EMBEDDING_DIM) for spec in FEATURES.values()
                                 if spec["source"] == "item")
        self.embedding_layer = FeatureEmbedding(FEATURES, EMBEDDING_DIM)
        self.attention_layers = DIN_Attention(self.item_info_dim, ATTENTION_UNITS, 0.0, use_softmax)
        sum_emb_out_dim = sum(spec.get("embedding_dim", EMBEDDING_DIM) for spec in FEATURES.values())
        self.dnn = MLP_Block(sum_emb_out_dim + self.item_info_dim, DNN_UNITS, output_dim=1,
                             output_activation=nn.Sigmoid(), dropout_rate=0.0, batch_norm=True)

    def forward(self, batch_dict, item_dict, mask):
        feature_emb = self.embedding_layer(batch_dict)                       # (B, 2 De)
        item_feat_emb = self.embedding_layer(item_dict).view(mask.size(0), -1, self.item_info_dim)
        target_emb = item_feat_emb[:, -1, :]
        sequence_emb = item_feat_emb[:, 0:-1, :]
        pooling_emb = self.attention_layers(target_emb, sequence_emb, mask)
        logit = self.dnn.mlp[:-1](torch.cat([feature_emb, target_emb, pooling_emb], dim=-1))
        return {"logit": logit.view(-1), "y_pred": self.dnn.mlp[-1](logit)}

    def regularization_loss(self):
        reg = 0
        for module in self.modules():
            if isinstance(module, FeatureEmbeddingDict):
                for param in module.parameters():
                    if param.requires_grad:
                        reg = reg + (REGULARIZER / 2) * torch.norm(param, 2) ** 2
        return reg


def inputs_of(batch, item_tags, item_emb):
    """The challenge's BatchCollator: item features of [history..., target] looked up per position."""
    seq = torch.tensor(batch["item_seq"])
    ids = torch.cat([seq, torch.tensor(batch["item_id"]).view(-1, 1)], dim=1).flatten()
    batch_dict = OrderedDict([("likes_level", torch.tensor(batch["likes_level"])),
                              ("views_level", torch.tensor(batch["views_level"]))])
    item_dict = OrderedDict([("item_id", ids), ("item_tags", item_tags[ids]), ("item_emb_d128", item_emb[ids])])
    mask = (seq > 0).to(torch.float64)
    label = torch.tensor(batch["label"], dtype=torch.float64).view(-1, 1)
    return batch_dict, item_dict, mask, label


# mmctr's names: Din registers likes_level, views_level, item_id, item_tags, item_emb (the Linear),
# attention.first (the first attention layer) + attention.rest (an MLPBlock), dnn (an MLPBlock);
# an MLPBlock's Sequential "layers" holds per hidden layer Linear, [BatchNorm1d], ReLU, [Dropout], then
# the output Linear.
def mlp_block_names(prefix, hidden, batch_norm, dropout):
    names, index = [], 0
    for _ in hidden:
        names.append(f"{prefix}.layers.{index}")
        index += 1
        if batch_norm:
            names.append(f"{prefix}.layers.{index}")
            index += 1
        index += 1 + (dropout > 0)
    names.append(f"{prefix}.layers.{index}")
    return names


def mmctr_names(model):
    """FuxiCTR parameter/buffer name -> mmctr name."""
    names = {}
    tables = model.embedding_layer.embedding_layer
    for feature in ("likes_level", "views_level", "item_id", "item_tags"):
        names[f"embedding_layer.embedding_layer.embedding_layers.{feature}.weight"] = f"{feature}.weight"
    names["embedding_layer.embedding_layer.feature_encoders.item_emb_d128.weight"] = "item_emb.weight"
    assert isinstance(tables.feature_encoders["item_emb_d128"], nn.Linear)

    def map_mlp(fuxi_prefix, sequential, ours):
        modules = [(i, m) for i, m in enumerate(sequential) if isinstance(m, (nn.Linear, nn.BatchNorm1d))]
        assert len(modules) == len(ours), (fuxi_prefix, len(modules), len(ours))
        for (i, module), our in zip(modules, ours):
            for key in list(dict(module.named_parameters())) + list(dict(module.named_buffers())):
                names[f"{fuxi_prefix}.{i}.{key}"] = f"{our}.{key}"

    attention_ours = ["attention.first"] + mlp_block_names("attention.rest", ATTENTION_UNITS[1:], False, 0.0)
    map_mlp("attention_layers.attention_layer.mlp", model.attention_layers.attention_layer.mlp, attention_ours)
    map_mlp("dnn.mlp", model.dnn.mlp, mlp_block_names("dnn", DNN_UNITS, True, 0.0))
    return names


def tensor_json(t):
    t = t.detach()
    if t.dtype == torch.int64:
        return {"shape": list(t.shape), "values": t.flatten().tolist()}
    return {"shape": list(t.shape), "values": [float(v) for v in t.to(torch.float64).flatten().tolist()]}


def named(model, names, buffers=False):
    items = model.named_buffers() if buffers else model.named_parameters()
    out = OrderedDict()
    for name, t in items:
        out[names[name]] = tensor_json(t)
    return out


def make_data(gen):
    # Tags: left-padded like item_info; item 0 (padding) and item 7 have none.
    counts = torch.randint(1, TAGS_PER_ITEM + 1, (ITEMS,), generator=gen)
    counts[0] = 0
    counts[7] = 0
    counts[3] = TAGS_PER_ITEM
    item_tags = torch.zeros(ITEMS, TAGS_PER_ITEM, dtype=torch.int64)
    for i in range(ITEMS):
        k = int(counts[i])
        if k:
            item_tags[i, TAGS_PER_ITEM - k:] = torch.randint(1, TAG_VOCAB, (k,), generator=gen)
    item_tags[3, -1] = TAG_VOCAB - 1  # the largest tag id is used: tag vocab = max + 1
    # Frozen embeddings as float32 values (what item_info holds); the padding row is not zero, so
    # the history mask matters.
    item_emb = torch.randn(ITEMS, FROZEN_DIM, generator=gen).to(torch.float32).to(torch.float64)

    def batch(histories, targets, likes, views, labels):
        seq = [[0] * (HISTORY - len(h)) + h for h in histories]
        return {"item_seq": seq, "item_id": targets, "likes_level": likes, "views_level": views, "label": labels}

    batches = [
        # a full history; one item; four with the tagless item 7; two; a repeated item and the target
        # inside its own history; none at all.
        batch([[17, 2, 15, 9, 1, 3, 11], [8], [12, 6, 7, 19], [3, 5], [14, 14, 16, 2, 9, 1], []],
              [1, 6, 15, 18, 2, 3], [4, 2, 8, 0, 6, 9], [1, 7, 0, 3, 5, 8], [0, 1, 1, 0, 0, 1]),
        # a full history with a repeat and item 7; three; one; none; five; one (row 0's target again).
        batch([[5, 9, 7, 12, 5, 3, 18], [2, 14, 7], [11], [], [6, 1, 13, 8, 4], [19]],
              [4, 16, 7, 10, 13, 4], [0, 3, 10, 1, 5, 7], [2, 0, 9, 4, 10, 6], [1, 0, 1, 0, 1, 0]),
    ]
    return item_tags, item_emb, batches


def draw_parameters(model, gen):
    def draw(t, offset=0.0):
        t.copy_(offset + SCALE * torch.randn(t.shape, generator=gen, dtype=torch.float64))

    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, nn.BatchNorm1d):
                draw(module.weight, 1.0)
                draw(module.bias)
                draw(module.running_mean)
                module.running_var.copy_(0.5 + torch.rand(module.running_var.shape, generator=gen,
                                                          dtype=torch.float64))
            elif isinstance(module, (nn.Linear, nn.Embedding)):
                for p in module.parameters(recurse=False):
                    draw(p)
                if isinstance(module, nn.Embedding):
                    module.weight[module.padding_idx].zero_()


def loss_of(model, inputs):
    batch_dict, item_dict, mask, label = inputs
    out = model(batch_dict, item_dict, mask)
    bce = F.binary_cross_entropy(out["y_pred"], label, reduction="mean")
    reg = model.regularization_loss()
    return out, bce, reg


def grad_norm(model):
    return math.sqrt(sum(float(p.grad.pow(2).sum()) for p in model.parameters()))


def run_case(use_softmax, state, data, max_norm, steps):
    item_tags, item_emb, batches = data
    model = DIN(use_softmax).to(torch.float64)
    model.load_state_dict(state)
    names = mmctr_names(model)
    inputs = [inputs_of(b, item_tags, item_emb) for b in batches]
    case = OrderedDict(name="softmax" if use_softmax else "no_softmax", din_use_softmax=use_softmax)

    model.eval()
    with torch.no_grad():
        case["eval_logits"] = model(*inputs[0][:3])["logit"].tolist()

    # One FuxiCTR train_step per batch; the first one also gives the unclipped gradients.
    optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)
    model.train()
    case["steps"] = []
    for step in range(steps):
        optimizer.zero_grad()
        out, bce, reg = loss_of(model, inputs[step])
        loss = bce + reg
        loss.backward()
        norm = grad_norm(model)
        record = OrderedDict(loss=float(loss), bce=float(bce), regularization=float(reg), gradient_norm=norm,
                             clip_coefficient=min(1.0, max_norm / (norm + 1e-6)))
        if step == 0:
            case["train"] = OrderedDict(logits=out["logit"].tolist(), **record)
            case["gradients"] = OrderedDict((names[n], tensor_json(p.grad)) for n, p in model.named_parameters())
            case["buffers_after_train_forward"] = named(model, names, buffers=True)
        nn.utils.clip_grad_norm_(model.parameters(), max_norm)
        optimizer.step()
        record["parameters"] = named(model, names)
        record["buffers"] = named(model, names, buffers=True)
        case["steps"].append(record)
    return case


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "tests", "ctr", "data",
                                                      "din_golden.json"))
    args = parser.parse_args()
    torch.set_num_threads(1)
    gen = torch.Generator().manual_seed(SEED)
    data = make_data(gen)

    model = DIN(use_softmax=False).to(torch.float64)
    draw_parameters(model, gen)
    state = {k: v.clone() for k, v in model.state_dict().items()}
    names = mmctr_names(model)

    # max_gradient_norm between the two steps' gradient norms: the first step is clipped and the second
    # is not, so the threshold itself (not only the ratio of the two steps' norms) shapes Adam's state.
    probe = run_case(False, state, data, float("inf"), 2)
    n1, n2 = probe["steps"][0]["gradient_norm"], probe["steps"][1]["gradient_norm"]
    assert n1 > 1.2 * n2, (n1, n2)
    max_norm = float("%.3g" % math.sqrt(n1 * n2))

    cases = [run_case(False, state, data, max_norm, 2), run_case(True, state, data, max_norm, 1)]
    steps = cases[0]["steps"]
    assert steps[0]["clip_coefficient"] < 0.95 and steps[1]["clip_coefficient"] == 1.0, steps
    del cases[1]["steps"]  # the softmax case checks the forward, the loss and the gradients only

    item_tags, item_emb, batches = data
    golden = OrderedDict()
    golden["about"] = ("FuxiCTR 2.3.7 DIN (challenge configuration) in float64; written by "
                       "scripts/gen_din_golden.py, checked by tests/ctr/din_golden_test.cc")
    golden["config"] = OrderedDict(
        embedding_dim=EMBEDDING_DIM, attention_hidden_units=ATTENTION_UNITS, dnn_hidden_units=DNN_UNITS,
        attention_dropout=0.0, net_dropout=0.0, batch_norm=True, embedding_regularizer=REGULARIZER,
        learning_rate=LEARNING_RATE, max_gradient_norm=max_norm, level_vocab_size=LEVEL_VOCAB, max_len=HISTORY)
    golden["shape"] = OrderedDict(items=ITEMS, tag_vocab=TAG_VOCAB, tags_per_item=TAGS_PER_ITEM,
                                  frozen_dim=FROZEN_DIM, level_vocab=LEVEL_VOCAB)
    golden["item_info"] = OrderedDict(tags=item_tags.tolist(), emb=item_emb.tolist())
    golden["batches"] = batches
    golden["parameters"] = named(model, names)
    golden["buffers"] = named(model, names, buffers=True)
    golden["cases"] = cases
    text = json.dumps(golden, separators=(",", ":"))
    with open(args.out, "w") as f:
        f.write(text + "\n")
    print(f"{args.out}: {len(text)} bytes; max_gradient_norm {max_norm}; gradient norms "
          f"{steps[0]['gradient_norm']:.6g}, {steps[1]['gradient_norm']:.6g}; losses "
          f"{steps[0]['loss']:.6g}, {steps[1]['loss']:.6g}")


if __name__ == "__main__":
    main()
