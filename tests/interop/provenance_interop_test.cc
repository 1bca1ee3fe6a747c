// Credential Provenance checked by an independent implementation: tests/interop/
// verify_provenance.py, written from the DSSE, in-toto, X.509/DER, C2SP signed-note,
// tlog-checkpoint, tlog-proof and RFC 9162 texts over Debian's python3-cryptography, checks what
// `twi quickstart` leaves in quickstart/<A|B|C|D>/ (DSSE signature, statement, precertificate
// digest, pointer, checkpoint signature, inclusion). Tampered copies must fail at the step the
// tampering breaks. One quickstart run for everything, so a single test case. Skipped when
// /usr/bin/python3 or its cryptography module is missing.
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/core/bytes.h"
#include "libs/core/files.h"
#include "libs/core/json.h"
#include "testing/status_matchers.h"
#include "testing/subprocess.h"
#include "testing/temp_dir.h"

namespace twi {
namespace {

using ::testing::HasSubstr;
using ::testing::IsSubsetOf;

// Always the system interpreter, so that Debian's python3-cryptography is what is tested.
constexpr char kPython[] = "/usr/bin/python3";
constexpr char kEmDashSpace[] = "\xe2\x80\x94 ";  // U+2014 and a space: a signed-note signature

std::string Script() { return testing::SourceDir() + "/tests/interop/verify_provenance.py"; }

testing::CommandResult Verify(const std::string& dir) {
  return testing::RunCommand({kPython, Script(), dir}, {}, absl::Seconds(30));
}

// The step numbers named by "FAIL step <n> (...)" lines.
std::set<int> FailedSteps(const std::string& err) {
  std::set<int> steps;
  for (absl::string_view line : absl::StrSplit(err, '\n')) {
    constexpr absl::string_view kPrefix = "FAIL step ";
    if (!absl::ConsumePrefix(&line, kPrefix)) continue;
    int step = 0;
    if (absl::SimpleAtoi(line.substr(0, line.find(' ')), &step)) steps.insert(step);
  }
  return steps;
}

// Another base64 character in place of text[pos], keeping the text valid base64.
void ChangeBase64Char(std::string& text, size_t pos) {
  ASSERT_LT(pos, text.size());
  text[pos] = text[pos] == 'A' ? 'B' : 'A';
}

class ProvenanceInteropTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (access(kPython, X_OK) != 0) GTEST_SKIP() << kPython << " is not installed";
    const testing::CommandResult probe =
        testing::RunCommand({kPython, "-c",
                             "import cryptography.hazmat.primitives.asymmetric.ed25519, "
                             "cryptography.hazmat.primitives.asymmetric.ec"});
    if (!probe.ok()) {
      GTEST_SKIP() << "python3-cryptography is not installed (apt-get install "
                      "python3-cryptography)";
    }
    ASSERT_TRUE(std::filesystem::exists(testing::TwiBinary())) << testing::TwiBinary();
    const testing::CommandResult run =
        testing::RunCommand({testing::TwiBinary(), "quickstart", "--json", "--dir", dir_.path()},
                            {}, absl::Seconds(60));
    ASSERT_TRUE(run.ok()) << run.out << run.err;
    ASSERT_OK_AND_ASSIGN(summary_, ParseJsonObject(run.out));
  }

  std::string Mechanism(const std::string& m) const { return dir_.path() + "/quickstart/" + m; }

  // A copy of mechanism `m`'s artifacts under tampered/<name>, with `edit` applied to `file`.
  std::string TamperedCopy(const std::string& m, const std::string& name, const std::string& file,
                           const std::function<void(std::string&)>& edit) {
    const std::string copy = dir_.path() + "/tampered/" + name;
    std::filesystem::create_directories(copy);
    std::filesystem::copy(Mechanism(m), copy,
                          std::filesystem::copy_options::recursive |
                              std::filesystem::copy_options::overwrite_existing);
    absl::StatusOr<std::string> text = ReadFile(copy + "/" + file);
    EXPECT_OK(text);
    if (!text.ok()) return copy;
    const std::string before = *text;
    edit(*text);
    EXPECT_NE(*text, before) << name << ": the edit changed nothing";
    EXPECT_OK(WriteFileAtomic(copy + "/" + file, *text));
    return copy;
  }

  // The copy must fail, naming every step in `expected`, and nothing but those and the steps
  // that already fail on the untampered mechanism.
  void ExpectFailsAt(const std::string& copy, const std::set<int>& expected,
                     const std::set<int>& baseline) {
    SCOPED_TRACE(copy);
    const testing::CommandResult r = Verify(copy);
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_EQ(r.out, "");
    const std::set<int> failed = FailedSteps(r.err);
    EXPECT_THAT(expected, IsSubsetOf(failed)) << r.err;
    std::set<int> allowed = baseline;
    allowed.insert(expected.begin(), expected.end());
    EXPECT_THAT(failed, IsSubsetOf(allowed)) << r.err;
    for (int step : expected) EXPECT_THAT(r.err, HasSubstr(absl::StrCat("FAIL step ", step, " (")));
  }

  testing::TempDir dir_;
  Json summary_;
};

