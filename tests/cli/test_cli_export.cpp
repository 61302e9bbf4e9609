// `ddpm export`: a trained model as safetensors, read back by a reader written here from the
// format's description (8-byte little-endian header length, a JSON header parsed with Qt,
// then the raw tensors), checked against the checkpoint's EMA (or trained) weights; and
// one-line errors with exit code 2 that leave no file behind.
#include <ATen/ATen.h>
#include <torch/nn/module.h>

#include <QtTest>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "cli_runner.h"
#include "ddpm/checkpoint.h"
#include "ddpm/model.h"
#include "ddpm/network_model.h"

using ddpm::test::BadCase;
using ddpm::test::CliResult;
using ddpm::test::kLongRunMs;

namespace {

/// One tensor of a safetensors file as this reader found it.
struct Entry {
    QString name;
    QString dtype;
    std::vector<std::int64_t> shape;
    qint64 begin = 0;
    qint64 end = 0;
};

/// A safetensors file taken apart; problem says what is malformed (empty when well-formed).
struct Parsed {
    QString problem;
    QJsonObject metadata;
    std::vector<Entry> entries; // in buffer order
    QByteArray buffer;
};

Parsed parseSafetensors(const QByteArray& file)
{
    Parsed p;
    const auto fail = [&p](const QString& why) {
        p.problem = why;
        return p;
    };
    if (file.size() < 8) return fail("shorter than the 8-byte header length");
    quint64 n = 0;
    for (int i = 7; i >= 0; --i) n = (n << 8) | static_cast<unsigned char>(file[i]);
    if (n == 0 || n > static_cast<quint64>(file.size() - 8)) return fail("header length out of the file");
    const QByteArray headerText = file.mid(8, static_cast<int>(n));
    if (!headerText.startsWith('{')) return fail("header does not start with {");
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(headerText, &error); // trailing spaces are allowed JSON
    if (error.error != QJsonParseError::NoError || !doc.isObject()) return fail("header: " + error.errorString());
    p.buffer = file.mid(8 + static_cast<int>(n));
    const QJsonObject header = doc.object();
    for (auto it = header.begin(); it != header.end(); ++it) {
        if (it.key() == "__metadata__") {
            if (!it.value().isObject()) return fail("__metadata__ is not an object");
            p.metadata = it.value().toObject();
            for (auto m = p.metadata.begin(); m != p.metadata.end(); ++m)
                if (!m.value().isString()) return fail("metadata value " + m.key() + " is not a string");
            continue;
        }
        const QJsonObject t = it.value().toObject();
        if (t.keys() != QStringList{"data_offsets", "dtype", "shape"}) return fail("tensor keys of " + it.key());
        Entry e;
        e.name = it.key();
        e.dtype = t.value("dtype").toString();
        for (const QJsonValue& d : t.value("shape").toArray()) e.shape.push_back(d.toInteger(-1));
        const QJsonArray offsets = t.value("data_offsets").toArray();
        if (offsets.size() != 2) return fail("data_offsets of " + it.key());
        e.begin = offsets[0].toInteger(-1);
        e.end = offsets[1].toInteger(-1);
        p.entries.push_back(e);
    }
    std::sort(p.entries.begin(), p.entries.end(), [](const Entry& a, const Entry& b) { return a.begin < b.begin; });
    qint64 at = 0;
    for (const Entry& e : p.entries) {
        if (e.begin != at) return fail("gap or overlap before " + e.name);
        if (e.end < e.begin) return fail("negative length of " + e.name);
        at = e.end;
    }
    if (at != p.buffer.size())
        return fail(QStringLiteral("tensors cover %1 of %2 buffer bytes").arg(at).arg(p.buffer.size()));
    return p;
}

QByteArray readAll(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

/// Bad invocations (after "export"; @DIR@ is the case's own directory, @RUN@ the trained run).
const std::vector<BadCase>& badCases()
{
    static const std::vector<BadCase> cases{
        {"zero model", {"--model", "zero", "--out", "@DIR@/m.safetensors"}, "has no weights to export"},
        {"oracle model", {"--model", "oracle:toy:moons", "--out", "@DIR@/m.safetensors"}, "has no weights to export"},
        {"missing model", {"--model", "@DIR@/none.ckpt", "--out", "@DIR@/m.safetensors"}, "none.ckpt not found"},
        {"not a checkpoint", {"--model", "@DIR@/../moons.txt", "--out", "@DIR@/m.safetensors"}, "moons.txt"},
        {"wrong extension", {"--model", "@RUN@", "--out", "@DIR@/m.pt"}, "must be a file name ending in .safetensors"},
        {"unwritable path", {"--model", "@RUN@", "--out", "@DIR@/no/such/m.safetensors"}, "no/such/m.safetensors"},
        {"out is a directory", {"--model", "@RUN@", "--out", "@DIR@/d.safetensors"}, "d.safetensors"},
        {"no model", {"--out", "@DIR@/m.safetensors"}, "--model is required"},
    };
    return cases;
}

} // namespace

class TestCliExport : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void readBackIndependently_data();
    void readBackIndependently();
    void badInput_data();
    void badInput();
    void help();

private:
    QTemporaryDir m_dir;
    QMap<QString, CliResult> m_results;
    QString badDir(const QString& name) const { return ddpm::test::badCaseDir(m_dir, name); }
};

