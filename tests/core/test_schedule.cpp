// Tests of NoiseSchedule (every named schedule, custom files, zero-terminal SNR) and its CSV/JSON.
#include <QtTest>

#include <QFile>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "ddpm/error.h"
#include "ddpm/schedule.h"
#include "ddpm/schedule_io.h"

using ddpm::NoiseSchedule;
using ddpm::Quantity;

namespace {

const std::vector<double>& tab(const NoiseSchedule& s, Quantity q) { return s.table(q); }

bool closeRel(double a, double b, double rel, double abs = 0.0)
{
    return std::fabs(a - b) <= std::max(abs, rel * std::max(std::fabs(a), std::fabs(b)));
}

QString at(int t, double got, double want)
{
    return QStringLiteral("t = %1: got %2, want %3").arg(t).arg(got, 0, 'g', 17).arg(want, 0, 'g', 17);
}

std::string dataFile(const char* name) { return std::string(DDPM_TEST_DATA_DIR) + "/" + name; }

/// The cosine schedule's alpha_bar(t) = f(t) / f(0) of improved DDPM, written out independently.
double cosineAlphaBar(int t, int T)
{
    const double pi = 3.14159265358979323846;
    auto f = [&](double u) {
        const double c = std::cos((u / T + 0.008) / 1.008 * pi / 2.0);
        return c * c;
    };
    return f(t) / f(0);
}

} // namespace

class TestSchedule : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void invariants_data();
    void invariants();
    void linearGolden();
    void endsScaleWithSteps();
    void cosineMatchesClosedForm();
    void cosineSingleStepIsCapped();
    void zeroTerminalSnr_data();
    void zeroTerminalSnr();
    void customFile();
    void customFileWithBomAndCrlf();
    void betaTextInMemory();
    void fromBetasRejectsOutOfRange();
    void atChecksRange();
    void csvRoundTrip_data();
    void csvRoundTrip();
    void jsonShape();
    void badInput_data();
    void badInput();
};

void TestSchedule::invariants_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("steps");
    for (const std::string& name : NoiseSchedule::namedSchedules())
        for (int T : {21, 50, 1000, 4000})
            QTest::addRow("%s T=%d", name.c_str(), T) << QString::fromStdString(name) << T;
    QTest::addRow("cosine T=1") << QStringLiteral("cosine") << 1;
}