TEST_F(ProvenanceInteropTest, QuickstartProvenanceVerifiesAndTamperedCopiesFail) {
  // Every mechanism's record, pointer, checkpoint and inclusion proof verify.
  std::set<int> baseline_a;
  for (const std::string m : {"A", "B", "C", "D"}) {
    SCOPED_TRACE("mechanism " + m);
    const testing::CommandResult r = Verify(Mechanism(m));
    EXPECT_TRUE(r.ok()) << r.err;
    if (m == "A") baseline_a = FailedSteps(r.err);
    if (!r.ok()) continue;
    const std::vector<std::string> words = absl::StrSplit(absl::StripSuffix(r.out, "\n"), ' ');
    ASSERT_EQ(words.size(), 3u) << r.out;
    EXPECT_EQ(words[0], "OK");
    uint64_t index = 0, size = 0;
    ASSERT_TRUE(absl::SimpleAtoi(words[1], &index) && absl::SimpleAtoi(words[2], &size)) << r.out;
    EXPECT_EQ(index, summary_["mechanisms"][m]["provenance_log_index"].get<uint64_t>());
    EXPECT_LT(index, size);
  }

  // 1: one byte of the statement changed (the salt), the payload re-encoded: the signature fails.
  ExpectFailsAt(TamperedCopy("A", "payload", "provenance.dsse.json",
                             [](std::string& text) {
                               ASSERT_OK_AND_ASSIGN(Json envelope, ParseJsonObject(text));
                               const std::string old_b64 = envelope["payload"];
                               ASSERT_OK_AND_ASSIGN(Bytes payload, Base64Decode(old_b64));
                               std::string statement(payload.begin(), payload.end());
                               const size_t salt = statement.find("\"salt\":\"");
                               ASSERT_NE(salt, std::string::npos);
                               ChangeBase64Char(statement, salt + 8);
                               const std::string new_b64 = Base64Encode(AsBytes(statement));
                               const size_t at = text.find(old_b64);
                               ASSERT_NE(at, std::string::npos);
                               text.replace(at, old_b64.size(), new_b64);
                             }),
                {1}, baseline_a);

  // 6: a path line of the proof changed (still 32 bytes of base64): the root is not reached.
  ExpectFailsAt(TamperedCopy("A", "proof-path", "provenance.tlog-proof",
                             [](std::string& text) {
                               const size_t index = text.find("\nindex ");
                               ASSERT_NE(index, std::string::npos);
                               const size_t path = text.find('\n', index + 1) + 1;
                               ASSERT_NE(text[path], '\n') << "the proof has no path";
                               ChangeBase64Char(text, path);
                             }),
                {6}, baseline_a);

  // 5: the checkpoint's signature changed (after the key id).
  ExpectFailsAt(TamperedCopy("A", "checkpoint-signature", "provenance.tlog-proof",
                             [](std::string& text) {
                               const size_t line = text.rfind(kEmDashSpace);
                               ASSERT_NE(line, std::string::npos);
                               const size_t b64 = text.find(' ', line + 4) + 1;
                               ChangeBase64Char(text, b64 + 12);
                             }),
                {5}, baseline_a);

  // 5: log.vkey replaced by another key of the same name; 4 and 5 for a key of another name.
  ASSERT_OK_AND_ASSIGN(const std::string vkey, ReadFile(Mechanism("A") + "/log.vkey"));
  const std::string log_name = vkey.substr(0, vkey.find('+'));
  for (const std::string& name : {log_name, std::string("other.example/log")}) {
    const testing::CommandResult generated =
        testing::RunCommand({kPython, Script(), "--new-vkey", name});
    ASSERT_TRUE(generated.ok()) << generated.err;
    const std::string other = generated.out;
    ASSERT_NE(other, vkey);
    const bool same_name = name == log_name;
    ExpectFailsAt(TamperedCopy("A", same_name ? "vkey-same-name" : "vkey-other-name", "log.vkey",
                               [&other](std::string& text) { text = other; }),
                  same_name ? std::set<int>{5} : std::set<int>{4, 5}, baseline_a);
  }

  // 4 and 6: the envelope's bytes changed without touching its signed content (a trailing
  // newline): it is no longer the record the credential points at nor the logged entry.
  ExpectFailsAt(TamperedCopy("A", "envelope-bytes", "provenance.dsse.json",
                             [](std::string& text) { text += "\n"; }),
                {4, 6}, baseline_a);

  // 4 and 6: the proof claims another index than the credential's pointer.
  ExpectFailsAt(TamperedCopy("A", "proof-index", "provenance.tlog-proof",
                             [](std::string& text) {
                               const size_t at = text.find("\nindex ") + 7;
                               const size_t end = text.find('\n', at);
                               uint64_t index = 0;
                               ASSERT_TRUE(absl::SimpleAtoi(text.substr(at, end - at), &index));
                               text.replace(at, end - at, absl::StrCat(index + 1));
                             }),
                {4, 6}, baseline_a);

  // 2, 3 and 4: mechanism B's X509-SVID beside A's record: the record names another
  // certificate and the certificate points at another record.
  ASSERT_OK_AND_ASSIGN(const std::string svid_b, ReadFile(Mechanism("B") + "/svid.pem"));
  ExpectFailsAt(TamperedCopy("A", "other-credential", "svid.pem",
                             [&svid_b](std::string& text) { text = svid_b; }),
                {2, 3, 4}, baseline_a);
}

}  // namespace
}  // namespace twi
