// Tests of ForwardChain (the resumable, per-step seeded Markov-chain walk of Eq. 2) and of the
// forward process's pixel statistics (histogram, predicted moments and density).
#include <QtTest>

#include <atomic>
#include <cmath>
#include <numeric>
#include <vector>

#include <ATen/ATen.h>

#include "ddpm/diffusion.h"
#include "ddpm/error.h"
#include "ddpm/forward_chain.h"
#include "ddpm/forward_stats.h"
#include "ddpm/progress.h"
#include "ddpm/rng.h"
#include "ddpm/schedule.h"

using ddpm::ForwardChain;
using ddpm::NoiseSchedule;

namespace {

NoiseSchedule linear(int steps) { return NoiseSchedule::fromName("linear", steps); }

/// A small fixed "image" [1, 3, 8, 8] in [-1, 1].
at::Tensor smallImage()
{
    return at::linspace(-1.0, 1.0, 3 * 8 * 8, at::kFloat).view({1, 3, 8, 8});
}

/// Every state x_1..x_T of a fresh walk that stores nothing but its position.
std::vector<at::Tensor> freshWalk(const NoiseSchedule& s, const at::Tensor& x0, std::uint64_t seed)
{
    ForwardChain chain(s, x0, seed, 0);
    std::vector<at::Tensor> out{x0};
    for (int t = 1; t <= s.steps(); ++t)
        out.push_back(chain.walkTo(t));
    return out;
}

} // namespace

class TestForwardChain : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void stepIsEquationTwo();
    void resumingEqualsFreshWalk_data();
    void resumingEqualsFreshWalk();
    void qSampleChainEqualsWalker();
    void seeds();
    void cacheStaysWithinBudget_data();
    void cacheStaysWithinBudget();
    void stopThrowsCancelledAndKeepsProgress();
    void rejectsBadInput();
    void histogramCountsEveryElement();
    void predictedMomentsOnConstantImage_data();
    void predictedMomentsOnConstantImage();
    void predictedDensityIntegratesToOne_data();
    void predictedDensityIntegratesToOne();
    void predictedDensityMatchesMeasured();
};

void TestForwardChain::stepIsEquationTwo()
{
    const NoiseSchedule s = linear(50);
    const at::Tensor x0 = smallImage();
    ForwardChain chain(s, x0, 3);
    const at::Tensor x1 = chain.walkTo(1);
    const at::Tensor x2 = chain.walkTo(2);
    // x_t = sqrt(1 - beta_t) x_{t-1} + sqrt(beta_t) eps_t, eps_t from step t's own generator.
    const at::Tensor want1 = x0 * std::sqrt(1.0 - s.beta(1)) + chain.stepNoise(1) * std::sqrt(s.beta(1));
    const at::Tensor want2 = x1 * std::sqrt(1.0 - s.beta(2)) + chain.stepNoise(2) * std::sqrt(s.beta(2));
    QVERIFY(x1.equal(want1));
    QVERIFY(x2.equal(want2));
    QCOMPARE(x1.scalar_type(), at::kFloat);
    QCOMPARE(x1.sizes().vec(), x0.sizes().vec());
    QVERIFY(chain.walkTo(0).equal(x0));
    // Step noise is standard normal-ish and differs between steps.
    QVERIFY(!chain.stepNoise(1).equal(chain.stepNoise(2)));
    QVERIFY(ForwardChain::stepSeed(7, 1) != ForwardChain::stepSeed(7, 2));
    QVERIFY(ForwardChain::stepSeed(7, 1) != ForwardChain::stepSeed(8, 1));
}

void TestForwardChain::resumingEqualsFreshWalk_data()
{
    QTest::addColumn<qint64>("budgetStates");
    QTest::addColumn<bool>("pinned");
    QTest::newRow("no cache") << qint64(0) << false;
    QTest::newRow("one state") << qint64(1) << false;
    QTest::newRow("a few states, pinned") << qint64(5) << true;
    QTest::newRow("every state") << qint64(200) << false;
}

void TestForwardChain::resumingEqualsFreshWalk()
{
    QFETCH(qint64, budgetStates);
    QFETCH(bool, pinned);
    const NoiseSchedule s = linear(60);
    const at::Tensor x0 = smallImage();
    const std::vector<at::Tensor> fresh = freshWalk(s, x0, 11);
    ForwardChain chain(s, x0, 11, budgetStates * x0.numel() * 4);
    if (pinned)
        chain.setPinned({15, 45});
    // Scrub back and forth; every state must be bit-identical to the fresh walk's.
    for (int t : {30, 10, 60, 59, 1, 45, 44, 46, 0, 17, 60, 15, 31}) {
        const at::Tensor xt = chain.walkTo(t);
        QVERIFY2(xt.equal(fresh[static_cast<std::size_t>(t)]), qPrintable(QStringLiteral("t = %1").arg(t)));
        QCOMPARE(chain.position(), t);
    }
    for (int t : chain.storedSteps())
        QVERIFY(chain.stored(t).equal(fresh[static_cast<std::size_t>(t)]));
    if (pinned) {
        QVERIFY(chain.isStored(15));
        QVERIFY(chain.isStored(45));
    }
}