void TestSchedule::invariants()
{
    QFETCH(QString, name);
    QFETCH(int, steps);
    const NoiseSchedule s = NoiseSchedule::fromName(name.toStdString(), steps);
    QCOMPARE(s.steps(), steps);
    QCOMPARE(QString::fromStdString(s.name()), name);
    QVERIFY(!s.zeroTerminalSnr());

    const auto& beta = tab(s, Quantity::Beta);
    const auto& alpha = tab(s, Quantity::Alpha);
    const auto& ab = tab(s, Quantity::AlphaBar);
    const auto& abPrev = tab(s, Quantity::AlphaBarPrev);
    const auto& sqrtAb = tab(s, Quantity::SqrtAlphaBar);
    const auto& sqrt1mAb = tab(s, Quantity::SqrtOneMinusAlphaBar);
    const auto& postVar = tab(s, Quantity::PosteriorVariance);
    const auto& postLogVar = tab(s, Quantity::PosteriorLogVarianceClipped);
    const auto& coef1 = tab(s, Quantity::PosteriorMeanCoef1);
    const auto& coef2 = tab(s, Quantity::PosteriorMeanCoef2);
    const auto& snr = tab(s, Quantity::Snr);
    const auto& logSnr = tab(s, Quantity::LogSnr);
    for (Quantity q : ddpm::csvQuantities()) QCOMPARE(int(tab(s, q).size()), steps);
    QCOMPARE(int(logSnr.size()), steps);

    double running = 1.0;
    for (int t = 1; t <= steps; ++t) {
        const std::size_t i = std::size_t(t - 1);
        QVERIFY2(beta[i] > 0.0 && beta[i] < 1.0, qPrintable(at(t, beta[i], 0.5)));
        QVERIFY2(alpha[i] == 1.0 - beta[i], qPrintable(at(t, alpha[i], 1.0 - beta[i])));
        QVERIFY2(abPrev[i] == running, qPrintable(at(t, abPrev[i], running)));
        running *= 1.0 - beta[i];
        QVERIFY2(closeRel(ab[i], running, 1e-14), qPrintable(at(t, ab[i], running)));
        if (t >= 2) QVERIFY2(ab[i] < ab[i - 1], qPrintable(at(t, ab[i], ab[i - 1])));
        QVERIFY2(closeRel(sqrtAb[i] * sqrtAb[i], ab[i], 1e-14), qPrintable(at(t, sqrtAb[i], ab[i])));
        QVERIFY2(closeRel(sqrt1mAb[i] * sqrt1mAb[i], 1.0 - ab[i], 1e-14),
                 qPrintable(at(t, sqrt1mAb[i], 1.0 - ab[i])));

        const double wantVar = beta[i] * (1.0 - abPrev[i]) / (1.0 - ab[i]);
        QVERIFY2(closeRel(postVar[i], wantVar, 1e-14), qPrintable(at(t, postVar[i], wantVar)));
        if (t == 1) QCOMPARE(postVar[i], 0.0);
        else QVERIFY2(postVar[i] > 0.0 && postVar[i] < beta[i], qPrintable(at(t, postVar[i], beta[i])));

        const double wantLog = t >= 2 ? std::log(postVar[i]) : (steps >= 2 ? std::log(postVar[1]) : std::log(beta[0]));
        QVERIFY2(closeRel(postLogVar[i], wantLog, 1e-14), qPrintable(at(t, postLogVar[i], wantLog)));

        const double c1 = beta[i] * std::sqrt(abPrev[i]) / (1.0 - ab[i]);
        const double c2 = (1.0 - abPrev[i]) * std::sqrt(alpha[i]) / (1.0 - ab[i]);
        QVERIFY2(closeRel(coef1[i], c1, 1e-14), qPrintable(at(t, coef1[i], c1)));
        QVERIFY2(closeRel(coef2[i], c2, 1e-14), qPrintable(at(t, coef2[i], c2)));

        const double wantSnr = ab[i] / (1.0 - ab[i]);
        QVERIFY2(closeRel(snr[i], wantSnr, 1e-14), qPrintable(at(t, snr[i], wantSnr)));
        QVERIFY2(closeRel(logSnr[i], std::log(wantSnr), 1e-12, 1e-12), qPrintable(at(t, logSnr[i], std::log(wantSnr))));
        QCOMPARE(s.at(Quantity::Beta, t), beta[i]);
    }
}

void TestSchedule::linearGolden()
{
    const NoiseSchedule s = NoiseSchedule::fromName("linear", 1000);
    // Exact ends: the DDPM paper's 1e-4 and 0.02 at T = 1000.
    QCOMPARE(s.beta(1), 1e-4);
    QCOMPARE(s.beta(1000), 0.02);
    QCOMPARE(s.beta(500), 1e-4 + (0.02 - 1e-4) * (499.0 / 999.0));
    // alpha_bar_T = prod (1 - beta_t), computed exactly with rational arithmetic in Python: 4.0358e-5.
    const double want = 4.0358297653756835e-05;
    QVERIFY2(closeRel(s.alphaBar(1000), want, 1e-9), qPrintable(at(1000, s.alphaBar(1000), want)));
}

void TestSchedule::endsScaleWithSteps()
{
    // Improved DDPM: the ends given for T = 1000 scale by 1000/T.
    const NoiseSchedule lin = NoiseSchedule::fromName("linear", 2000);
    QVERIFY(closeRel(lin.beta(1), 5e-5, 1e-15));
    QVERIFY(closeRel(lin.beta(2000), 0.01, 1e-15));
    const NoiseSchedule quad = NoiseSchedule::fromName("quadratic", 500);
    QVERIFY(closeRel(quad.beta(1), 2e-4, 1e-14));
    QVERIFY(closeRel(quad.beta(500), 0.04, 1e-14));
    const NoiseSchedule sl = NoiseSchedule::fromName("scaled-linear", 1000);
    QVERIFY(closeRel(sl.beta(1), 0.00085, 1e-14));
    QVERIFY(closeRel(sl.beta(1000), 0.012, 1e-14));
    const NoiseSchedule sig = NoiseSchedule::fromName("sigmoid", 1000);
    const double lo = 1.0 / (1.0 + std::exp(6.0)) * (0.02 - 1e-4) + 1e-4;
    QVERIFY(closeRel(sig.beta(1), lo, 1e-14));
    // One step is the last step: a one-point linspace gives the end, so linear at T = 1
    // has beta_1 = 0.02 * 1000 = 20 and is refused like T = 2..20 (see badInput).
    const NoiseSchedule sig20 = NoiseSchedule::fromName("sigmoid", 20);
    QVERIFY(sig20.beta(20) < 1.0);
}

