// Files from a stranger (docs/RELIABILITY.md, "Hostile files"): checkpoint headers whose
// claims would allocate far more than the file holds, tensors that disagree with the network
// the metadata describes, missing and extra entries, files that are valid for another tool
// (PyTorch's zip and pickle, TorchScript, safetensors, NumPy), and JSON nested deep enough to
// overflow the stack of a recursive reader. Each is refused with a message saying what is
// wrong, quickly and without allocating what it claims.
#include <ATen/ATen.h>

#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "crafted_files.h"
#include "ddpm/atomic_file.h"
#include "ddpm/checkpoint.h"
#include "ddpm/error.h"
#include "ddpm/experiment.h"
#include "ddpm/model.h"
#include "ddpm/model_config.h"
#include "ddpm/network_model.h"
#include "ddpm/runtime.h"
#include "ddpm/safetensors.h"
#include "ddpm/trainer.h"
#include "error_of.h"
#include "tiny_data.h"
#include "tiny_runs.h"

using ddpm::test::craftedCheckpoint;
using ddpm::test::errorOf;
using nlohmann::json;

namespace {

QString parseRefusal(const std::string& bytes)
{
    return errorOf([&] { ddpm::parseCheckpoint(bytes, "file"); });
}

/// A header listing one tensor entry, with no metadata.
std::string oneTensor(const std::string& entry)
{
    return R"({"metadata":{},"tensors":[)" + entry + "]}";
}

/// A checkpoint's tensor replaced (or added, or removed when t is undefined).
ddpm::CheckpointFile withTensor(ddpm::CheckpointFile file, const std::string& name, const at::Tensor& t)
{
    auto& list = file.tensors;
    const auto at = std::find_if(list.begin(), list.end(), [&](const auto& p) { return p.first == name; });
    if (!t.defined())
        list.erase(at);
    else if (at == list.end())
        list.emplace_back(name, t);
    else
        at->second = t;
    return file;
}

/// A checkpoint with its metadata edited by edit.
ddpm::CheckpointFile withMetadata(ddpm::CheckpointFile file, const std::function<void(json&)>& edit)
{
    json meta = json::parse(file.metadataJson);
    edit(meta);
    file.metadataJson = meta.dump();
    return file;
}

std::string nested(int depth)
{
    return std::string(static_cast<std::size_t>(depth), '[') + std::string(static_cast<std::size_t>(depth), ']');
}

} // namespace

class TestHostileFiles : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void claimsBeyondThePayloadAreRefusedBeforeAllocating();
    void tensorsMustFillThePayloadBackToBack();
    void headerLimits();
    void deepNestingIsRefusedUnparsed();
    void otherToolsFilesAreNamed_data();
    void otherToolsFilesAreNamed();
    void tensorsMustMatchTheNetworkOfTheMetadata();
    void networkMustBeAPreset();
    void metadataNumbersAreChecked();
    void resumeChecksTheSameWay();

private:
    QString save(const ddpm::CheckpointFile& file, const QString& name);
    QString openRefusal(const ddpm::CheckpointFile& file);

    QTemporaryDir m_dir;
    ddpm::TrainingData m_data;
    ddpm::CheckpointFile m_good;
    std::int64_t m_parameters = 0;
};

void TestHostileFiles::initTestCase()
{
    ddpm::setThreadCount(1);
    const ddpm::TrainConfig config = ddpm::test::checkpointRunConfig();
    m_data = ddpm::test::firstItems(config, 64);
    ddpm::Trainer trainer(config, m_data);
    trainer.step();
    m_good = trainer.checkpoint();
    m_parameters = trainer.parameterCount();
    QVERIFY(openRefusal(m_good).isEmpty()); // the unaltered file loads
}

QString TestHostileFiles::save(const ddpm::CheckpointFile& file, const QString& name)
{
    const QString path = m_dir.filePath(name);
    ddpm::writeCheckpoint(path.toStdString(), file);
    return path;
}