void TestForwardChain::qSampleChainEqualsWalker()
{
    const NoiseSchedule s = linear(100);
    const ddpm::Diffusion d(s);
    const at::Tensor x0 = smallImage();
    const std::vector<int> ts = {100, 1, 37, 37, 64};
    ddpm::Rng rng(2024);
    const std::vector<at::Tensor> chain = d.qSampleChain(x0, ts, rng);
    QCOMPARE(chain.size(), ts.size());
    ForwardChain walker(s, x0, std::uint64_t(2024));
    for (std::size_t k = 0; k < ts.size(); ++k)
        QVERIFY2(chain[k].equal(walker.walkTo(ts[k])), qPrintable(QStringLiteral("t = %1").arg(ts[k])));
    // Also in float64.
    const at::Tensor x064 = x0.to(at::kDouble);
    ddpm::Rng rng64(5);
    const std::vector<at::Tensor> c64 = d.qSampleChain(x064, {20}, rng64);
    QCOMPARE(c64[0].scalar_type(), at::kDouble);
    QVERIFY(c64[0].equal(ForwardChain(s, x064, std::uint64_t(5)).walkTo(20)));
}

void TestForwardChain::seeds()
{
    const NoiseSchedule s = linear(40);
    const at::Tensor x0 = smallImage();
    ForwardChain a(s, x0, 9), b(s, x0, 9), c(s, x0, 10);
    QCOMPARE(a.chainSeed(), b.chainSeed());
    QVERIFY(a.chainSeed() != c.chainSeed());
    const at::Tensor xa = a.walkTo(40), xb = b.walkTo(40), xc = c.walkTo(40);
    QVERIFY(xa.equal(xb));
    QVERIFY(!xa.equal(xc));
    // Drawing the seed from an Rng(seed) is what the seed constructor does.
    ddpm::Rng rng(9);
    QCOMPARE(ForwardChain::drawChainSeed(rng), a.chainSeed());
}

void TestForwardChain::cacheStaysWithinBudget_data()
{
    QTest::addColumn<qint64>("budgetStates");
    QTest::addColumn<int>("pins");
    QTest::newRow("nothing") << qint64(0) << 4;
    QTest::newRow("one") << qint64(1) << 4;
    QTest::newRow("three, more pins than fit") << qint64(3) << 8;
    QTest::newRow("ten") << qint64(10) << 4;
    QTest::newRow("ten and a half") << qint64(-10) << 0; // budget of 10.5 states
    QTest::newRow("more than T") << qint64(500) << 8;
}

void TestForwardChain::cacheStaysWithinBudget()
{
    QFETCH(qint64, budgetStates);
    QFETCH(int, pins);
    const NoiseSchedule s = linear(200);
    const at::Tensor x0 = smallImage();
    const std::int64_t stateBytes = x0.numel() * 4;
    const std::int64_t budget = budgetStates >= 0 ? budgetStates * stateBytes : -budgetStates * stateBytes + stateBytes / 2;
    ForwardChain chain(s, x0, 1, budget);
    QCOMPARE(chain.stateBytes(), stateBytes);
    QCOMPARE(chain.budgetBytes(), budget);
    std::vector<int> pinned;
    for (int k = 1; k <= pins; ++k)
        pinned.push_back(k * 200 / pins);
    chain.setPinned(pinned);
    for (int t : {200, 3, 150, 77, 199, 1, 100, 200, 0, 120}) {
        chain.walkTo(t);
        QVERIFY2(chain.storedBytes() <= chain.budgetBytes(),
                 qPrintable(QStringLiteral("t = %1: %2 bytes stored, budget %3")
                                .arg(t).arg(chain.storedBytes()).arg(chain.budgetBytes())));
        QCOMPARE(chain.storedBytes(), std::int64_t(chain.storedSteps().size()) * stateBytes);
        if (chain.budgetBytes() >= stateBytes && t > 0)
            QVERIFY(chain.isStored(t)); // the position is kept while anything fits
    }
    chain.setPinned({}); // re-layout drops what is no longer kept and stays within budget
    QVERIFY(chain.storedBytes() <= chain.budgetBytes());
    if (budgetStates >= 500) {
        QCOMPARE(int(chain.storedSteps().size()), 200); // all of them fit
    }
}