void TestSchedule::cosineMatchesClosedForm()
{
    for (int T : {50, 1000, 4000}) {
        const NoiseSchedule s = NoiseSchedule::fromName("cosine", T);
        int checked = 0;
        for (int t = 1; t <= T; ++t) {
            if (s.beta(t) >= 0.999) break; // capped from here on
            const double want = cosineAlphaBar(t, T);
            QVERIFY2(closeRel(s.alphaBar(t), want, 1e-9), qPrintable(at(t, s.alphaBar(t), want)));
            ++checked;
        }
        QVERIFY2(checked >= T - 2, qPrintable(QStringLiteral("only %1 of %2 uncapped").arg(checked).arg(T)));
    }
}

void TestSchedule::cosineSingleStepIsCapped()
{
    const NoiseSchedule s = NoiseSchedule::fromName("cosine", 1);
    QCOMPARE(s.beta(1), 0.999);
    QVERIFY(closeRel(s.at(Quantity::PosteriorLogVarianceClipped, 1), std::log(0.999), 1e-15));
}

void TestSchedule::zeroTerminalSnr_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("steps");
    QTest::addRow("linear 1000") << QStringLiteral("linear") << 1000;
    QTest::addRow("cosine 1000") << QStringLiteral("cosine") << 1000;
    QTest::addRow("scaled-linear 50") << QStringLiteral("scaled-linear") << 50;
    QTest::addRow("sigmoid 20") << QStringLiteral("sigmoid") << 20;
    QTest::addRow("quadratic 21") << QStringLiteral("quadratic") << 21;
}

void TestSchedule::zeroTerminalSnr()
{
    QFETCH(QString, name);
    QFETCH(int, steps);
    const NoiseSchedule plain = NoiseSchedule::fromName(name.toStdString(), steps);
    const NoiseSchedule z = NoiseSchedule::fromName(name.toStdString(), steps, true);
    QVERIFY(z.zeroTerminalSnr());
    QCOMPARE(z.steps(), steps);
    QCOMPARE(z.alphaBar(steps), 0.0);
    QCOMPARE(z.beta(steps), 1.0);
    QCOMPARE(z.at(Quantity::Snr, steps), 0.0);
    QVERIFY(std::isinf(z.at(Quantity::LogSnr, steps)) && z.at(Quantity::LogSnr, steps) < 0);
    QVERIFY2(closeRel(z.alphaBar(1), plain.alphaBar(1), 1e-12), qPrintable(at(1, z.alphaBar(1), plain.alphaBar(1))));
    for (int t = 1; t < steps; ++t) {
        QVERIFY2(z.beta(t) > 0.0 && z.beta(t) < 1.0, qPrintable(at(t, z.beta(t), 0.5)));
        QVERIFY(z.alphaBar(t + 1) < z.alphaBar(t));
    }
    // sqrt(alpha_bar) is an affine map of the original one (Lin et al. 2024, Algorithm 1).
    const double a1 = plain.at(Quantity::SqrtAlphaBar, 1), aT = plain.at(Quantity::SqrtAlphaBar, steps);
    for (int t : {1, steps / 2 + 1, steps}) {
        const double want = (plain.at(Quantity::SqrtAlphaBar, t) - aT) * a1 / (a1 - aT);
        QVERIFY2(closeRel(z.at(Quantity::SqrtAlphaBar, t), want, 1e-10, 1e-15),
                 qPrintable(at(t, z.at(Quantity::SqrtAlphaBar, t), want)));
    }
    for (Quantity q : ddpm::csvQuantities())
        for (double v : z.table(q)) QVERIFY2(std::isfinite(v), ddpm::quantityName(q));
}

