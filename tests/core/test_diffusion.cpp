// Tests of Diffusion (forward process, posterior, p_theta mean/variance), Rng and the runtime helpers.
#include <QtTest>

#include <atomic>
#include <cmath>
#include <vector>

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include "ddpm/diffusion.h"
#include "ddpm/error.h"
#include "ddpm/progress.h"
#include "ddpm/rng.h"
#include "ddpm/runtime.h"
#include "ddpm/schedule.h"

using ddpm::Diffusion;
using ddpm::NoiseSchedule;
using ddpm::Quantity;
using ddpm::VarianceKind;

namespace {
ddpm::Parameterization epsSmall()
{
    return {ddpm::Prediction::Epsilon, VarianceKind::Small};
}
} // namespace

namespace {

Diffusion linear1000() { return Diffusion(NoiseSchedule::fromName("linear", 1000)); }

at::Tensor longs(std::vector<std::int64_t> v)
{
    return at::tensor(c10::ArrayRef<std::int64_t>(v), at::TensorOptions().dtype(at::kLong));
}

double maxAbsDiff(const at::Tensor& a, const at::Tensor& b)
{
    return (a.to(at::kDouble) - b.to(at::kDouble)).abs().max().item<double>();
}

/// Per-sample value of a schedule table as a [B, 1, 1, 1] float64 tensor (written out by hand).
at::Tensor column(const NoiseSchedule& s, const std::vector<std::int64_t>& ts,
                  double (*f)(const NoiseSchedule&, int))
{
    std::vector<double> v;
    for (std::int64_t t : ts) v.push_back(f(s, int(t)));
    return at::tensor(c10::ArrayRef<double>(v), at::TensorOptions().dtype(at::kDouble)).view({-1, 1, 1, 1});
}

double abPrev(const NoiseSchedule& s, int t) { return t == 1 ? 1.0 : s.alphaBar(t - 1); }

} // namespace

class TestDiffusion : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void extractShapesAndChecks();
    void qSampleMatchesFormula_data();
    void qSampleMatchesFormula();
    void qSampleOnePassEqualsTensorExpression();
    void qMeanVarianceAndStep();
    void predictX0InvertsQSample();
    void closedFormMatchesChainInDistribution();
    void chainHonoursStopAndRange();
    void chainReportsProgress();
    void seededReproducibility();
    void qPosteriorMatchesHandFormulas();
    void pMeanVarianceWithTrueEps();
    void pMeanVarianceClips();
    void largeAndSmallVariance();
    void varianceKindNames();
    void runtimeHelpers();
};

void TestDiffusion::initTestCase()
{
    ddpm::setThreadCount(1); // deterministic and fair on a shared 2-core CI box
}

void TestDiffusion::extractShapesAndChecks()
{
    const Diffusion d = linear1000();
    const at::Tensor like = at::zeros({3, 2, 4, 4}, at::kFloat);
    const at::Tensor e = d.extract(Quantity::Beta, longs({1, 500, 1000}), like);
    QCOMPARE(e.dim(), 4);
    QCOMPARE(e.size(0), 3);
    QCOMPARE(e.size(1) * e.size(2) * e.size(3), 1);
    QCOMPARE(e.scalar_type(), at::kFloat);
    QCOMPARE(e[0].item<float>(), float(d.schedule().beta(1)));
    QCOMPARE(e[1].item<float>(), float(d.schedule().beta(500)));
    QCOMPARE(e[2].item<float>(), float(d.schedule().beta(1000)));
    const at::Tensor e64 = d.extract(Quantity::AlphaBar, longs({7}), at::zeros({1, 2}, at::kDouble));
    QCOMPARE(e64.scalar_type(), at::kDouble);
    QCOMPARE(e64.sizes().vec(), (std::vector<std::int64_t>{1, 1}));
    QCOMPARE(e64.item<double>(), d.schedule().alphaBar(7));

    QVERIFY_THROWS_EXCEPTION(ddpm::Error, d.extract(Quantity::Beta, longs({0}), like));
    QVERIFY_THROWS_EXCEPTION(ddpm::Error, d.extract(Quantity::Beta, longs({1, 1001}), like));
    QVERIFY_THROWS_EXCEPTION(ddpm::Error, d.extract(Quantity::Beta, at::ones({2}, at::kFloat), like));
    QVERIFY_THROWS_EXCEPTION(ddpm::Error, d.timesteps(0, 2));
    QVERIFY_THROWS_EXCEPTION(ddpm::Error, d.timesteps(1001, 2));
    const at::Tensor ts = d.timesteps(1000, 5);
    QCOMPARE(ts.scalar_type(), at::kLong);
    QCOMPARE(ts.sum().item<std::int64_t>(), std::int64_t(5000));
    try {
        d.extract(Quantity::Beta, longs({1001}), like);
    } catch (const ddpm::Error& err) {
        QVERIFY2(QString::fromUtf8(err.what()).contains(QStringLiteral("1001")), err.what());
    }
}