QString TestHostileFiles::openRefusal(const ddpm::CheckpointFile& file)
{
    const std::string path = save(file, QStringLiteral("altered.ckpt")).toStdString();
    return errorOf([&] { ddpm::openTrainedModel(path); });
}

void TestHostileFiles::claimsBeyondThePayloadAreRefusedBeforeAllocating()
{
    // 1e6 x 1e9 floats: 4e15 bytes claimed by a 16-byte payload. Allocating it would throw
    // std::bad_alloc (or be killed); the reader must refuse it from the header alone.
    const std::string payload(16, '\0');
    const QString huge = parseRefusal(craftedCheckpoint(
        oneTensor(R"({"name":"w","dtype":"f32","shape":[1000000,1000000000],"offset":0,"bytes":4000000000000000})"),
        payload));
    QVERIFY2(huge.contains("tensor 'w' claims a shape larger than the file"), qPrintable(huge));
    // A product that overflows 64 bits, and one hidden behind a zero dimension.
    QVERIFY(parseRefusal(craftedCheckpoint(
                oneTensor(R"({"name":"w","dtype":"u8","shape":[4294967296,4294967296,16],"offset":0,"bytes":16})"),
                payload))
                .contains("larger than the file"));
    QVERIFY(parseRefusal(craftedCheckpoint(
                oneTensor(R"({"name":"w","dtype":"u8","shape":[0,1000000000000000000],"offset":0,"bytes":0})"),
                payload))
                .contains("larger than the file"));
    const QString negative = parseRefusal(craftedCheckpoint(
        oneTensor(R"({"name":"w","dtype":"u8","shape":[-4,-4],"offset":0,"bytes":16})"), payload));
    QVERIFY2(negative.contains("negative dimension"), qPrintable(negative));
    QVERIFY(parseRefusal(craftedCheckpoint(
                oneTensor(R"({"name":"w","dtype":"u8","shape":[16.5],"offset":0,"bytes":16})"), payload))
                .contains("not a whole number"));
    QVERIFY(parseRefusal(craftedCheckpoint(
                oneTensor(R"({"name":"w","dtype":"u8","shape":[16],"offset":-1,"bytes":16})"), payload))
                .contains("not a whole number"));
    // Bytes that disagree with the shape and dtype (4 f64 are 32 bytes, not 16).
    QVERIFY(parseRefusal(craftedCheckpoint(
                oneTensor(R"({"name":"w","dtype":"f64","shape":[4],"offset":0,"bytes":16})"), payload))
                .contains("does not fit"));
}

void TestHostileFiles::tensorsMustFillThePayloadBackToBack()
{
    // Entries that each fit but overlap: a thousand of them over one megabyte would allocate
    // a gigabyte. Tensors must lie back to back, so the total is the payload's size.
    const std::string megabyte(1 << 20, '\0');
    std::string list;
    for (int i = 0; i < 1000; ++i)
        list += std::string(i ? "," : "") + R"({"name":"t)" + std::to_string(i)
            + R"(","dtype":"u8","shape":[1048576],"offset":0,"bytes":1048576})";
    const QString overlap = parseRefusal(craftedCheckpoint(R"({"metadata":{},"tensors":[)" + list + "]}", megabyte));
    QVERIFY2(overlap.contains("tensor 't1' does not fit") && overlap.contains("back to back"), qPrintable(overlap));
    // A gap after the last tensor.
    const QString gap = parseRefusal(craftedCheckpoint(
        oneTensor(R"({"name":"w","dtype":"u8","shape":[8],"offset":0,"bytes":8})"), std::string(16, '\0')));
    QVERIFY2(gap.contains("8 bytes after its last tensor"), qPrintable(gap));
    // What the writer produces passes: two tensors, back to back, filling the payload.
    QVERIFY(parseRefusal(craftedCheckpoint(
                R"({"metadata":{},"tensors":[{"name":"a","dtype":"u8","shape":[2,2],"offset":0,"bytes":4},)"
                R"({"name":"b","dtype":"f32","shape":[],"offset":4,"bytes":4}]})",
                std::string(8, '\0')))
                .isEmpty());
}