void TestCliExport::initTestCase()
{
    QVERIFY(m_dir.isValid());
    // A 2-D MLP and a tiny UNet (learned-range variance) on 8 x 8 crops of the cat, a few steps each.
    const QString cat = QStringLiteral(DDPM_RESOURCES_DIR) + "/images/chelsea.png";
    ddpm::test::CliRuns training;
    training.add("mlp", {"train", "--data", "toy:gaussians8", "--model", "mlp", "--preset", "tiny", "--diffusion-steps", "50",
                         "--batch", "32", "--threads", "1", "--steps", "6", "--sample-every", "0", "--seed", "4", "--out",
                         m_dir.filePath("mlp")});
    training.add("unet", {"train", "--data", "image:" + cat, "--size", "8", "--model", "unet", "--preset", "tiny",
                          "--schedule", "cosine", "--diffusion-steps", "30", "--variance", "learned-range", "--loss", "hybrid",
                          "--batch", "2", "--steps", "3", "--threads", "1", "--sample-every", "0", "--out",
                          m_dir.filePath("unet")});
    const QMap<QString, CliResult> trained = training.runAll(2, kLongRunMs);
    for (const QString& key : trained.keys()) QVERIFY2(trained[key].exitCode == 0, qPrintable(trained[key].describe()));

    QVERIFY(ddpm::test::writeFile(m_dir.filePath("moons.txt"), "not a checkpoint\n"));
    ddpm::test::CliRuns runs;
    const QString unetCheckpoint = m_dir.filePath("unet/checkpoints/step-00000003.ckpt");
    runs.add("mlp run", {"export", "--model", m_dir.filePath("mlp"), "--out", m_dir.filePath("mlp.safetensors")});
    runs.add("mlp raw", {"export", "--model", m_dir.filePath("mlp"), "--raw", "--out", m_dir.filePath("raw.safetensors")});
    runs.add("unet checkpoint", {"export", "--model", unetCheckpoint, "--out", m_dir.filePath("unet.safetensors")});
    for (const BadCase& c : badCases()) {
        const QString dir = badDir(c.name);
        QVERIFY(QDir().mkpath(dir));
        runs.add(c.name, ddpm::test::fillIn(QStringList{"export"} + c.args, {{"@DIR@", dir}, {"@RUN@", m_dir.filePath("mlp")}}));
    }
    QVERIFY(QDir().mkpath(badDir("out is a directory") + "/d.safetensors"));
    runs.add("help", {"export", "--help"});
    m_results = runs.runAll(2, kLongRunMs);
}

void TestCliExport::readBackIndependently_data()
{
    QTest::addColumn<QString>("run");
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("checkpoint");
    QTest::addColumn<bool>("raw");
    QTest::addColumn<QString>("kind");
    QTest::newRow("mlp run") << "mlp" << "mlp.safetensors" << "mlp/checkpoints/step-00000006.ckpt" << false << "mlp";
    QTest::newRow("mlp raw") << "mlp" << "raw.safetensors" << "mlp/checkpoints/step-00000006.ckpt" << true << "mlp";
    QTest::newRow("unet checkpoint") << "unet" << "unet.safetensors" << "unet/checkpoints/step-00000003.ckpt" << false
                                     << "unet";
}