void TestForwardChain::stopThrowsCancelledAndKeepsProgress()
{
    const NoiseSchedule s = linear(100);
    const at::Tensor x0 = smallImage();
    const std::vector<at::Tensor> fresh = freshWalk(s, x0, 4);
    ForwardChain chain(s, x0, 4, 4 * x0.numel() * 4);
    std::atomic<bool> stop{false};
    long long calls = 0;
    bool cancelled = false;
    try {
        chain.walkTo(100, &stop, [&](long long done, long long total) {
            ++calls;
            QCOMPARE(total, 100LL);
            if (done == 40)
                stop = true;
        });
    } catch (const ddpm::Cancelled&) {
        cancelled = true;
    }
    QVERIFY(cancelled);
    QCOMPARE(calls, 40LL);
    QCOMPARE(chain.position(), 40);
    QVERIFY(chain.isStored(40));
    QVERIFY(chain.stored(40).equal(fresh[40]));
    // A stopped chain throws before walking, but a stored state needs no walk.
    QVERIFY_THROWS_EXCEPTION(ddpm::Cancelled, chain.walkTo(41, &stop));
    QVERIFY(chain.walkTo(40, &stop).equal(fresh[40]));
    // Going on resumes from step 40: 60 more steps.
    stop = false;
    long long last = 0;
    const at::Tensor x100 = chain.walkTo(100, &stop, [&](long long done, long long total) {
        QCOMPARE(total, 60LL);
        last = done;
    });
    QCOMPARE(last, 60LL);
    QVERIFY(x100.equal(fresh[100]));
}

void TestForwardChain::rejectsBadInput()
{
    const NoiseSchedule s = linear(30);
    const at::Tensor x0 = smallImage();
    ForwardChain chain(s, x0, 1);
    QVERIFY_THROWS_EXCEPTION(ddpm::Error, chain.walkTo(-1));
    QVERIFY_THROWS_EXCEPTION(ddpm::Error, chain.walkTo(31));
    QVERIFY_THROWS_EXCEPTION(ddpm::Error, chain.stepNoise(0));
    QVERIFY_THROWS_EXCEPTION(ddpm::Error, ForwardChain(s, at::Tensor(), 1));
    QVERIFY_THROWS_EXCEPTION(ddpm::Error, ForwardChain(s, at::zeros({2, 2}, at::kLong), 1));
    QVERIFY_THROWS_EXCEPTION(ddpm::Error, ForwardChain(s, x0, 1, -1));
    QVERIFY_THROWS_EXCEPTION(ddpm::Error, ddpm::pixelHistogram(x0, 0, -1.0, 1.0));
    QVERIFY_THROWS_EXCEPTION(ddpm::Error, ddpm::pixelHistogram(x0, 10, 1.0, 1.0));
    QVERIFY_THROWS_EXCEPTION(ddpm::Error, ddpm::qMarginalMoments(ddpm::pixelDistribution(x0), 1.5));
    QVERIFY_THROWS_EXCEPTION(ddpm::Error, ddpm::qMarginalDensity(ddpm::pixelDistribution(x0), -0.1, 10, -1, 1));
}

void TestForwardChain::histogramCountsEveryElement()
{
    ddpm::Rng rng(3);
    const at::Tensor x = rng.normal({1, 3, 32, 32}); // all well inside [-8, 8]
    const std::vector<double> counts = ddpm::pixelHistogram(x, 40, -8.0, 8.0);
    QCOMPARE(int(counts.size()), 40);
    QCOMPARE(std::accumulate(counts.begin(), counts.end(), 0.0), double(x.numel()));
    // Edges: low in the first bin, high in the last, outside not counted.
    const at::Tensor edges = at::tensor({-1.0, -0.5, 0.0, 0.999, 1.0, 1.5, -2.0}, at::kDouble);
    const std::vector<double> e = ddpm::pixelHistogram(edges, 4, -1.0, 1.0);
    QCOMPARE(e, (std::vector<double>{1.0, 1.0, 1.0, 2.0}));
    // Density integrates to the share inside the range.
    const std::vector<double> density = ddpm::histogramDensity(e, edges.numel(), -1.0, 1.0);
    QCOMPARE(std::accumulate(density.begin(), density.end(), 0.0) * 0.5, 5.0 / 7.0);
    // Measured moments.
    const ddpm::PixelMoments m = ddpm::pixelMoments(at::tensor({1.0, 3.0}, at::kDouble));
    QCOMPARE(m.mean, 2.0);
    QCOMPARE(m.std, 1.0);
}