void TestHostileFiles::headerLimits()
{
    // A header size over the limit, and one the file cannot hold, refused from the first 16 bytes.
    std::string prefix = "DDPMCKPT";
    ddpm::test::putLittleEndian(prefix, 1, 4);
    std::string over = prefix, beyond = prefix;
    ddpm::test::putLittleEndian(over, ddpm::kMaxCheckpointHeader + 1u, 4);
    ddpm::test::putLittleEndian(beyond, 1000000, 4);
    QVERIFY(parseRefusal(over + std::string(64, ' ')).contains("over the limit"));
    const QString truncated = parseRefusal(beyond + std::string(64, ' '));
    QVERIFY2(truncated.contains("truncated") && truncated.contains("1000000"), qPrintable(truncated));
    // Too many tensors (zero-sized ones cost the file nothing but the header).
    std::string list;
    for (std::size_t i = 0; i <= ddpm::kMaxCheckpointTensors; ++i)
        list += std::string(i ? "," : "") + R"({"name":"t)" + std::to_string(i)
            + R"(","dtype":"u8","shape":[0],"offset":0,"bytes":0})";
    QVERIFY(parseRefusal(craftedCheckpoint(R"({"metadata":{},"tensors":[)" + list + "]}", "")).contains("more than the limit"));
    // Too many dimensions.
    QVERIFY(parseRefusal(craftedCheckpoint(
                oneTensor(R"({"name":"w","dtype":"u8","shape":[1,1,1,1,1,1,1,1,1],"offset":0,"bytes":1})"), "x"))
                .contains("at most 8 dimensions"));
}

void TestHostileFiles::deepNestingIsRefusedUnparsed()
{
    // Parsed, this would be fine; copied or dumped (what every reader does next), the
    // recursion would overflow the stack and crash. So it is refused before parsing.
    const std::string deepHeader = R"({"metadata":{"a":)" + nested(200000) + R"(},"tensors":[]})";
    const QString header = parseRefusal(craftedCheckpoint(deepHeader, ""));
    QVERIFY2(header.contains("nests arrays or objects more than 64 levels deep"), qPrintable(header));
    // Brackets inside strings do not count, nor do escaped quotes end a string.
    const std::string inString = "{\"metadata\":{\"a\":\"" + std::string(1000, '[') + "\\\"]\"},\"tensors\":[]}";
    QVERIFY(parseRefusal(craftedCheckpoint(inString, "")).isEmpty());

    const QString experiment = errorOf([] {
        ddpm::parseExperiment(R"({"version": 1, "data": )" + nested(100000) + "}", "deep.json");
    });
    QVERIFY2(experiment.startsWith("experiment file 'deep.json' nests arrays or objects"), qPrintable(experiment));
    QVERIFY(errorOf([] { ddpm::ModelConfig::fromJson(nested(100000)); }).contains("nests"));
    // 64 levels are still read (and refused for what they are, not for their depth).
    const QString shallow = errorOf([] { ddpm::parseExperiment(R"({"version": 1, "data": )" + nested(63) + "}", "ok.json"); });
    QVERIFY2(!shallow.isEmpty() && !shallow.contains("nests"), qPrintable(shallow));
    // Numbers no field can hold.
    QVERIFY(!errorOf([] { ddpm::parseExperiment(R"({"version": 1, "steps": 1e400})", "x.json"); }).isEmpty());
    QVERIFY(errorOf([] { ddpm::parseExperiment(R"({"version": 1, "steps": 1e300})", "x.json"); }).contains("outside"));
    QVERIFY(errorOf([] { ddpm::parseExperiment(R"({"version": 1, "batch": 18446744073709551616})", "x.json"); })
                .contains("outside"));
}

