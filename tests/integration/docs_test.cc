// The operator documentation keeps up with the code: every reason code is listed in
// docs/errors.md with the HTTP status it is answered with.
#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/core/files.h"
#include "libs/core/status.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

namespace twi {
namespace {

TEST(DocsTest, EveryReasonCodeIsDocumentedWithItsHttpStatus) {
  ASSERT_OK_AND_ASSIGN(std::string doc, ReadFile(testing::SourceDir() + "/docs/errors.md"));
  const Reason reasons[] = {
#define TWI_REASON(name, wire, code, http) Reason::name,
#include "libs/core/reason_codes.inc"
#undef TWI_REASON
  };
  for (Reason reason : reasons) {
    const std::string row =
        absl::StrFormat("| `%s` | %d |", ReasonName(reason), ReasonHttpStatus(reason));
    EXPECT_THAT(doc, ::testing::HasSubstr(row)) << "docs/errors.md lacks " << ReasonName(reason);
  }
}

}  // namespace
}  // namespace twi
