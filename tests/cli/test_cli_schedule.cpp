// Tests of `ddpm schedule`: the CSV/JSON contract, agreement with ddpm::NoiseSchedule,
// --out, help, `ddpm` without a command, and one-line errors with exit code 2 that leave no
// file behind.
#include <QtTest>

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QTemporaryDir>

#include <cmath>
#include <string>
#include <vector>

#include "cli_runner.h"
#include "ddpm/schedule.h"
#include "ddpm/schedule_io.h"

using ddpm::NoiseSchedule;
using ddpm::test::BadCase;

namespace {

const QString kHeader = QStringLiteral(
    "t,beta,alpha,alpha_bar,alpha_bar_prev,sqrt_alpha_bar,sqrt_one_minus_alpha_bar,posterior_variance,"
    "posterior_log_variance_clipped,posterior_mean_coef1,posterior_mean_coef2,snr");

/// A custom schedule file with a line that is not a number (bad.txt in each bad case's directory).
const QByteArray kBadCustom("0.01\nnot-a-number\n0.02\n");

bool same(double got, double want)
{
    if (std::isnan(want))
        return std::isnan(got);
    if (std::isinf(want))
        return got == want;
    return std::fabs(got - want) <= 1e-15 * std::max(1.0, std::fabs(want));
}

/// Bad invocations (args after "schedule"; @DIR@ is the case's directory, which holds a
/// malformed bad.txt): each must exit 2 with one stderr line and write nothing.
const std::vector<BadCase>& badCases()
{
    static const std::vector<BadCase> cases{
        {"unknown schedule", {"--schedule", "wavy"}, "wavy"},
        {"steps 0", {"--steps", "0"}, "--steps"},
        {"steps 100001", {"--steps", "100001"}, "100001"},
        {"steps abc", {"--steps", "abc"}, "--steps: 'abc' is not a whole number; use an integer in 1..100000"},
        {"steps 1000abc", {"--steps", "1000abc"}, "--steps: '1000abc' is not a whole number; use an integer in 1..100000"},
        // One rule for every T: a T whose betas reach 1 is refused with the smallest T that
        // works; T = 1 too (its one beta is the end, 0.02 * 1000 = 20).
        {"linear T = 1", {"--steps", "1"}, "linear schedule at T = 1 reaches beta = 20"},
        {"linear T = 20", {"--steps", "20"}, "use T >= 21"},
        {"custom fifo", {"--schedule", "custom:@DIR@/betas.fifo"}, "is a FIFO (named pipe), not a regular file"},
        {"out fifo", {"--out", "@DIR@/betas.fifo"}, "cannot write '@DIR@/betas.fifo': it is a FIFO (named pipe)"},
        {"missing custom file", {"--schedule", "custom:@DIR@/none.txt"}, "none.txt"},
        {"bad custom file", {"--schedule", "custom:@DIR@/bad.txt", "--steps", "3"}, "bad.txt"},
        {"unknown option", {"--wobble"}, "--wobble"},
        {"unknown format", {"--format", "xml"}, "--format: 'xml' is not known; use csv or json"},
    };
    return cases;
}

} // namespace

class TestCliSchedule : public QObject {
    Q_OBJECT

private:
    // Every invocation is started up front, several at a time (see runCliBatch); the
    // test functions check their own results.
    QMap<QString, ddpm::test::CliResult> m_results;
    QTemporaryDir m_dir;
    QString badDir(const QString& name) const { return ddpm::test::badCaseDir(m_dir, name); }