void TestHostileFiles::otherToolsFilesAreNamed_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("named");
    // A pickle that would call builtins.print if Python unpickled it: the kind of code a
    // torch.save file can carry. Nothing here ever unpickles it.
    const std::string pickle = std::string("\x80\x02" "cbuiltins\nprint\nq\x00X\x05\x00\x00\x00hello\x85R.", 33);
    const std::string pt = ddpm::test::storedZip({{"archive/data.pkl", pickle}, {"archive/version", "3\n"},
                                                  {"archive/data/0", std::string(16, '\0')}});
    const std::string torchScript = ddpm::test::storedZip({{"model/constants.pkl", pickle},
                                                           {"model/code/__torch__.py", "def forward(self, x):\n  return x\n"},
                                                           {"model/data.pkl", pickle}});
    // Legacy torch.save: a pickled magic number (LONG1 of 10 bytes) before the pickled data.
    const std::string legacy = std::string("\x80\x02\x8a\x0al\xfc\x9c" "F\xf9 j\xa8P\x19.", 15) + pickle;
    const std::string safetensors = ddpm::serializeSafetensors({{"w", at::ones({2, 3})}}, {{"format", "pt"}});
    std::string npy = std::string("\x93NUMPY\x01\x00", 8);
    std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }";
    dict += std::string(128 - 10 - dict.size() - 1, ' ') + "\n"; // magic, version, length and dict: 128 bytes
    ddpm::test::putLittleEndian(npy, dict.size(), 2);
    npy += dict + std::string(16, '\0');
    QTest::newRow("torch.save zip") << QByteArray::fromStdString(pt) << "a zip archive";
    QTest::newRow("TorchScript zip") << QByteArray::fromStdString(torchScript) << "a zip archive";
    QTest::newRow("legacy torch.save pickle") << QByteArray::fromStdString(legacy) << "a Python pickle";
    QTest::newRow("safetensors") << QByteArray::fromStdString(safetensors) << "a safetensors file";
    QTest::newRow("npy") << QByteArray::fromStdString(npy) << "a NumPy .npy array";
}

void TestHostileFiles::otherToolsFilesAreNamed()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, named);
    const std::string path = m_dir.filePath(QStringLiteral("foreign-%1").arg(QTest::currentDataTag())).toStdString();
    ddpm::writeFileAtomic(path, bytes.toStdString());
    const QString read = errorOf([&] { ddpm::readCheckpoint(path); });
    QVERIFY2(read.contains("is " + named) && read.contains("not a DDPM Studio checkpoint"), qPrintable(read));
    // Every way a model is opened refuses it the same way.
    const QString opened = errorOf([&] { ddpm::makeModel(path); });
    QVERIFY2(opened.contains("not a DDPM Studio checkpoint"), qPrintable(opened));
}

void TestHostileFiles::tensorsMustMatchTheNetworkOfTheMetadata()
{
    const std::string p = std::to_string(m_parameters);
    // A shape that disagrees with the network: refused naming the tensor and both shapes.
    QString why = openRefusal(withTensor(m_good, "ema", at::zeros({m_parameters + 1})));
    QVERIFY2(why.contains(QString::fromStdString("tensor 'ema' is f32 [" + std::to_string(m_parameters + 1)
                                                 + "] where the mlp tiny its metadata describes needs f32 [" + p + "]")),
             qPrintable(why));
    why = openRefusal(withTensor(m_good, "params", at::zeros({m_parameters}, at::kDouble)));
    QVERIFY2(why.contains("tensor 'params' is f64 [" + QString::fromStdString(p) + "]"), qPrintable(why));
    why = openRefusal(withTensor(m_good, "t_history", at::zeros({20, 11}, at::kDouble)));
    QVERIFY2(why.contains("tensor 't_history' is f64 [20, 11]") && why.contains("needs f64 [20, 10]"), qPrintable(why));
    // Missing entries, even ones a model does not use (the optimizer's).
    why = openRefusal(withTensor(m_good, "adam_v", at::Tensor()));
    QVERIFY2(why.contains("lacks the tensor 'adam_v' (f32 [" + QString::fromStdString(p) + "])"), qPrintable(why));
    // Extra entries are refused, not ignored: this build never writes them.
    why = openRefusal(withTensor(m_good, "payload", at::zeros({3}, at::kByte)));
    QVERIFY2(why.contains("holds a tensor 'payload'"), qPrintable(why));
    // T in the metadata against the schedule's tensors.
    why = openRefusal(withMetadata(m_good, [](json& m) { m["schedule"]["steps"] = 30; }));
    QVERIFY2(why.contains("tensor 'source_betas' is f64 [20] where") && why.contains("needs f64 [30]"), qPrintable(why));
}