void TestSchedule::customFile()
{
    const std::string path = dataFile("betas_good.txt");
    const std::vector<double> want = {0.001, 0.005, 0.01, 0.02, 0.05, 0.08, 0.12, 0.2};
    QVERIFY(NoiseSchedule::readBetaFile(path) == want);
    // The file sets T; the steps argument is not consulted.
    const NoiseSchedule s = NoiseSchedule::fromName("custom:" + path, 1000);
    QCOMPARE(s.steps(), 8);
    QVERIFY(s.table(Quantity::Beta) == want);
    QCOMPARE(QString::fromStdString(s.name()), QString::fromStdString("custom:" + path));
    const NoiseSchedule z = NoiseSchedule::fromName("custom:" + path, 8, true);
    QCOMPARE(z.alphaBar(8), 0.0);
}

void TestSchedule::customFileWithBomAndCrlf()
{
    // Notepad's UTF-8 with a byte order mark and Windows line ends: the same three betas.
    const std::string path = dataFile("betas_bom_crlf.txt");
    const std::vector<double> want = {0.001, 0.01, 0.1};
    QVERIFY(NoiseSchedule::readBetaFile(path) == want);
    QCOMPARE(NoiseSchedule::fromName("custom:" + path, 1000).steps(), 3);
    // A BOM anywhere but at the very start is still not a number.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString second = dir.filePath(QStringLiteral("bom_on_line_2.txt"));
    QFile file(second);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("0.001\n\xEF\xBB\xBF" "0.01\n"); // split: \xBF0 would be one escape
    file.close();
    try {
        NoiseSchedule::readBetaFile(second.toStdString());
        QFAIL("a BOM on line 2 was accepted");
    } catch (const ddpm::Error& e) {
        QVERIFY2(std::strstr(e.what(), "line 2") != nullptr, e.what());
    }
}

void TestSchedule::betaTextInMemory()
{
    // What readBetaFile parses, from memory (the fuzz target's entry point); messages name `what`.
    const std::vector<double> want = {0.0001, 0.02, 0.5};
    QVERIFY(NoiseSchedule::parseBetaText("# header\n1e-4\n+0.02 # end\n\t.5\r\n", "mem.txt") == want);
    try {
        NoiseSchedule::parseBetaText("0.1\n\n0.2x\n", "mem.txt");
        QFAIL("trailing junk was accepted");
    } catch (const ddpm::Error& e) {
        QVERIFY2(std::strstr(e.what(), "schedule file 'mem.txt' line 3") != nullptr, e.what());
    }
}

void TestSchedule::fromBetasRejectsOutOfRange()
{
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (const std::vector<double>& bad : std::vector<std::vector<double>>{
             {0.1, 1.0}, {0.0, 0.1}, {-0.1}, {0.1, nan}, {}, std::vector<double>(100001, 0.01)}) {
        QVERIFY_THROWS_EXCEPTION(ddpm::Error, NoiseSchedule::fromBetas(bad));
    }
    const NoiseSchedule ok = NoiseSchedule::fromBetas({0.1, 0.2}, "mine");
    QCOMPARE(QString::fromStdString(ok.name()), QStringLiteral("mine"));
    QVERIFY(closeRel(ok.alphaBar(2), 0.9 * 0.8, 1e-15));
    // Two steps: alpha_bar_1 kept, alpha_bar_2 = 0.
    const NoiseSchedule z = NoiseSchedule::fromBetas({0.1, 0.2}, "mine", true);
    QVERIFY(closeRel(z.alphaBar(1), 0.9, 1e-15));
    QCOMPARE(z.alphaBar(2), 0.0);
    QVERIFY_THROWS_EXCEPTION(ddpm::Error, NoiseSchedule::fromBetas({0.1}, "one", true));
}

void TestSchedule::atChecksRange()
{
    const NoiseSchedule s = NoiseSchedule::fromName("linear", 100);
    QVERIFY_THROWS_EXCEPTION(ddpm::Error, s.at(Quantity::Beta, 0));
    QVERIFY_THROWS_EXCEPTION(ddpm::Error, s.at(Quantity::Beta, 101));
    QCOMPARE(s.at(Quantity::Beta, 100), s.table(Quantity::Beta).back());
}

