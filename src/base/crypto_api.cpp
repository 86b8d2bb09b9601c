// The OpenSSL libcrypto functions podsmith calls (digests for the publish manifest,
// SFTP host keys and S3; base64), each forwarding to libcrypto.so.3 loaded on
// first use (see lazy_library.h for why). A function missing here is a link error.
#include <openssl/evp.h>

#include "base/lazy_library.h"

namespace {

podsmith::LazyLibrary& libcrypto() {
  static podsmith::LazyLibrary library("libcrypto.so.3", "libssl3");
  return library;
}

// The real function `name`, looked up once.
#define PODSMITH_REAL(name) static auto* const real = podsmith::lazy_function(libcrypto(), &name, #name)

}  // namespace

const EVP_MD* EVP_md5() {
  PODSMITH_REAL(EVP_md5);
  return real();
}

const EVP_MD* EVP_sha256() {
  PODSMITH_REAL(EVP_sha256);
  return real();
}

EVP_MD_CTX* EVP_MD_CTX_new() {
  PODSMITH_REAL(EVP_MD_CTX_new);
  return real();
}

void EVP_MD_CTX_free(EVP_MD_CTX* ctx) {
  PODSMITH_REAL(EVP_MD_CTX_free);
  real(ctx);
}

int EVP_DigestInit_ex(EVP_MD_CTX* ctx, const EVP_MD* type, ENGINE* impl) {
  PODSMITH_REAL(EVP_DigestInit_ex);
  return real(ctx, type, impl);
}

int EVP_DigestUpdate(EVP_MD_CTX* ctx, const void* data, size_t count) {
  PODSMITH_REAL(EVP_DigestUpdate);
  return real(ctx, data, count);
}

int EVP_DigestFinal_ex(EVP_MD_CTX* ctx, unsigned char* md, unsigned int* size) {
  PODSMITH_REAL(EVP_DigestFinal_ex);
  return real(ctx, md, size);
}

int EVP_Digest(const void* data, size_t count, unsigned char* md, unsigned int* size, const EVP_MD* type,
               ENGINE* impl) {
  PODSMITH_REAL(EVP_Digest);
  return real(data, count, md, size, type, impl);
}

int EVP_EncodeBlock(unsigned char* to, const unsigned char* from, int length) {
  PODSMITH_REAL(EVP_EncodeBlock);
  return real(to, from, length);
}

int EVP_DecodeBlock(unsigned char* to, const unsigned char* from, int length) {
  PODSMITH_REAL(EVP_DecodeBlock);
  return real(to, from, length);
}
