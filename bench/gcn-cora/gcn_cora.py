"""The same 2-layer GCN as src/services/gnn-trainer (Kipf & Welling 2017) in PyTorch, on the exact data the
TypeScript bench hands over (row-normalised Cora features, its normalised adjacency, labels, split), with
the paper's settings and early stopping. Prints one JSON line per seed: test accuracy, epochs, wall and
CPU ms per epoch. Usage: python3 gcn_cora.py <data dir> <seeds, e.g. 1,2,3> <torch threads>
"""
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

data_dir, seeds_arg, threads = sys.argv[1], sys.argv[2], int(sys.argv[3])
torch.set_num_threads(threads)
meta = json.load(open(os.path.join(data_dir, "meta.json")))


def read(name, dtype):
    return np.fromfile(os.path.join(data_dir, name), dtype=dtype)


def coo(prefix, rows, cols):
    row_start = read(prefix + ".rowstart", np.uint32).astype(np.int64)
    col_index = read(prefix + ".colindex", np.uint32).astype(np.int64)
    values = torch.from_numpy(read(prefix + ".values", np.float32))
    row_index = np.repeat(np.arange(rows), np.diff(row_start))
    index = torch.from_numpy(np.stack([row_index, col_index]))
    return index, values, (rows, cols)


n, f, c = meta["nodes"], meta["features"], meta["classes"]
x_index, x_values, x_shape = coo("x", n, f)
a_index, a_values, a_shape = coo("a", n, n)
adjacency = torch.sparse_coo_tensor(a_index, a_values, a_shape).coalesce()
labels = torch.from_numpy(read("labels", np.int32).astype(np.int64))
train = torch.from_numpy(read("train", np.uint32).astype(np.int64))
val = torch.from_numpy(read("val", np.uint32).astype(np.int64))
test = torch.from_numpy(read("test", np.uint32).astype(np.int64))
hidden, dropout, weight_decay = meta["hidden"], meta["dropout"], meta["weightDecay"]
epochs, lr, window = meta["epochs"], meta["learningRate"], meta["earlyStoppingWindow"]


def glorot(fan_in, fan_out):
    r = (6.0 / (fan_in + fan_out)) ** 0.5
    return torch.nn.Parameter(torch.empty(fan_in, fan_out).uniform_(-r, r))


def forward(w1, w2, training):
    # Sparse dropout on the input entries, as the paper's code: drop values, keep the pattern.
    values = F.dropout(x_values, dropout, training)
    x = torch.sparse_coo_tensor(x_index, values, x_shape)
    h = F.relu(torch.sparse.mm(adjacency, torch.sparse.mm(x, w1)))
    h = F.dropout(h, dropout, training)
    return torch.sparse.mm(adjacency, h @ w2)


def loss_of(out, nodes, w1):
    return F.cross_entropy(out[nodes], labels[nodes]) + weight_decay * (w1 * w1).sum() / 2


def accuracy(out, nodes):
    return (out[nodes].argmax(1) == labels[nodes]).float().mean().item()


for seed in [int(s) for s in seeds_arg.split(",")]:
    torch.manual_seed(seed)
    w1, w2 = glorot(f, hidden), glorot(hidden, c)
    optimizer = torch.optim.Adam([w1, w2], lr=lr)
    val_losses = []
    wall0, cpu0 = time.perf_counter(), time.process_time()
    epochs_run = 0
    for epoch in range(epochs):
        optimizer.zero_grad()
        out = forward(w1, w2, True)
        loss = loss_of(out, train, w1)
        loss.backward()
        optimizer.step()
        with torch.no_grad():
            out = forward(w1, w2, False)
            val_losses.append(loss_of(out, val, w1).item())
        epochs_run = epoch + 1
        if epoch > window and val_losses[-1] > np.mean(val_losses[-(window + 1) : -1]):
            break
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    with torch.no_grad():
        test_accuracy = accuracy(forward(w1, w2, False), test)
    print(
        json.dumps(
            {
                "seed": seed,
                "testAccuracy": test_accuracy,
                "epochs": epochs_run,
                "wallMsPerEpoch": wall * 1000 / epochs_run,
                "cpuMsPerEpoch": cpu * 1000 / epochs_run,
                "torch": torch.__version__,
            }
        ),
        flush=True,
    )