void TestDiffusion::qSampleMatchesFormula_data()
{
    QTest::addColumn<QString>("name");
    QTest::addRow("linear") << QStringLiteral("linear");
    QTest::addRow("cosine") << QStringLiteral("cosine");
}

void TestDiffusion::qSampleMatchesFormula()
{
    QFETCH(QString, name);
    const Diffusion d(NoiseSchedule::fromName(name.toStdString(), 1000));
    const std::vector<std::int64_t> ts = {1, 10, 500, 1000};
    ddpm::Rng rng(1);
    const at::Tensor x0 = rng.normal({4, 3, 8, 8}).clamp(-1, 1);
    const at::Tensor eps = rng.normal({4, 3, 8, 8});
    const at::Tensor xt = d.qSample(x0, longs(ts), eps);
    QCOMPARE(xt.scalar_type(), at::kFloat);
    const at::Tensor a = column(d.schedule(), ts, [](const NoiseSchedule& s, int t) { return std::sqrt(s.alphaBar(t)); });
    const at::Tensor b = column(d.schedule(), ts, [](const NoiseSchedule& s, int t) { return std::sqrt(1.0 - s.alphaBar(t)); });
    const at::Tensor want = a * x0.to(at::kDouble) + b * eps.to(at::kDouble);
    QVERIFY2(maxAbsDiff(xt, want) < 1e-6, qPrintable(QString::number(maxAbsDiff(xt, want))));
}

void TestDiffusion::qSampleOnePassEqualsTensorExpression()
{
    // float32 on the CPU takes a one-pass loop; it must give the gathered expression's bits, for
    // a t per item, one t for the batch (stride 0, as the samplers pass it) and a strided x_0.
    const Diffusion d = linear1000();
    ddpm::Rng rng(7);
    const at::Tensor x0 = rng.normal({6, 2, 5, 5}).clamp(-1, 1);
    const at::Tensor eps = rng.normal({6, 2, 5, 5});
    const auto expression = [&](const at::Tensor& x, const at::Tensor& t, const at::Tensor& n) {
        return d.extract(Quantity::SqrtAlphaBar, t, x) * x + d.extract(Quantity::SqrtOneMinusAlphaBar, t, n) * n;
    };
    const at::Tensor perItem = longs({1, 2, 77, 500, 999, 1000});
    QVERIFY(at::equal(d.qSample(x0, perItem, eps), expression(x0, perItem, eps)));
    const at::Tensor uniform = longs({640}).expand({6});
    QVERIFY(at::equal(d.qSample(x0, uniform, eps), expression(x0, uniform, eps)));
    const at::Tensor one = longs({333});
    QVERIFY(at::equal(d.qSample(x0, one, eps), expression(x0, one, eps)));
    const at::Tensor strided = x0.transpose(2, 3);
    QVERIFY(!strided.is_contiguous());
    const at::Tensor fromStrided = d.qSample(strided, perItem, eps);
    QVERIFY(at::equal(fromStrided, expression(strided, perItem, eps)));
    // The loop wrote it (the expression keeps the input's transposed strides; the loop's output
    // is contiguous), so the comparisons above are of the loop against the expression.
    QVERIFY(fromStrided.is_contiguous());
    QVERIFY(!expression(strided, perItem, eps).is_contiguous());
    // The range check is still made, with the bad value in the message.
    for (const std::int64_t bad : {std::int64_t(0), std::int64_t(1001)}) {
        try {
            d.qSample(x0, longs({1, 2, bad, 4, 5, 6}), eps);
            QFAIL("a timestep outside 1..1000 was accepted");
        } catch (const ddpm::Error& err) {
            QVERIFY2(QString::fromUtf8(err.what()).contains(QString::number(bad)), err.what());
        }
    }
}

