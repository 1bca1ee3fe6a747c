#include "libs/core/secret.h"

#include <string.h>

namespace twi {

void SecureWipe(void* data, size_t size) { explicit_bzero(data, size); }

}  // namespace twi