void TestCliExport::readBackIndependently()
{
    QFETCH(QString, run);
    QFETCH(QString, file);
    QFETCH(QString, checkpoint);
    QFETCH(bool, raw);
    QFETCH(QString, kind);
    const CliResult& r = m_results[QTest::currentDataTag()];
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    QVERIFY2(r.out.isEmpty(), qPrintable(r.out));

    const Parsed p = parseSafetensors(readAll(m_dir.filePath(file)));
    QVERIFY2(p.problem.isEmpty(), qPrintable(p.problem));
    QVERIFY(!p.entries.empty());

    // Every tensor: float32, its byte count from its shape, and the names and shapes of the
    // module's parameters (the net as core builds it from the checkpoint).
    const std::string ckptPath = m_dir.filePath(checkpoint).toStdString();
    const ddpm::TrainedModel model = ddpm::openTrainedModel(ckptPath, raw);
    QMap<QString, std::vector<std::int64_t>> expectedShapes;
    for (const auto& item : model.model->module().named_parameters(true))
        expectedShapes.insert(QString::fromStdString(item.key()), item.value().sizes().vec());
    QCOMPARE(static_cast<int>(p.entries.size()), expectedShapes.size());
    for (const Entry& e : p.entries) {
        QCOMPARE(e.dtype, QStringLiteral("F32"));
        QVERIFY2(expectedShapes.contains(e.name), qPrintable(e.name));
        QCOMPARE(e.shape, expectedShapes.value(e.name));
        qint64 count = 1;
        for (std::int64_t d : e.shape) count *= d;
        QCOMPARE(e.end - e.begin, 4 * count);
    }
    // The bytes: the checkpoint's flat EMA (or trained) buffer holds the parameters in the
    // module's order, as does the export, so the two buffers are byte for byte equal; and each
    // tensor is its own parameter's values.
    const ddpm::CheckpointFile ckpt = ddpm::readCheckpoint(ckptPath);
    const at::Tensor weights = ckpt.tensor(raw ? "params" : "ema").contiguous();
    QCOMPARE(static_cast<qint64>(p.buffer.size()), static_cast<qint64>(weights.nbytes()));
    QVERIFY(std::memcmp(p.buffer.constData(), weights.data_ptr(), weights.nbytes()) == 0);
    for (const auto& item : model.model->module().named_parameters(true)) {
        const auto e = std::find_if(p.entries.begin(), p.entries.end(),
                                    [&](const Entry& x) { return x.name == QString::fromStdString(item.key()); });
        const at::Tensor values = item.value().detach().contiguous();
        QVERIFY(std::memcmp(p.buffer.constData() + e->begin, values.data_ptr(), values.nbytes()) == 0);
    }
    QVERIFY(!at::equal(ckpt.tensor("params"), ckpt.tensor("ema"))); // so raw and EMA are told apart

    // The metadata says what the numbers are.
    const QJsonObject m = p.metadata;
    for (const char* key : {"format", "producer", "ddpm_version", "export_version", "weights", "model", "model_kind", "preset",
                            "item_shape", "parameter_count", "prediction", "variance", "schedule", "diffusion_steps",
                            "zero_terminal_snr", "betas", "step", "data", "train"})
        QVERIFY2(m.contains(key), key);
    const QJsonObject meta = QJsonDocument::fromJson(QByteArray::fromStdString(ckpt.metadataJson)).object();
    QCOMPARE(m.value("weights").toString(), QString(raw ? "trained" : "ema"));
    QCOMPARE(m.value("model_kind").toString(), kind);
    QCOMPARE(QJsonDocument::fromJson(m.value("model").toString().toUtf8()).object().value("kind").toString(), kind);
    QCOMPARE(m.value("step").toString(), QString::number(meta.value("step").toInteger()));
    QCOMPARE(m.value("data").toString(), meta.value("data").toObject().value("spec").toString());
    QCOMPARE(m.value("prediction").toString(), meta.value("parameterization").toObject().value("prediction").toString());
    QCOMPARE(m.value("variance").toString(), meta.value("parameterization").toObject().value("variance").toString());
    QCOMPARE(m.value("schedule").toString(), meta.value("schedule").toObject().value("name").toString());
    QCOMPARE(m.value("diffusion_steps").toString(), QString::number(meta.value("schedule").toObject().value("steps").toInt()));
    QCOMPARE(m.value("zero_terminal_snr").toString(), QStringLiteral("false"));
    const QJsonArray betas = QJsonDocument::fromJson(m.value("betas").toString().toUtf8()).array();
    QCOMPARE(betas.size(), m.value("diffusion_steps").toString().toInt());
    if (kind == "unet") {
        QCOMPARE(m.value("variance").toString(), QStringLiteral("learned-range"));
        QCOMPARE(m.value("item_shape").toString(), QStringLiteral("[3,8,8]"));
    }
}

void TestCliExport::badInput_data() { ddpm::test::addBadCaseRows(badCases()); }

void TestCliExport::badInput()
{
    QFETCH(QString, name);
    QFETCH(QString, expected);
    ddpm::test::verifyBadInput(m_results.value(name), "export", expected, badDir(name), {}, badDir(name) + "/m.safetensors");
}

void TestCliExport::help()
{
    ddpm::test::verifyHelp(m_results.value("help"), "export", {"--model", "--raw", "--out", ".safetensors"});
}

QTEST_GUILESS_MAIN(TestCliExport)
#include "test_cli_export.moc"