void TestDiffusion::qMeanVarianceAndStep()
{
    const Diffusion d = linear1000();
    const std::vector<std::int64_t> ts = {1, 2, 999, 1000};
    ddpm::Rng rng(2);
    const at::Tensor x = rng.normal({4, 1, 5, 5}, at::kDouble);
    const at::Tensor eps = rng.normal({4, 1, 5, 5}, at::kDouble);
    const ddpm::Gaussian q = d.qMeanVariance(x, longs(ts));
    const at::Tensor ab = column(d.schedule(), ts, [](const NoiseSchedule& s, int t) { return s.alphaBar(t); });
    QVERIFY(maxAbsDiff(q.mean, ab.sqrt() * x) < 1e-14);
    QVERIFY(maxAbsDiff(q.variance, 1.0 - ab) < 1e-15);
    QVERIFY(maxAbsDiff(q.logVariance, (1.0 - ab).log()) < 1e-12);
    // Eq. 2: x_t = sqrt(1 - beta_t) x_{t-1} + sqrt(beta_t) eps.
    const at::Tensor beta = column(d.schedule(), ts, [](const NoiseSchedule& s, int t) { return s.beta(t); });
    const at::Tensor step = d.qStep(x, longs(ts), eps);
    QVERIFY(maxAbsDiff(step, (1.0 - beta).sqrt() * x + beta.sqrt() * eps) < 1e-14);
    QVERIFY_THROWS_EXCEPTION(ddpm::Error, d.qSample(x, longs(ts), eps[0]));
}

void TestDiffusion::predictX0InvertsQSample()
{
    const Diffusion d(NoiseSchedule::fromName("cosine", 1000));
    const std::vector<std::int64_t> ts = {1, 100, 500, 900, 1000};
    ddpm::Rng rng(3);
    const at::Tensor x0 = rng.normal({5, 2, 6, 6}, at::kDouble).clamp(-1, 1);
    const at::Tensor eps = rng.normal({5, 2, 6, 6}, at::kDouble);
    const at::Tensor xt = d.qSample(x0, longs(ts), eps);
    // Cosine's alpha_bar_T is tiny (beta capped at 0.999), so 1/sqrt(alpha_bar) is large there.
    const double tolX0 = 1e-12 / std::sqrt(d.schedule().alphaBar(1000));
    QVERIFY2(maxAbsDiff(d.predictX0FromEps(xt, longs(ts), eps), x0) < tolX0,
             qPrintable(QString::number(maxAbsDiff(d.predictX0FromEps(xt, longs(ts), eps), x0))));
    QVERIFY(maxAbsDiff(d.predictEpsFromX0(xt, longs(ts), x0), eps) < 1e-9);
    // float32 too, on a schedule where 1/sqrt(alpha_bar) stays modest.
    const Diffusion lin = linear1000();
    const at::Tensor x0f = x0.to(at::kFloat), epsf = eps.to(at::kFloat);
    const at::Tensor xtf = lin.qSample(x0f, longs(ts), epsf);
    QVERIFY(maxAbsDiff(lin.predictX0FromEps(xtf, longs(ts), epsf), x0f) < 1e-3);
}

