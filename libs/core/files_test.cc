#include "libs/core/files.h"

#include <sys/stat.h>

#include "gtest/gtest.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

namespace twi {
namespace {

using ::twi::testing::HasReason;
using ::twi::testing::TempDir;

TEST(FilesTest, AtomicWriteThenReadWithMode) {
  TempDir dir;
  const std::string path = dir.File("secret.key");
  ASSERT_OK(WriteFileAtomic(path, "hello", 0600));
  EXPECT_EQ(*ReadFile(path), "hello");
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_OK(WriteFileAtomic(path, "replaced", 0600));
  EXPECT_EQ(*ReadFile(path), "replaced");
}

TEST(FilesTest, ReadEnforcesLimitAndReportsMissing) {
  TempDir dir;
  ASSERT_OK(WriteFileAtomic(dir.File("big"), std::string(100, 'x')));
  EXPECT_THAT(ReadFile(dir.File("big"), 10), HasReason(Reason::kInvalidArgument));
  EXPECT_THAT(ReadFile(dir.File("absent")), HasReason(Reason::kIoError));
}

TEST(FilesTest, MakeDirsCreatesNestedPath) {
  TempDir dir;
  ASSERT_OK(MakeDirs(dir.File("a/b/c"), 0700));
  ASSERT_OK(WriteFileAtomic(dir.File("a/b/c/f"), "x"));
  EXPECT_OK(MakeDirs(dir.File("a/b/c")));
}

}  // namespace
}  // namespace twi
