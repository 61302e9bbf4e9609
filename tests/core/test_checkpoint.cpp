// Checkpoint files: round trip, and every kind of broken or foreign file refused with a
// message that says which; a failed save leaves the previous checkpoint loadable.
#include <ATen/ATen.h>

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <filesystem>
#include <fstream>

#include "crafted_files.h"
#include "ddpm/atomic_file.h"
#include "ddpm/checkpoint.h"
#include "ddpm/error.h"
#include "ddpm/run_directory.h"
#include "ddpm/runtime.h"
#include "ddpm/trainer.h"
#include "error_of.h"
#include "tiny_data.h"
#include "tiny_runs.h"

using ddpm::test::craftedCheckpoint;

namespace {

ddpm::CheckpointFile sample()
{
    ddpm::CheckpointFile f;
    f.metadataJson = R"({"kind":"test","step":7})";
    f.tensors.emplace_back("w", at::arange(12, at::kFloat).reshape({3, 4}));
    f.tensors.emplace_back("d", at::tensor({1.5, -2.25}, at::kDouble));
    f.tensors.emplace_back("i", at::tensor(std::vector<std::int64_t>{5, 6, 7}, at::kLong));
    f.tensors.emplace_back("u", at::zeros({0}, at::kByte));
    return f;
}

/// Why parsing these bytes fails, or "" when they parse.
QString refusal(const std::string& bytes)
{
    return ddpm::test::errorOf([&] { ddpm::parseCheckpoint(bytes, "file"); });
}

} // namespace

class TestCheckpoint : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { ddpm::setThreadCount(1); }
    void roundTrip();
    void refusesBrokenFiles();
    void refusesCraftedHeaders();
    void readRefusesMissingAndOddFiles();
    void namesListingAndPruning();
    void failedSaveKeepsThePreviousCheckpoint();
};

void TestCheckpoint::roundTrip()
{
    const ddpm::CheckpointFile f = sample();
    const ddpm::CheckpointFile back = ddpm::parseCheckpoint(ddpm::serializeCheckpoint(f), "memory");
    QCOMPARE(back.tensors.size(), f.tensors.size());
    for (std::size_t i = 0; i < f.tensors.size(); ++i) {
        QCOMPARE(back.tensors[i].first, f.tensors[i].first);
        QVERIFY(at::equal(back.tensors[i].second, f.tensors[i].second));
    }
    QVERIFY(back.metadataJson.find("\"step\":7") != std::string::npos);
    QVERIFY(back.has("w") && !back.has("x"));
    QVERIFY_THROWS_EXCEPTION(ddpm::Error, back.tensor("x"));
}

void TestCheckpoint::refusesBrokenFiles()
{
    const std::string good = ddpm::serializeCheckpoint(sample());
    QVERIFY(refusal("").contains("empty"));
    QVERIFY(refusal("hello world, not a checkpoint").contains("not a DDPM Studio checkpoint"));
    QVERIFY(refusal(std::string("\x89PNG\r\n\x1a\n", 8) + std::string(100, '\0')).contains("not a DDPM Studio checkpoint"));
    QVERIFY(refusal(std::string("PK\x03\x04", 4) + std::string(100, 'x')).contains("not a DDPM Studio checkpoint")); // torch.save's zip
    QVERIFY(refusal(good.substr(0, good.size() / 2)).contains("truncated"));
    QVERIFY(refusal(good.substr(0, 20)).contains("truncated"));
    for (std::size_t at : {std::size_t(20), good.size() / 2, good.size() - 14}) {
        std::string flipped = good;
        flipped[at] = static_cast<char>(flipped[at] ^ 0x04);
        const QString why = refusal(flipped);
        QVERIFY2(why.contains("corrupt") || why.contains("checksum"), qPrintable(why));
    }
    std::string other = good;
    other[8] = 2; // format version 2
    QVERIFY(refusal(other).contains("format version 2"));
}