void TestDiffusion::closedFormMatchesChainInDistribution()
{
    // x_0 a constant image of 19,600 pixels; each pixel is an independent draw of x_t.
    const Diffusion d = linear1000();
    const double c = 0.5;
    const at::Tensor x0 = at::full({1, 1, 140, 140}, c, at::kDouble);
    const double n = double(x0.numel());
    const std::vector<int> ts = {500, 1, 1000, 10, 100}; // any order comes back in that order
    ddpm::Rng chainRng(11);
    const std::vector<at::Tensor> chain = d.qSampleChain(x0, ts, chainRng);
    QCOMPARE(chain.size(), ts.size());
    ddpm::Rng closedRng(12);
    for (std::size_t k = 0; k < ts.size(); ++k) {
        const int t = ts[k];
        const double ab = d.schedule().alphaBar(t);
        const double mean = std::sqrt(ab) * c;
        const double var = 1.0 - ab;
        // 5 sigma of the estimators: sample mean sd = sqrt(var/n); sample variance sd ~ var sqrt(2/(n-1)).
        const double tolMean = 5.0 * std::sqrt(var / n);
        const double tolVar = 5.0 * var * std::sqrt(2.0 / (n - 1.0));
        const at::Tensor closed = d.qSample(x0, d.timesteps(t, 1), closedRng.normal(x0.sizes(), at::kDouble));
        for (const auto& [label, x] : {std::pair<const char*, at::Tensor>{"closed form", closed},
                                      std::pair<const char*, at::Tensor>{"chain", chain[k]}}) {
            QCOMPARE(x.sizes().vec(), x0.sizes().vec());
            const double m = x.mean().item<double>();
            const double v = x.var().item<double>();
            QVERIFY2(std::fabs(m - mean) < tolMean,
                     qPrintable(QStringLiteral("%1 t = %2: mean %3, want %4 +- %5").arg(label).arg(t).arg(m).arg(mean).arg(tolMean)));
            QVERIFY2(std::fabs(v - var) < tolVar,
                     qPrintable(QStringLiteral("%1 t = %2: variance %3, want %4 +- %5").arg(label).arg(t).arg(v).arg(var).arg(tolVar)));
        }
    }
}

void TestDiffusion::chainHonoursStopAndRange()
{
    const Diffusion d = linear1000();
    const at::Tensor x0 = at::zeros({1, 4});
    ddpm::Rng rng(5);
    std::atomic<bool> stop{true};
    bool cancelled = false;
    try {
        d.qSampleChain(x0, {10}, rng, &stop);
    } catch (const ddpm::Cancelled&) {
        cancelled = true;
    }
    QVERIFY(cancelled);
    QVERIFY_THROWS_EXCEPTION(ddpm::Error, d.qSampleChain(x0, {0}, rng));
    QVERIFY_THROWS_EXCEPTION(ddpm::Error, d.qSampleChain(x0, {5, 1001}, rng));
    QVERIFY(d.qSampleChain(x0, {}, rng).empty());
    // Duplicates are allowed and give the same state.
    stop = false;
    const std::vector<at::Tensor> dup = d.qSampleChain(x0, {3, 3}, rng, &stop);
    QVERIFY(dup[0].equal(dup[1]));
}

void TestDiffusion::chainReportsProgress()
{
    // One report per step of the whole walk, across the stops at each t (given unordered).
    const Diffusion d = linear1000();
    ddpm::Rng rng(5);
    std::vector<long long> done;
    std::vector<long long> totals;
    d.qSampleChain(at::zeros({1, 4}), {30, 10, 10}, rng, nullptr, [&](long long k, long long total) {
        done.push_back(k);
        totals.push_back(total);
    });
    QCOMPARE(int(done.size()), 30);
    for (int i = 0; i < 30; ++i) {
        QCOMPARE(done[size_t(i)], (long long)(i + 1));
        QCOMPARE(totals[size_t(i)], 30LL);
    }
}

