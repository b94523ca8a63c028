"""The peer of bench_din: FuxiCTR 2.3.7's DIN forward as plain PyTorch (python3-torch), with the
attention MLP applied to the concatenated [t, h, t-h, t*h] at every history position and the item
features looked up per position, as FuxiCTR does. Prints one JSON line with samples/s and peak RSS.

usage: /usr/bin/python3 din_torch.py --batch 4096 --steps 3 --infer-batches 3 --threads 2
"""
import argparse
import json
import resource
import time

import torch
from torch import nn


def mlp(input_dim, hidden, output_dim, dropout, batch_norm):
    layers = []
    for units in hidden:
        layers.append(nn.Linear(input_dim, units))
        if batch_norm:
            layers.append(nn.BatchNorm1d(units))
        layers += [nn.ReLU(), nn.Dropout(dropout)]
        input_dim = units
    layers.append(nn.Linear(input_dim, output_dim))
    return nn.Sequential(*layers)


class Din(nn.Module):
    def __init__(self, items, tags, levels, dim=128, frozen=128):
        super().__init__()
        self.likes = nn.Embedding(levels, dim, padding_idx=0)
        self.views = nn.Embedding(levels, dim, padding_idx=0)
        self.item_id = nn.Embedding(items, dim, padding_idx=0)
        self.item_tags = nn.Embedding(tags, dim, padding_idx=0)
        self.item_emb = nn.Linear(frozen, frozen, bias=False)
        item_dim = 2 * dim + frozen
        self.attention = mlp(4 * item_dim, [1024, 512, 256], 1, 0.2, False)
        self.dnn = mlp(2 * dim + 2 * item_dim, [2048, 1024, 512, 256], 1, 0.2, True)

    def item_vectors(self, ids, tags, frozen):
        tag_emb = self.item_tags(tags)
        count = (tags > 0).sum(-1, keepdim=True).float()
        return torch.cat([self.item_id(ids), tag_emb.sum(-2) / (count + 1e-12), self.item_emb(frozen)], -1)

    def forward(self, likes, views, ids, tags, frozen, mask):
        # ids (B, L+1): history then target, as the challenge's collator builds them
        vectors = self.item_vectors(ids, tags, frozen)
        target, history = vectors[:, -1], vectors[:, :-1]
        t = target.unsqueeze(1).expand_as(history)
        scores = self.attention(torch.cat([t, history, t - history, t * history], -1)).squeeze(-1) * mask
        pooled = (scores.unsqueeze(-1) * history).sum(1)
        return self.dnn(torch.cat([self.likes(likes), self.views(views), target, pooled], -1)).squeeze(-1)

    def regularization(self, lam=5e-7):
        return sum(lam / 2 * w.pow(2).sum() for w in
                   [self.likes.weight, self.views.weight, self.item_id.weight, self.item_tags.weight,
                    self.item_emb.weight])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch", type=int, default=4096)
    parser.add_argument("--history", type=int, default=64)
    parser.add_argument("--steps", type=int, default=3)
    parser.add_argument("--infer-batches", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--items", type=int, default=91718)
    parser.add_argument("--tags", type=int, default=11740)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    model = Din(args.items, args.tags, 11)
    optimizer = torch.optim.Adam(model.parameters(), lr=5e-4)
    item_tags = torch.randint(0, args.tags, (args.items, 5))
    item_emb = torch.randn(args.items, 128)

    def batch():
        b, length = args.batch, args.history
        ids = torch.randint(1, args.items, (b, length + 1))
        lengths = torch.randint(1, length + 1, (b, 1))
        positions = torch.arange(length).unsqueeze(0)
        ids[:, :-1] *= (positions >= length - lengths).long()
        mask = (ids[:, :-1] > 0).float()
        return (torch.randint(0, 11, (b,)), torch.randint(0, 11, (b,)), ids, item_tags[ids], item_emb[ids], mask,
                torch.randint(0, 2, (b,)).float())

    def train_step(data):
        *inputs, label = data
        optimizer.zero_grad()
        loss = nn.functional.binary_cross_entropy(torch.sigmoid(model(*inputs)), label) + model.regularization()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 10)
        optimizer.step()
        return loss.item()

    model.train()
    train_step(batch())  # warm-up
    start, seconds = time.perf_counter(), 0.0
    for _ in range(args.steps):
        data = batch()
        start = time.perf_counter()
        train_step(data)
        seconds += time.perf_counter() - start
    train_rate = args.steps * args.batch / seconds
    model.eval()
    seconds = 0.0
    with torch.no_grad():
        for _ in range(args.infer_batches):
            *inputs, _ = batch()
            start = time.perf_counter()
            torch.sigmoid(model(*inputs))
            seconds += time.perf_counter() - start
    infer_rate = args.infer_batches * args.batch / seconds
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"train_samples_per_second": train_rate, "infer_samples_per_second": infer_rate,
                      "peak_rss_mb": peak_mb}))


if __name__ == "__main__":
    main()