    static QStringList csvArgs(const QString& name, int steps, bool zeroSnr)
    {
        QStringList args{"schedule"};
        if (!name.isEmpty())
            args << "--schedule" << name << "--steps" << QString::number(steps) << "--format" << "csv";
        if (zeroSnr)
            args << "--zero-terminal-snr";
        return args;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        ddpm::test::CliRuns runs;
        const auto add = [&runs](const QString& key, const QStringList& args) { runs.add(key, args); };
        add("csv linear default", csvArgs("", 0, false));
        add("csv cosine", csvArgs("cosine", 50, false));
        add("csv scaled-linear zero", csvArgs("scaled-linear", 200, true));
        add("json", {"schedule", "--schedule", "quadratic", "--steps", "100", "--format", "json"});
        add("out", {"schedule", "--schedule", "sigmoid", "--steps", "64", "--out", m_dir.filePath("sigmoid.csv")});
        add("help", {"schedule", "--help"});
        // --out through a symbolic link into another directory: the link is written through.
        QVERIFY(QDir(m_dir.path()).mkpath("data") && QDir(m_dir.path()).mkpath("links"));
        QVERIFY(ddpm::test::writeFile(m_dir.filePath("data/real.csv"), "old"));
        QVERIFY(QFile::link("../data/real.csv", m_dir.filePath("links/out.csv")));
        add("out link", {"schedule", "--steps", "30", "--out", m_dir.filePath("links/out.csv")});
        add("top help", {"--help"});
        add("no subcommand", {});
        add("unknown command", {"shedule", "--steps", "10"});
        for (const BadCase& c : badCases()) {
            const QString dir = badDir(c.name);
            QVERIFY(QDir().mkpath(dir));
            QVERIFY(ddpm::test::writeFile(dir + "/bad.txt", kBadCustom));
            QVERIFY(ddpm::test::makeFifo(dir + "/betas.fifo")); // neither read nor replaced
            const QStringList args = ddpm::test::fillIn(c.args, {{"@DIR@", dir}});
            add(c.name, QStringList{"schedule"} + args +
                            (args.contains("--out") ? QStringList{} : QStringList{"--out", dir + "/out.csv"}));
        }
        m_results = runs.runAll();
    }