void TestDiffusion::seededReproducibility()
{
    ddpm::Rng a(42), b(42), c(43);
    const at::Tensor za = a.normal({3, 16}), zb = b.normal({3, 16}), zc = c.normal({3, 16});
    QVERIFY(za.equal(zb));
    QVERIFY(!za.equal(zc));
    QVERIFY(!a.normal({3, 16}).equal(za)); // the stream moves on
    const at::Tensor z64 = ddpm::Rng(42).normal({3, 16}, at::kDouble);
    QCOMPARE(z64.scalar_type(), at::kDouble);
    QVERIFY(z64.equal(ddpm::Rng(42).normal({3, 16}, at::kDouble)));

    const at::Tensor i1 = ddpm::Rng(7).integers(1, 1000, {500});
    const at::Tensor i2 = ddpm::Rng(7).integers(1, 1000, {500});
    QVERIFY(i1.equal(i2));
    QCOMPARE(i1.scalar_type(), at::kLong);
    QVERIFY(i1.min().item<std::int64_t>() >= 1);
    QVERIFY(i1.max().item<std::int64_t>() <= 1000);
    const at::Tensor both = ddpm::Rng(8).integers(1, 2, {200});
    QVERIFY(both.eq(1).any().item<bool>() && both.eq(2).any().item<bool>()); // inclusive bounds
    QVERIFY_THROWS_EXCEPTION(ddpm::Error, ddpm::Rng(1).integers(5, 4, {2}));

    const Diffusion d = linear1000();
    const at::Tensor x0 = at::zeros({2, 8});
    ddpm::Rng r1(9), r2(9), r3(10);
    const auto c1 = d.qSampleChain(x0, {50}, r1);
    const auto c2 = d.qSampleChain(x0, {50}, r2);
    const auto c3 = d.qSampleChain(x0, {50}, r3);
    QVERIFY(c1[0].equal(c2[0]));
    QVERIFY(!c1[0].equal(c3[0]));
}

void TestDiffusion::qPosteriorMatchesHandFormulas()
{
    const Diffusion d = linear1000();
    const NoiseSchedule& s = d.schedule();
    const std::vector<std::int64_t> ts = {1, 2, 3, 250, 999, 1000};
    ddpm::Rng rng(4);
    const at::Tensor x0 = rng.normal({6, 3}, at::kDouble);
    const at::Tensor xt = rng.normal({6, 3}, at::kDouble);
    const ddpm::Gaussian g = d.qPosterior(x0, xt, longs(ts));
    for (std::size_t i = 0; i < ts.size(); ++i) {
        const int t = int(ts[i]);
        const double beta = s.beta(t), alpha = 1.0 - beta, ab = s.alphaBar(t), abp = abPrev(s, t);
        // Eq. 7.
        const at::Tensor mean = beta * std::sqrt(abp) / (1.0 - ab) * x0[i] +
                                std::sqrt(alpha) * (1.0 - abp) / (1.0 - ab) * xt[i];
        const double var = (1.0 - abp) / (1.0 - ab) * beta;
        QVERIFY2(maxAbsDiff(g.mean[i].reshape({-1}), mean) < 1e-12, qPrintable(QString::number(t)));
        QVERIFY(std::fabs(g.variance[i].item<double>() - var) < 1e-15);
        if (t >= 2) {
            // Independently: the product of q(x_{t-1} | x_0) and q(x_t | x_{t-1}) as Gaussians in x_{t-1}.
            const double precision = 1.0 / (1.0 - abp) + alpha / beta;
            const at::Tensor bayes = (std::sqrt(abp) / (1.0 - abp) * x0[i] + std::sqrt(alpha) / beta * xt[i]) / precision;
            QVERIFY2(maxAbsDiff(g.mean[i].reshape({-1}), bayes) < 1e-10, qPrintable(QString::number(t)));
            QVERIFY(std::fabs(g.variance[i].item<double>() - 1.0 / precision) < 1e-14);
            QVERIFY(std::fabs(g.logVariance[i].item<double>() - std::log(var)) < 1e-12);
        } else {
            QCOMPARE(g.variance[i].item<double>(), 0.0);
            QVERIFY(maxAbsDiff(g.mean[i].reshape({-1}), x0[i]) < 1e-12); // at t = 1 the mean is x_0
            const double var2 = (1.0 - s.alphaBar(1)) / (1.0 - s.alphaBar(2)) * s.beta(2);
            QVERIFY(std::fabs(g.logVariance[i].item<double>() - std::log(var2)) < 1e-12);
        }
    }
}