void TestCheckpoint::refusesCraftedHeaders()
{
    // A huge claimed shape is refused before anything is allocated.
    const std::string huge = R"({"metadata":{},"tensors":[{"name":"w","dtype":"f32","shape":[1000000000,1000000000],"offset":0,"bytes":16}]})";
    QVERIFY(refusal(craftedCheckpoint(huge, std::string(16, '\0'))).contains("larger than the file"));
    const std::string mismatch = R"({"metadata":{},"tensors":[{"name":"w","dtype":"f32","shape":[5],"offset":0,"bytes":16}]})";
    QVERIFY(refusal(craftedCheckpoint(mismatch, std::string(16, '\0'))).contains("does not fit"));
    const std::string outside = R"({"metadata":{},"tensors":[{"name":"w","dtype":"f32","shape":[4],"offset":8,"bytes":16}]})";
    QVERIFY(refusal(craftedCheckpoint(outside, std::string(16, '\0'))).contains("does not fit"));
    const std::string dtype = R"({"metadata":{},"tensors":[{"name":"w","dtype":"pickle","shape":[4],"offset":0,"bytes":16}]})";
    QVERIFY(refusal(craftedCheckpoint(dtype, std::string(16, '\0'))).contains("unknown dtype"));
    const std::string twice = R"({"metadata":{},"tensors":[{"name":"w","dtype":"u8","shape":[1],"offset":0,"bytes":1},{"name":"w","dtype":"u8","shape":[1],"offset":1,"bytes":1}]})";
    QVERIFY(refusal(craftedCheckpoint(twice, std::string(2, '\0'))).contains("twice"));
    QVERIFY(refusal(craftedCheckpoint("[1,2]", "")).contains("without metadata"));
    QVERIFY(refusal(craftedCheckpoint("{not json", "")).contains("not valid JSON"));
    // A well-formed file that is no training run: makeModel-style readers refuse it by kind.
    const std::string ok = R"({"metadata":{},"tensors":[{"name":"w","dtype":"u8","shape":[2],"offset":0,"bytes":2}]})";
    QVERIFY(refusal(craftedCheckpoint(ok, "ab")).isEmpty());
    QTemporaryDir dir;
    const std::string path = dir.filePath("foreign.ckpt").toStdString();
    ddpm::writeFileAtomic(path, craftedCheckpoint(ok, "ab"));
    ddpm::TrainingData data;
    data.items = at::zeros({4, 2});
    try {
        ddpm::Trainer trainer(ddpm::readCheckpoint(path), data);
        QFAIL("a checkpoint without a training run resumed");
    } catch (const ddpm::Error& e) {
        QVERIFY2(QString(e.what()).contains("not written by DDPM Studio"), e.what());
    }
}

void TestCheckpoint::readRefusesMissingAndOddFiles()
{
    QTemporaryDir dir;
    QVERIFY_THROWS_EXCEPTION(ddpm::Error, ddpm::readCheckpoint(dir.filePath("none.ckpt").toStdString()));
    try {
        ddpm::readCheckpoint(dir.path().toStdString());
        QFAIL("a directory was read as a checkpoint");
    } catch (const ddpm::Error& e) {
        QVERIFY(QString(e.what()).contains("not a regular file"));
    }
    const std::string empty = dir.filePath("empty.ckpt").toStdString();
    std::ofstream(empty).close();
    QVERIFY_THROWS_EXCEPTION(ddpm::Error, ddpm::readCheckpoint(empty));
}

void TestCheckpoint::namesListingAndPruning()
{
    QCOMPARE(QString::fromStdString(ddpm::checkpointFileName(1234)), QStringLiteral("step-00001234.ckpt"));
    QTemporaryDir dir;
    const std::string run = dir.path().toStdString();
    std::filesystem::create_directories(run + "/checkpoints");
    for (long long s : {30, 10, 20, 40})
        ddpm::writeCheckpoint(run + "/checkpoints/" + ddpm::checkpointFileName(s), sample());
    ddpm::writeFileAtomic(run + "/checkpoints/notes.txt", "x");
    std::vector<std::string> all = ddpm::listCheckpoints(run);
    QCOMPARE(all.size(), std::size_t(4));
    QVERIFY(QString::fromStdString(all.front()).endsWith("step-00000010.ckpt"));
    ddpm::pruneCheckpoints(run, 2);
    all = ddpm::listCheckpoints(run);
    QCOMPARE(all.size(), std::size_t(2));
    QVERIFY(QString::fromStdString(all.front()).endsWith("step-00000030.ckpt"));
    QVERIFY(QFile::exists(dir.filePath("checkpoints/notes.txt")));
}

void TestCheckpoint::failedSaveKeepsThePreviousCheckpoint()
{
    const ddpm::TrainConfig c = ddpm::test::checkpointRunConfig();
    const ddpm::TrainingData data = ddpm::test::firstItems(c, 64);
    ddpm::Trainer trainer(c, data);
    QTemporaryDir dir;
    const std::string runDir = dir.filePath("run").toStdString();
    const ddpm::RunDirectory run = ddpm::RunDirectory::create(runDir, trainer.config());
    trainer.step();
    const std::string first = run.saveCheckpoint(trainer, 1);
    trainer.step();
    // The next checkpoint's name is taken by a directory (root ignores permissions, so a
    // read-only folder cannot simulate the failure here): the save must fail with a message
    // and the previous checkpoint stay in place and loadable.
    std::filesystem::create_directories(runDir + "/checkpoints/" + ddpm::checkpointFileName(2) + "/x");
    QVERIFY_THROWS_EXCEPTION(ddpm::Error, run.saveCheckpoint(trainer, 1));
    QVERIFY(QFile::exists(QString::fromStdString(first)));
    const ddpm::CheckpointFile back = ddpm::readCheckpoint(first);
    ddpm::Trainer resumed(back, data);
    QCOMPARE(resumed.stepCount(), 1LL);
    // A run directory that already holds a run is not overwritten.
    QVERIFY_THROWS_EXCEPTION(ddpm::Error, ddpm::RunDirectory::create(runDir, trainer.config()));
}

QTEST_GUILESS_MAIN(TestCheckpoint)
#include "test_checkpoint.moc"
