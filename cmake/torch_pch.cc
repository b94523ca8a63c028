// Compiled once so every torch stage can reuse its precompiled <torch/torch.h>.