    void csv_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("steps");
        QTest::addColumn<bool>("zeroSnr");
        QTest::newRow("linear 1000 (defaults)") << "csv linear default" << "" << 0 << false;
        QTest::newRow("cosine 50") << "csv cosine" << "cosine" << 50 << false;
        QTest::newRow("scaled-linear 200, zero terminal SNR") << "csv scaled-linear zero" << "scaled-linear" << 200
                                                              << true;
    }
    void csv()
    {
        QFETCH(QString, key);
        QFETCH(QString, name);
        QFETCH(int, steps);
        QFETCH(bool, zeroSnr);
        const auto r = m_results.value(key);
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QVERIFY2(r.err.isEmpty(), qPrintable(r.err));

        const NoiseSchedule schedule = name.isEmpty() ? NoiseSchedule::fromName("linear", 1000)
                                                      : NoiseSchedule::fromName(name.toStdString(), steps, zeroSnr);
        const int T = schedule.steps();
        const QStringList lines = r.out.split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), T + 1);
        QCOMPARE(lines.front(), kHeader);
        // Same text as the library's writer, and each value reads back to the schedule's table.
        QCOMPARE(r.out, QString::fromStdString(ddpm::scheduleToCsv(schedule)));
        const auto& qs = ddpm::csvQuantities();
        for (int t = 1; t <= T; t += std::max(1, T / 7)) {
            const QStringList fields = lines[t].split(',');
            QCOMPARE(fields.size(), 12);
            QCOMPARE(fields[0].toInt(), t);
            for (size_t c = 0; c < qs.size(); ++c) {
                const double want = schedule.at(qs[c], t);
                const double got = fields[int(c) + 1].toDouble();
                QVERIFY2(same(got, want), qPrintable(QString("t = %1, %2: got %3, want %4")
                                                         .arg(t).arg(ddpm::quantityName(qs[c]))
                                                         .arg(fields[int(c) + 1]).arg(want, 0, 'g', 17)));
            }
        }
        if (zeroSnr)
            QCOMPARE(lines.back().split(',')[3].toDouble(), 0.0); // alpha_bar_T
    }

    void json()
    {
        const auto r = m_results.value("json");
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QJsonParseError error{};
        const QJsonDocument doc = QJsonDocument::fromJson(r.out.toUtf8(), &error);
        QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
        const QJsonObject root = doc.object();
        QCOMPARE(root.value("schedule").toString(), QString("quadratic"));
        QCOMPARE(root.value("steps").toInt(), 100);
        QCOMPARE(root.value("zero_terminal_snr").toBool(true), false);
        QStringList columns;
        for (const QJsonValue& v : root.value("columns").toArray())
            columns << v.toString();
        QCOMPARE(columns.join(','), kHeader);
        const QJsonArray rows = root.value("rows").toArray();
        QCOMPARE(rows.size(), 100);
        const NoiseSchedule schedule = NoiseSchedule::fromName("quadratic", 100);
        for (int t : {1, 2, 50, 100}) {
            const QJsonArray row = rows[t - 1].toArray();
            QCOMPARE(row.size(), 12);
            QCOMPARE(row[0].toInt(), t);
            QVERIFY(same(row[1].toDouble(), schedule.beta(t)));
            QVERIFY(same(row[3].toDouble(), schedule.alphaBar(t)));
        }
    }

    void outWritesFile()
    {
        const QString out = m_dir.filePath("sigmoid.csv");
        const auto r = m_results.value("out");
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QVERIFY(r.out.isEmpty());
        QFile file(out);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(file.readAll());
        QCOMPARE(text, QString::fromStdString(ddpm::scheduleToCsv(NoiseSchedule::fromName("sigmoid", 64))));
        QCOMPARE(QDir(m_dir.path()).entryList(QDir::Files | QDir::Hidden), QStringList{"sigmoid.csv"});
    }

    void outThroughSymlink()
    {
        const auto r = m_results.value("out link");
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        const QFileInfo link(m_dir.filePath("links/out.csv"));
        QVERIFY(link.isSymLink()); // still a link
        QCOMPARE(link.symLinkTarget(), QFileInfo(m_dir.filePath("data/real.csv")).canonicalFilePath());
        QFile real(m_dir.filePath("data/real.csv"));
        QVERIFY(real.open(QIODevice::ReadOnly));
        QCOMPARE(QString::fromUtf8(real.readAll()),
                 QString::fromStdString(ddpm::scheduleToCsv(NoiseSchedule::fromName("linear", 30))));
        // No temporary file left beside the link or the file.
        QCOMPARE(QDir(m_dir.filePath("links")).entryList(QDir::Files | QDir::Hidden | QDir::System), QStringList{"out.csv"});
        QCOMPARE(QDir(m_dir.filePath("data")).entryList(QDir::Files | QDir::Hidden | QDir::System), QStringList{"real.csv"});
    }

    void help()
    {
        ddpm::test::verifyHelp(m_results.value("help"), "schedule", {"--steps", "--zero-terminal-snr"});
        if (QTest::currentTestFailed())
            return;
        const auto top = m_results.value("top help");
        QCOMPARE(top.exitCode, 0);
        QVERIFY(top.out.contains("schedule") && top.out.contains("noise") && top.out.contains("bound"));
    }

    void noSubcommand()
    {
        // `ddpm` alone is bad usage: one line naming the commands and where help is.
        const auto r = m_results.value("no subcommand");
        QCOMPARE(r.exitCode, 2);
        QCOMPARE(r.errLines().size(), 1);
        QVERIFY2(r.err.startsWith("ddpm: a command is required"), qPrintable(r.err));
        for (const char* command : {"schedule", "noise", "bound"})
            QVERIFY2(r.err.contains(command), command);
        QVERIFY2(r.err.contains("ddpm --help"), qPrintable(r.err));
        QVERIFY(r.out.isEmpty());

        const auto u = m_results.value("unknown command");
        QCOMPARE(u.exitCode, 2);
        QCOMPARE(u.errLines().size(), 1);
        QVERIFY2(u.err.startsWith("ddpm: unknown command 'shedule'"), qPrintable(u.err));
    }

    void badInput_data() { ddpm::test::addBadCaseRows(badCases()); }
    void badInput()
    {
        QFETCH(QString, name);
        QFETCH(QString, expected);
        expected.replace("@DIR@", badDir(name));
        ddpm::test::verifyBadInput(m_results.value(name), "schedule", expected, badDir(name), {{"bad.txt", kBadCustom}},
                                   badDir(name) + "/out.csv");
        QVERIFY(ddpm::test::isFifo(badDir(name) + "/betas.fifo"));
    }
};

QTEST_GUILESS_MAIN(TestCliSchedule)
#include "test_cli_schedule.moc"