void TestSchedule::csvRoundTrip_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("steps");
    QTest::addColumn<bool>("zeroTerminal");
    QTest::addRow("linear 1000") << QStringLiteral("linear") << 1000 << false;
    QTest::addRow("cosine 50 zero-terminal") << QStringLiteral("cosine") << 50 << true;
    QTest::addRow("cosine 1") << QStringLiteral("cosine") << 1 << false; // the one named schedule valid at T = 1
}

void TestSchedule::csvRoundTrip()
{
    QFETCH(QString, name);
    QFETCH(int, steps);
    QFETCH(bool, zeroTerminal);
    const NoiseSchedule s = NoiseSchedule::fromName(name.toStdString(), steps, zeroTerminal);
    const QString csv = QString::fromStdString(ddpm::scheduleToCsv(s));
    QVERIFY(csv.endsWith(QLatin1Char('\n')));
    const QStringList lines = csv.trimmed().split(QLatin1Char('\n'));
    QCOMPARE(lines.size(), steps + 1);
    QCOMPARE(lines.front(), QStringLiteral("t,beta,alpha,alpha_bar,alpha_bar_prev,sqrt_alpha_bar,"
                                           "sqrt_one_minus_alpha_bar,posterior_variance,"
                                           "posterior_log_variance_clipped,posterior_mean_coef1,"
                                           "posterior_mean_coef2,snr"));
    const std::vector<Quantity>& cols = ddpm::csvQuantities();
    QCOMPARE(int(cols.size()), 11);
    for (int t = 1; t <= steps; ++t) {
        const QStringList fields = lines[t].split(QLatin1Char(','));
        QCOMPARE(fields.size(), 12);
        QCOMPARE(fields[0], QString::number(t));
        for (std::size_t c = 0; c < cols.size(); ++c) {
            const QByteArray text = fields[int(c) + 1].toLatin1();
            char* end = nullptr;
            const double v = std::strtod(text.constData(), &end);
            QVERIFY2(end == text.constData() + text.size(), text.constData());
            const double want = s.at(cols[c], t);
            QVERIFY2(std::memcmp(&v, &want, sizeof v) == 0,
                     qPrintable(QStringLiteral("%1 %2").arg(ddpm::quantityName(cols[c])).arg(at(t, v, want))));
        }
    }
}

void TestSchedule::jsonShape()
{
    const NoiseSchedule s = NoiseSchedule::fromName("cosine", 20, true);
    const QByteArray text = QByteArray::fromStdString(ddpm::scheduleToJson(s));
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(text, &err);
    QVERIFY2(err.error == QJsonParseError::NoError, qPrintable(err.errorString()));
    const QJsonObject o = doc.object();
    QCOMPARE(o.value(QStringLiteral("schedule")).toString(), QStringLiteral("cosine"));
    QCOMPARE(o.value(QStringLiteral("steps")).toInt(), 20);
    QCOMPARE(o.value(QStringLiteral("zero_terminal_snr")).toBool(), true);
    const QJsonArray columns = o.value(QStringLiteral("columns")).toArray();
    QCOMPARE(columns.size(), 12);
    QCOMPARE(columns.at(0).toString(), QStringLiteral("t"));
    QCOMPARE(columns.at(3).toString(), QStringLiteral("alpha_bar"));
    QCOMPARE(columns.at(11).toString(), QStringLiteral("snr"));
    const QJsonArray rows = o.value(QStringLiteral("rows")).toArray();
    QCOMPARE(rows.size(), 20);
    for (int t = 1; t <= 20; ++t) {
        const QJsonArray row = rows.at(t - 1).toArray();
        QCOMPARE(row.size(), 12);
        QCOMPARE(row.at(0).toInt(), t);
        QCOMPARE(row.at(3).toDouble(), s.alphaBar(t));
        QCOMPARE(row.at(1).toDouble(), s.beta(t));
    }
}