void TestDiffusion::pMeanVarianceWithTrueEps()
{
    const Diffusion d = linear1000();
    const std::vector<std::int64_t> ts = {1, 2, 100, 700, 1000};
    ddpm::Rng rng(6);
    const at::Tensor x0 = rng.normal({5, 1, 4, 4}, at::kDouble).clamp(-1, 1);
    const at::Tensor eps = rng.normal({5, 1, 4, 4}, at::kDouble);
    const at::Tensor t = longs(ts);
    const at::Tensor xt = d.qSample(x0, t, eps);
    const ddpm::ReverseGaussian r = d.pMeanVariance(epsSmall(), eps, xt, t, false);
    const ddpm::Gaussian& p = r.p;
    const at::Tensor& x0Pred = r.denoised.x0;
    const ddpm::Gaussian q = d.qPosterior(x0, xt, t);
    QVERIFY(maxAbsDiff(x0Pred, x0) < 1e-10);
    QVERIFY2(maxAbsDiff(p.mean, q.mean) < 1e-10, qPrintable(QString::number(maxAbsDiff(p.mean, q.mean))));
    QVERIFY(maxAbsDiff(p.variance, q.variance) == 0.0);
    QVERIFY(maxAbsDiff(p.logVariance, q.logVariance) == 0.0);
    // Eq. 11: mu = 1/sqrt(alpha_t) (x_t - beta_t / sqrt(1 - alpha_bar_t) eps).
    const at::Tensor beta = column(d.schedule(), ts, [](const NoiseSchedule& s, int u) { return s.beta(u); });
    const at::Tensor ab = column(d.schedule(), ts, [](const NoiseSchedule& s, int u) { return s.alphaBar(u); });
    const at::Tensor eq11 = (xt - beta / (1.0 - ab).sqrt() * eps) / (1.0 - beta).sqrt();
    QVERIFY2(maxAbsDiff(p.mean, eq11) < 1e-10, qPrintable(QString::number(maxAbsDiff(p.mean, eq11))));
    // float32 works the same way, within float precision.
    const ddpm::Gaussian pf = d.pMeanVariance(epsSmall(), eps.to(at::kFloat), xt.to(at::kFloat), t, false).p;
    QCOMPARE(pf.mean.scalar_type(), at::kFloat);
    QVERIFY(maxAbsDiff(pf.mean, q.mean) < 1e-3);
}

void TestDiffusion::pMeanVarianceClips()
{
    const Diffusion d = linear1000();
    const at::Tensor t = longs({300, 300});
    const at::Tensor x0 = at::full({2, 1, 3, 3}, 3.0, at::kDouble); // outside [-1, 1]
    const at::Tensor eps = ddpm::Rng(13).normal({2, 1, 3, 3}, at::kDouble);
    const at::Tensor xt = d.qSample(x0, t, eps);
    const ddpm::ReverseGaussian r = d.pMeanVariance(epsSmall(), eps, xt, t, true);
    const ddpm::Gaussian& p = r.p;
    const at::Tensor& x0Pred = r.denoised.x0;
    QVERIFY(maxAbsDiff(x0Pred, at::ones_like(x0)) < 1e-12);
    QVERIFY(maxAbsDiff(p.mean, d.qPosterior(at::ones_like(x0), xt, t).mean) < 1e-12);
    QVERIFY(maxAbsDiff(p.mean, d.qPosterior(x0, xt, t).mean) > 1e-3);
}

