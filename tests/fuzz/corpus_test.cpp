// The regression test of one fuzz target in the normal (g++) suite: it feeds every file of
// the target's corpus (tests/fuzz/corpus/<target>/, DDPM_FUZZ_CORPUS) to the target once.
// The corpus holds valid seeds and every input the fuzzer found a problem with, so a
// finding that comes back fails here: a crash, a sanitizer report in a sanitizer build, a
// broken invariant (abort) or an exception other than ddpm::Error (terminate).
#include <QtTest>

#include <QDir>
#include <QFile>

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

class TestFuzzCorpus : public QObject {
    Q_OBJECT

    QStringList corpusFiles() const
    {
        return QDir(QStringLiteral(DDPM_FUZZ_CORPUS)).entryList(QDir::Files, QDir::Name);
    }

private Q_SLOTS:
    void corpusHasSeeds()
    {
        QVERIFY2(corpusFiles().size() >= 2, "the corpus " DDPM_FUZZ_CORPUS " needs a few valid seeds");
    }

    void eachInputOnce_data()
    {
        QTest::addColumn<QString>("path");
        const QDir dir(QStringLiteral(DDPM_FUZZ_CORPUS));
        for (const QString& name : corpusFiles())
            QTest::newRow(qPrintable(name)) << dir.filePath(name);
    }

    void eachInputOnce()
    {
        QFETCH(QString, path);
        QFile file(path);
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(path));
        const QByteArray bytes = file.readAll();
        QCOMPARE(LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.constData()),
                                        static_cast<std::size_t>(bytes.size())),
                 0);
    }
};

QTEST_GUILESS_MAIN(TestFuzzCorpus)
#include "corpus_test.moc"