void TestSchedule::badInput_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("steps");
    QTest::addColumn<bool>("zeroTerminal");
    QTest::addColumn<QStringList>("mustMention");
    auto custom = [](const char* file) {
        return QStringLiteral("custom:") + QString::fromStdString(dataFile(file));
    };
    QTest::addRow("unknown name") << QStringLiteral("linaer") << 1000 << false << QStringList{"linaer", "cosine"};
    QTest::addRow("T = 0") << QStringLiteral("linear") << 0 << false << QStringList{"T = 0", "1..100000"};
    QTest::addRow("T = 100001") << QStringLiteral("cosine") << 100001 << false << QStringList{"100001"};
    QTest::addRow("negative T") << QStringLiteral("linear") << -5 << false << QStringList{"-5"};
    QTest::addRow("linear T = 10") << QStringLiteral("linear") << 10 << false
                                   << QStringList{"T = 10", "beta = 2", "1000/T", "T >= 21"};
    QTest::addRow("linear T = 20") << QStringLiteral("linear") << 20 << false << QStringList{"beta = 1", "T >= 21"};
    // T = 1 obeys the same rule: its one beta is the end, 0.02 * 1000/1 = 20.
    QTest::addRow("linear T = 1") << QStringLiteral("linear") << 1 << false << QStringList{"beta = 20", "T >= 21"};
    QTest::addRow("quadratic T = 1") << QStringLiteral("quadratic") << 1 << false << QStringList{"T >= 21"};
    QTest::addRow("sigmoid T = 1") << QStringLiteral("sigmoid") << 1 << false << QStringList{"T >= 20"};
    QTest::addRow("sigmoid T = 19") << QStringLiteral("sigmoid") << 19 << false << QStringList{"T >= 20"};
    QTest::addRow("scaled-linear T = 1") << QStringLiteral("scaled-linear") << 1 << false << QStringList{"T >= 13"};
    QTest::addRow("quadratic T = 5") << QStringLiteral("quadratic") << 5 << false << QStringList{"T >= 21"};
    QTest::addRow("scaled-linear T = 12") << QStringLiteral("scaled-linear") << 12 << false << QStringList{"T >= 13"};
    QTest::addRow("zero-terminal T = 1") << QStringLiteral("cosine") << 1 << true << QStringList{"T >= 2"};
    QTest::addRow("custom 1.5") << custom("betas_above_one.txt") << 3 << false
                                << QStringList{"betas_above_one.txt", "line 3", "1.5", "(0, 1)"};
    QTest::addRow("custom abc") << custom("betas_text.txt") << 3 << false
                                << QStringList{"betas_text.txt", "line 2", "'abc'"};
    QTest::addRow("custom 0") << custom("betas_zero.txt") << 3 << false
                              << QStringList{"betas_zero.txt", "line 2", "'0'"};
    QTest::addRow("custom trailing junk") << custom("betas_trailing_junk.txt") << 2 << false
                                          << QStringList{"line 2", "0.02x"};
    QTest::addRow("custom empty") << custom("betas_empty.txt") << 1 << false
                                  << QStringList{"betas_empty.txt", "no betas"};
    QTest::addRow("custom comments only") << custom("betas_comments_only.txt") << 1 << false
                                          << QStringList{"no betas"};
    QTest::addRow("custom missing") << custom("betas_does_not_exist.txt") << 1 << false
                                    << QStringList{"betas_does_not_exist.txt", "does not exist"};
    QTest::addRow("custom no file") << QStringLiteral("custom:") << 1 << false << QStringList{"custom:"};
}

void TestSchedule::badInput()
{
    QFETCH(QString, name);
    QFETCH(int, steps);
    QFETCH(bool, zeroTerminal);
    QFETCH(QStringList, mustMention);
    try {
        NoiseSchedule::fromName(name.toStdString(), steps, zeroTerminal);
        QFAIL("no ddpm::Error thrown");
    } catch (const ddpm::Error& e) {
        const QString msg = QString::fromUtf8(e.what());
        QVERIFY2(!msg.contains(QLatin1Char('\n')), qPrintable(msg));
        for (const QString& part : mustMention)
            QVERIFY2(msg.contains(part), qPrintable(QStringLiteral("'%1' not in: %2").arg(part, msg)));
    }
}

QTEST_GUILESS_MAIN(TestSchedule)
#include "test_schedule.moc"
