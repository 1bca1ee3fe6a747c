#include "libs/x509/der_reader.h"

#include "gtest/gtest.h"
#include "libs/x509/der.h"
#include "testing/status_matchers.h"

namespace twi::x509::der {
namespace {

using ::twi::testing::HasReason;

TEST(DerReaderTest, ReadsShortAndLongFormsAndAdvances) {
  Bytes long_form = {0x04, 0x81, 0x80};
  long_form.resize(3 + 0x80, 0xaa);
  Bytes input = {0x02, 0x01, 0x05};
  input.insert(input.end(), long_form.begin(), long_form.end());
  ByteView in(input);
  ASSERT_OK_AND_ASSIGN(Element first, Expect(in, kTagInteger, Reason::kCsrInvalid));
  EXPECT_EQ(first.contents.size(), 1u);
  EXPECT_EQ(first.contents[0], 0x05);
  EXPECT_EQ(first.encoding.size(), 3u);
  ASSERT_OK_AND_ASSIGN(Element second, Read(in, Reason::kCsrInvalid));
  EXPECT_EQ(second.tag, 0x04);
  EXPECT_EQ(second.contents.size(), 0x80u);
  EXPECT_TRUE(in.empty());
}

TEST(DerReaderTest, RefusesWhatDerForbids) {
  const Bytes cases[] = {
      {},                                 // nothing
      {0x30},                             // no length
      {0x30, 0x80, 0x00, 0x00},           // indefinite length (X.690 §10.1)
      {0x30, 0x81, 0x05, 1, 2, 3, 4, 5},  // long form for a length below 128
      {0x30, 0x82, 0x00, 0x80},           // leading zero length octet
      {0x30, 0x03, 0x01},                 // contents shorter than the length
      {0x1f, 0x81, 0x01, 0x00},           // high tag number
      {0x30, 0x85, 1, 0, 0, 0, 0},        // length of more than four octets
  };
  for (const Bytes& bytes : cases) {
    ByteView in(bytes);
    EXPECT_THAT(Read(in, Reason::kCsrInvalid), HasReason(Reason::kCsrInvalid));
  }
  const Bytes integer = {0x02, 0x01, 0x00};
  ByteView in(integer);
  EXPECT_THAT(Expect(in, kTagSequence, Reason::kCertificateInvalid),
              HasReason(Reason::kCertificateInvalid));
}

}  // namespace
}  // namespace twi::x509::der
