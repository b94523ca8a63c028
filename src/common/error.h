// Errors: one exception type for bad input or usage (the CLI turns it into exit code 2)
// and one throw helper that records where in mmctr it was raised.
#pragma once

#include <fmt/format.h>

#include <stdexcept>
#include <string>

namespace mmctr {

// Bad input or usage: a file, column, row or flag the user can fix. Exit code 2.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A broken invariant inside mmctr itself (a bug). Exit code 1.
class InternalError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

template <typename... Args>
[[noreturn]] void fail(fmt::format_string<Args...> format, Args&&... args) {
  throw InputError(fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace mmctr

// MMCTR_CHECK(cond, "fmt", args...): an InputError with the message when cond is false.
#define MMCTR_CHECK(cond, ...)                                    \
  do {                                                            \
    if (!(cond)) ::mmctr::fail(__VA_ARGS__);                      \
  } while (0)

// MMCTR_ASSERT(cond): an InternalError naming the source line, for invariants that only a bug breaks.
#define MMCTR_ASSERT(cond)                                                                   \
  do {                                                                                       \
    if (!(cond))                                                                             \
      throw ::mmctr::InternalError(::fmt::format("internal error at {}:{}: {}", __FILE__, \
                                                 __LINE__, #cond));                          \
  } while (0)
