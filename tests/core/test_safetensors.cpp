// The safetensors writer against bytes built by hand from the format's description, its
// refusals, and a trained model's export: the module's names, the EMA (or trained) values
// and the metadata (safetensors.h, model_export.h).
#include <ATen/ATen.h>
#include <torch/nn/module.h>

#include <QTemporaryDir>
#include <QTest>

#include <cstring>
#include <string>

#include "ddpm/checkpoint.h"
#include "ddpm/error.h"
#include "ddpm/model.h"
#include "ddpm/model_export.h"
#include "ddpm/network_model.h"
#include "ddpm/runtime.h"
#include "ddpm/safetensors.h"
#include "ddpm/trainer.h"
#include "error_of.h"
#include "tiny_runs.h"

using ddpm::test::errorOf;

namespace {

std::string bytesOf(const void* data, std::size_t n)
{
    return std::string(static_cast<const char*>(data), n);
}

} // namespace

class TestSafetensors : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { ddpm::setThreadCount(1); }
    void bytesFollowTheFormat();
    void valuesNotLayout();
    void refusals();
    void trainedModelExport();
};

void TestSafetensors::bytesFollowTheFormat()
{
    ddpm::NamedTensors tensors;
    tensors.emplace_back("a", at::tensor({1.0f, -2.0f}));
    tensors.emplace_back("b", at::scalar_tensor(7, at::kLong));
    tensors.emplace_back("c", at::zeros({0}, at::kByte));
    const std::string file = ddpm::serializeSafetensors(tensors, {{"k", "v"}});

    std::string header = R"({"__metadata__":{"k":"v"},)"
                         R"("a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                         R"("b":{"dtype":"I64","shape":[],"data_offsets":[8,16]},)"
                         R"("c":{"dtype":"U8","shape":[0],"data_offsets":[16,16]}})";
    header.append((8 - header.size() % 8) % 8, ' ');
    std::string expected;
    for (int i = 0; i < 8; ++i) expected.push_back(static_cast<char>((header.size() >> (8 * i)) & 0xff));
    expected += header;
    expected += std::string("\x00\x00\x80\x3f\x00\x00\x00\xc0", 8);  // 1.0f, -2.0f little-endian
    expected += std::string("\x07\x00\x00\x00\x00\x00\x00\x00", 8);  // int64 7
    QCOMPARE(QByteArray::fromStdString(file).toHex(), QByteArray::fromStdString(expected).toHex());

    // No metadata: no "__metadata__" key at all.
    const std::string bare = ddpm::serializeSafetensors({{"x", at::ones({1}, at::kDouble)}});
    QVERIFY(bare.find("__metadata__") == std::string::npos);
    QCOMPARE(bare.size() % 8, std::size_t(0));
}

void TestSafetensors::valuesNotLayout()
{
    // A transposed view is written as its values, row-major.
    const at::Tensor base = at::arange(6, at::kInt).reshape({2, 3});
    const std::string file = ddpm::serializeSafetensors({{"t", base.t()}});
    std::uint64_t n = 0;
    std::memcpy(&n, file.data(), 8);
    const std::vector<std::int32_t> rowMajor{0, 3, 1, 4, 2, 5};
    QCOMPARE(file.substr(8 + n), bytesOf(rowMajor.data(), rowMajor.size() * 4));
    QVERIFY(file.find(R"("shape":[3,2])") != std::string::npos);
}

void TestSafetensors::refusals()
{
    const at::Tensor x = at::zeros({1});
    QVERIFY(errorOf([&] { ddpm::serializeSafetensors({{"", x}}); }).contains("needs a name"));
    QVERIFY(errorOf([&] { ddpm::serializeSafetensors({{"w", x}, {"w", x}}); }).contains("'w' appears twice"));
    QVERIFY(errorOf([&] { ddpm::serializeSafetensors({{"__metadata__", x}}); }).contains("metadata key"));
    QVERIFY(errorOf([&] { ddpm::serializeSafetensors({{"z", at::zeros({1}, at::kComplexFloat)}}); })
                .contains("no name for"));
    QTemporaryDir dir;
    const QString missing = dir.filePath("no/such/dir/m.safetensors");
    QVERIFY(errorOf([&] { ddpm::writeSafetensors(missing.toStdString(), {{"w", x}}); }).contains(missing));
}

void TestSafetensors::trainedModelExport()
{
    ddpm::TrainConfig c = ddpm::test::tinyMlpConfig(40);
    c.schedule = "cosine";
    c.batch = 16;
    c.seed = 2;
    ddpm::Trainer trainer(c, ddpm::loadTrainingData(c));
    for (int i = 0; i < 3; ++i) trainer.step();
    QTemporaryDir dir;
    const std::string path = dir.filePath("m.ckpt").toStdString();
    ddpm::writeCheckpoint(path, trainer.checkpoint());
    const ddpm::CheckpointFile checkpoint = ddpm::readCheckpoint(path);

    for (const bool raw : {false, true}) {
        const ddpm::TrainedModel trained = ddpm::openTrainedModel(path, raw);
        QCOMPARE(trained.checkpointPath, path);
        QCOMPARE(trained.raw, raw);
        const ddpm::NamedTensors tensors = ddpm::exportTensors(trained);
        const auto named = trained.model->module().named_parameters(true);
        QCOMPARE(tensors.size(), named.size());
        std::vector<at::Tensor> flat;
        for (std::size_t i = 0; i < tensors.size(); ++i) {
            QCOMPARE(tensors[i].first, named[i].key());
            QCOMPARE(tensors[i].second.sizes(), named[i].value().sizes());
            QCOMPARE(tensors[i].second.scalar_type(), at::kFloat);
            flat.push_back(tensors[i].second.reshape({-1}));
        }
        QCOMPARE(tensors.front().first, std::string("layers.0.weight"));
        // The values are the checkpoint's EMA weights (or the trained ones), which differ after 3 steps.
        QVERIFY(at::equal(at::cat(flat), checkpoint.tensor(raw ? "params" : "ema")));
        QVERIFY(!at::equal(checkpoint.tensor("params"), checkpoint.tensor("ema")));

        const std::map<std::string, std::string> m = ddpm::exportMetadata(trained, "9.9.9");
        QCOMPARE(m.at("weights"), std::string(raw ? "trained" : "ema"));
        QCOMPARE(m.at("ddpm_version"), std::string("9.9.9"));
        QCOMPARE(m.at("model_kind"), std::string("mlp"));
        QCOMPARE(m.at("preset"), std::string("tiny"));
        QCOMPARE(m.at("prediction"), std::string("eps"));
        QCOMPARE(m.at("variance"), std::string("small"));
        QCOMPARE(m.at("schedule"), std::string("cosine"));
        QCOMPARE(m.at("diffusion_steps"), std::string("40"));
        QCOMPARE(m.at("zero_terminal_snr"), std::string("false"));
        QCOMPARE(m.at("step"), std::string("3"));
        QCOMPARE(m.at("data"), std::string("toy:gaussians8"));
        QCOMPARE(m.at("item_shape"), std::string("[2]"));
        QCOMPARE(m.at("parameter_count"), std::string("37762"));
        QVERIFY(m.at("model").find("\"kind\":\"mlp\"") != std::string::npos);
        QVERIFY(m.at("train").find("\"diffusion_steps\":40") != std::string::npos);
        QVERIFY(m.at("betas").front() == '[' && m.at("betas").back() == ']');
    }
}

QTEST_APPLESS_MAIN(TestSafetensors)
#include "test_safetensors.moc"