void TestDiffusion::largeAndSmallVariance()
{
    const Diffusion d = linear1000();
    const NoiseSchedule& s = d.schedule();
    const std::vector<std::int64_t> ts = {1, 2, 500, 1000};
    const at::Tensor t = longs(ts);
    const at::Tensor xt = at::zeros({4, 2}, at::kDouble);
    const ddpm::Gaussian small = d.pMeanVariance(epsSmall(), xt, xt, t, false).p;
    const ddpm::Gaussian large = d.pMeanVariance({ddpm::Prediction::Epsilon, VarianceKind::Large}, xt, xt, t, false).p;
    const double post2 = s.at(Quantity::PosteriorVariance, 2);
    for (std::size_t i = 0; i < ts.size(); ++i) {
        const int u = int(ts[i]);
        const double sv = small.variance[i].item<double>(), lv = large.variance[i].item<double>();
        QCOMPARE(sv, s.at(Quantity::PosteriorVariance, u));
        QCOMPARE(small.logVariance[i].item<double>(), s.at(Quantity::PosteriorLogVarianceClipped, u));
        const double wantLarge = u == 1 ? post2 : s.beta(u);
        QCOMPARE(lv, wantLarge);
        QVERIFY(std::fabs(large.logVariance[i].item<double>() - std::log(wantLarge)) < 1e-14);
        QVERIFY2(lv >= sv, qPrintable(QString::number(u)));
        if (u >= 2) QVERIFY(lv > sv);
    }
    // The two means agree: only the variance depends on the kind.
    QVERIFY(maxAbsDiff(small.mean, large.mean) == 0.0);
    // T = 1: the large variance at t = 1 falls back to beta_1.
    const Diffusion one(NoiseSchedule::fromName("cosine", 1));
    const ddpm::Gaussian l1 =
        one.pMeanVariance({ddpm::Prediction::Epsilon, VarianceKind::Large}, at::zeros({1, 1}), at::zeros({1, 1}), longs({1}), false).p;
    QVERIFY(std::fabs(l1.variance.item<float>() - 0.999f) < 1e-6f);
}

void TestDiffusion::varianceKindNames()
{
    QCOMPARE(ddpm::parseVarianceKind("small"), VarianceKind::Small);
    QCOMPARE(ddpm::parseVarianceKind("large"), VarianceKind::Large);
    QCOMPARE(QString::fromUtf8(ddpm::varianceKindName(VarianceKind::Large)), QStringLiteral("large"));
    QVERIFY_THROWS_EXCEPTION(ddpm::Error, ddpm::parseVarianceKind("medium"));
}

void TestDiffusion::runtimeHelpers()
{
    const int before = ddpm::threadCount();
    QVERIFY_THROWS_EXCEPTION(ddpm::Error, ddpm::setThreadCount(0));
    QVERIFY_THROWS_EXCEPTION(ddpm::Error, ddpm::setThreadCount(257));
    ddpm::setThreadCount(2);
    QCOMPARE(ddpm::threadCount(), 2);
    const int best = ddpm::probeThreadCount();
    QVERIFY(best >= 1 && best <= 8);
    QCOMPARE(ddpm::threadCount(), 2); // the probe restores the count
    {
        // The probe's step runs backward: it must work from a caller's inference scope too.
        c10::InferenceMode inference;
        QVERIFY(ddpm::probeThreadCount() >= 1);
        QVERIFY(c10::InferenceMode::is_enabled());
    }
    ddpm::setThreadCount(before);

    QVERIFY(ddpm::pickDevice("cpu").is_cpu());
    const c10::Device autoDevice = ddpm::pickDevice("auto");
    QVERIFY(autoDevice.is_cpu() || autoDevice.is_cuda());
    QVERIFY_THROWS_EXCEPTION(ddpm::Error, ddpm::pickDevice("tpu"));
    if (autoDevice.is_cpu()) QVERIFY_THROWS_EXCEPTION(ddpm::Error, ddpm::pickDevice("cuda"));
    const QString text = QString::fromStdString(ddpm::runtimeDescription(c10::Device(c10::kCPU)));
    QVERIFY2(text.startsWith(QStringLiteral("CPU")) && text.contains(QString::number(before)), qPrintable(text));
}

QTEST_GUILESS_MAIN(TestDiffusion)
#include "test_diffusion.moc"
