// A libteec loaded at run time with dlopen: the addon never links a libteec, so one
// binary can drive the bundled simulator or a device's OP-TEE/Tizen library.
#ifndef RX_TEEC_TEEC_LIBRARY_H
#define RX_TEEC_TEEC_LIBRARY_H

#include <memory>
#include <string>

#include "tee_client_api.h"

namespace rxteec {

// Function pointers for every GP Client API entry point the addon calls. Their types come
// from the GP header's prototypes, so an ABI mismatch is a compile error here.
struct TeecLibrary {
  std::string path;
  void* handle = nullptr;

  decltype(&::TEEC_InitializeContext) InitializeContext = nullptr;
  decltype(&::TEEC_FinalizeContext) FinalizeContext = nullptr;
  decltype(&::TEEC_OpenSession) OpenSession = nullptr;
  decltype(&::TEEC_CloseSession) CloseSession = nullptr;
  decltype(&::TEEC_InvokeCommand) InvokeCommand = nullptr;
  decltype(&::TEEC_RequestCancellation) RequestCancellation = nullptr;
  decltype(&::TEEC_RegisterSharedMemory) RegisterSharedMemory = nullptr;
  decltype(&::TEEC_AllocateSharedMemory) AllocateSharedMemory = nullptr;
  decltype(&::TEEC_ReleaseSharedMemory) ReleaseSharedMemory = nullptr;

  // Loads `path` (RTLD_NOW | RTLD_LOCAL) and resolves every symbol. Returns null and sets
  // `error` (naming the path and dlerror) when the library or a symbol is missing.
  // Libraries are cached per path and never unloaded: threads may still be inside them
  // while the process exits.
  static std::shared_ptr<TeecLibrary> Open(const std::string& path, std::string* error);
};

}  // namespace rxteec

#endif