void TestHostileFiles::networkMustBeAPreset()
{
    // A UNet every field of which is within UNetConfig's ranges, yet whose 3 x 3 convolutions
    // of 16384 channels would take terabytes: refused before anything is built.
    ddpm::ModelConfig huge = ddpm::modelPreset(ddpm::ModelConfig::Kind::UNet, "tiny", 1, 128, 1);
    huge.unet.baseChannels = 1024;
    huge.unet.channelMults = {16, 16, 16, 16, 16, 16, 16, 16};
    huge.unet.numResBlocks = 8;
    huge.unet.attentionResolutions = {};
    huge.validate();
    QString why = openRefusal(withMetadata(m_good, [&](json& m) { m["model"] = json::parse(huge.toJson()); }));
    QVERIFY2(why.contains("whose architecture is not that preset's"), qPrintable(why));
    // The same for a small change, and an unknown preset.
    why = openRefusal(withMetadata(m_good, [](json& m) { m["model"]["hidden"] = 129; }));
    QVERIFY2(why.contains("not that preset's"), qPrintable(why));
    why = openRefusal(withMetadata(m_good, [](json& m) { m["model"]["preset"] = "giant"; }));
    QVERIFY2(why.contains("describes a network DDPM Studio does not build") && why.contains("giant"), qPrintable(why));
    // Not a training run at all: a file in our format with another tool's metadata.
    why = openRefusal(withMetadata(m_good, [](json& m) { m.erase("kind"); }));
    QVERIFY2(why.contains("not written by DDPM Studio's trainer"), qPrintable(why));
}

void TestHostileFiles::metadataNumbersAreChecked()
{
    QString why = openRefusal(withMetadata(m_good, [](json& m) { m["step"] = 1e300; }));
    QVERIFY2(why.contains("step 1e+300 is not a whole number"), qPrintable(why));
    why = openRefusal(withMetadata(m_good, [](json& m) { m["schedule"]["steps"] = "20"; }));
    QVERIFY2(why.contains("is not a whole number in 2..100000"), qPrintable(why));
    why = openRefusal(withMetadata(m_good, [](json& m) { m["model"]["hidden"] = 1e300; }));
    QVERIFY2(why.contains("field 'hidden'") && why.contains("not a whole number"), qPrintable(why));
}

void TestHostileFiles::resumeChecksTheSameWay()
{
    const auto resumeRefusal = [&](const ddpm::CheckpointFile& file) {
        const std::string path = save(file, QStringLiteral("resume.ckpt")).toStdString();
        return errorOf([&] { ddpm::Trainer trainer(ddpm::readCheckpoint(path), m_data); });
    };
    QVERIFY(resumeRefusal(m_good).isEmpty());
    QString why = resumeRefusal(withTensor(m_good, "payload", at::zeros({3}, at::kByte)));
    QVERIFY2(why.contains("holds a tensor 'payload'"), qPrintable(why));
    why = resumeRefusal(withTensor(m_good, "adam_m", at::zeros({7})));
    QVERIFY2(why.contains("tensor 'adam_m' is f32 [7] where this run's mlp tiny on T = 20 needs"), qPrintable(why));
    why = resumeRefusal(withMetadata(m_good, [](json& m) { m["data_order"]["position"] = -5; }));
    QVERIFY2(why.contains("data position -5 is not a whole number in 0..64"), qPrintable(why));
    why = resumeRefusal(withMetadata(m_good, [](json& m) { m["optimizer"]["step"] = 2.5; }));
    QVERIFY2(why.contains("optimizer step 2.5"), qPrintable(why));
}

QTEST_GUILESS_MAIN(TestHostileFiles)
#include "test_hostile_files.moc"
