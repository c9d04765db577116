# What every build of the addon shares: its sources and settings (paths relative to this file).
# binding.gyp builds the addon; asan/binding.gyp the same under AddressSanitizer, for the tests.
{
  "sources": [
    "src/addon.cc",
    "src/busy_wait_budget.cc",
    "src/call_runner.cc",
    "src/cancellation.cc",
    "src/context.cc",
    "src/handles.cc",
    "src/js_values.cc",
    "src/lifecycle.cc",
    "src/loop_poller.cc",
    "src/params.cc",
    "src/pinned_memory.cc",
    "src/released_view.cc",
    "src/session.cc",
    "src/settle.cc",
    "src/shared_memory.cc",
    "src/strand.cc",
    "src/teec_library.cc",
    "src/worker_pool.cc"
  ],
  "include_dirs": [
    "../include",
    "<!(node -p \"require('node-addon-api').include_dir\")"
  ],
  "defines": [
    "NAPI_VERSION=8",
    "NAPI_CPP_EXCEPTIONS",
    "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS"
  ],
  "cflags!": ["-fno-exceptions"],
  "cflags_cc!": ["-fno-exceptions", "-std=gnu++17", "-std=gnu++20"],
  "cflags_cc": ["-std=c++17", "-fexceptions", "-Wall", "-Wextra", "-Wno-unused-parameter", "-Wno-missing-field-initializers"],
  "libraries": ["-ldl", "-lpthread"]
}