void TestForwardChain::predictedMomentsOnConstantImage_data()
{
    QTest::addColumn<double>("c");
    QTest::addColumn<double>("alphaBar");
    QTest::newRow("c = 0.5, ab = 1") << 0.5 << 1.0;
    QTest::newRow("c = 0.5, ab = 0.3") << 0.5 << 0.3;
    QTest::newRow("c = -1, ab = 0.9") << -1.0 << 0.9;
    QTest::newRow("c = 0.25, ab = 0") << 0.25 << 0.0;
}

void TestForwardChain::predictedMomentsOnConstantImage()
{
    QFETCH(double, c);
    QFETCH(double, alphaBar);
    const ddpm::PixelDistribution d = ddpm::pixelDistribution(at::full({1, 3, 5, 5}, c, at::kDouble));
    QCOMPARE(d.values, std::vector<double>{c});
    QCOMPARE(d.weights, std::vector<double>{1.0});
    QCOMPARE(d.variance(), 0.0);
    // Constant x_0 = c: x_t ~ N(sqrt(ab) c, 1 - ab) exactly.
    const ddpm::PixelMoments m = ddpm::qMarginalMoments(d, alphaBar);
    QVERIFY(std::fabs(m.mean - std::sqrt(alphaBar) * c) < 1e-15);
    QVERIFY(std::fabs(m.std - std::sqrt(1.0 - alphaBar)) < 1e-15);
}

void TestForwardChain::predictedDensityIntegratesToOne_data()
{
    QTest::addColumn<double>("alphaBar");
    QTest::newRow("ab = 1 (point masses)") << 1.0;
    QTest::newRow("ab = 0.999") << 0.999;
    QTest::newRow("ab = 0.5") << 0.5;
    QTest::newRow("ab = 0") << 0.0;
}

void TestForwardChain::predictedDensityIntegratesToOne()
{
    QFETCH(double, alphaBar);
    // Pixel values of an 8-bit image in [-1, 1], uneven shares.
    const at::Tensor x0 = (at::arange(0, 256, at::kDouble).pow(2).remainder(256) / 127.5 - 1.0).view({1, 1, 16, 16});
    const ddpm::PixelDistribution d = ddpm::pixelDistribution(x0);
    QCOMPARE(std::accumulate(d.weights.begin(), d.weights.end(), 0.0), 1.0);
    const int bins = 80;
    const double low = -4.0, high = 4.0, width = (high - low) / bins;
    const std::vector<double> density = ddpm::qMarginalDensity(d, alphaBar, bins, low, high);
    QCOMPARE(int(density.size()), bins);
    const double mass = std::accumulate(density.begin(), density.end(), 0.0) * width;
    QVERIFY2(std::fabs(mass - 1.0) < 1e-3, qPrintable(QString::number(mass, 'g', 10)));
    for (double v : density)
        QVERIFY(v >= 0.0);
    // Its mean matches the predicted mean (to the bin width).
    double mean = 0.0;
    for (int b = 0; b < bins; ++b)
        mean += density[static_cast<std::size_t>(b)] * width * (low + (b + 0.5) * width);
    QVERIFY(std::fabs(mean - ddpm::qMarginalMoments(d, alphaBar).mean) < width);
}

void TestForwardChain::predictedDensityMatchesMeasured()
{
    // A walked x_t's histogram agrees with the predicted density (a loose 5-sigma-ish check).
    const NoiseSchedule s = linear(100);
    const at::Tensor x0 = at::cat({at::full({1, 1, 64, 64}, -0.8), at::full({1, 1, 64, 64}, 0.6)}, 1);
    ForwardChain chain(s, x0, 17);
    const int t = 30, bins = 16;
    const at::Tensor xt = chain.walkTo(t);
    const std::vector<double> measured =
        ddpm::histogramDensity(ddpm::pixelHistogram(xt, bins, -4.0, 4.0), xt.numel(), -4.0, 4.0);
    const std::vector<double> predicted =
        ddpm::qMarginalDensity(ddpm::pixelDistribution(x0), s.alphaBar(t), bins, -4.0, 4.0);
    const double n = double(xt.numel()), width = 0.5;
    for (int b = 0; b < bins; ++b) {
        const double p = predicted[static_cast<std::size_t>(b)] * width; // bin probability
        const double tol = 5.0 * std::sqrt(p * (1.0 - p) / n) / width + 1e-9;
        QVERIFY2(std::fabs(measured[static_cast<std::size_t>(b)] - predicted[static_cast<std::size_t>(b)]) <= tol,
                 qPrintable(QStringLiteral("bin %1: measured %2, predicted %3").arg(b).arg(measured[b]).arg(predicted[b])));
    }
}

QTEST_GUILESS_MAIN(TestForwardChain)
#include "test_forward_chain.moc"
