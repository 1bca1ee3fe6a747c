// Test-only names for the development swtpm launcher (libs/devtools/swtpm.h).
#pragma once

#include "libs/devtools/swtpm.h"

namespace twi::testing {

using devtools::ManufactureSwtpm;
using devtools::Swtpm;
using devtools::SwtpmInstalled;
using devtools::SwtpmManufacturer;

}  // namespace twi::testing
