// Process-wide start-up: thread counts for LibTorch/OpenMP and our own pools, malloc tunables.
#pragma once

#include <cstdint>

namespace mmctr {

// Applies malloc tunables that keep glibc from returning large training buffers to the OS
// after every step (measured: ~30% of a DIN training step). Call once, first thing in main.
void tune_malloc();

// Sets the thread count used by OpenMP (and through it LibTorch's intra-op pool) and by
// parallel_for. threads <= 0 means all cores.
void set_threads(int threads);
int num_threads();

// Number of hardware threads the process may use.
int hardware_threads();

}  // namespace mmctr
