// Tests of the variational bound: closed forms for the zero baseline, the KL and the
// discretized decoder, the prior term, units, reproducibility, cancellation and validation.
#include <QtTest>

#include <atomic>
#include <cmath>
#include <fstream>

#include <ATen/ATen.h>

#include "ddpm/bound.h"
#include "ddpm/diffusion.h"
#include "ddpm/error.h"
#include "ddpm/model.h"
#include "ddpm/rng.h"
#include "ddpm/schedule.h"

Q_DECLARE_METATYPE(ddpm::VarianceKind)

namespace {

const double kLn2 = std::log(2.0);

/// B random 8-bit images [B, C, size, size] scaled to [-1, 1] as x / 127.5 - 1.
at::Tensor randomImages(std::uint64_t seed, int batch, int channels, int size)
{
    ddpm::Rng rng(seed);
    return rng.integers(0, 255, {batch, channels, size, size}).to(at::kFloat) / 127.5 - 1.0;
}

/// P(bin of x) under N(mean, scale^2), straight from the definition with long double erfc.
double referenceBinProbability(double x, double mean, double scale)
{
    const long double s = std::sqrt(2.0L) * scale;
    const long double hi = (static_cast<long double>(x) + 1.0L / 255.0L - mean) / s;
    const long double lo = (static_cast<long double>(x) - 1.0L / 255.0L - mean) / s;
    if (x < -0.999)
        return static_cast<double>(0.5L * std::erfc(-hi));
    if (x > 0.999)
        return static_cast<double>(0.5L * std::erfc(lo));
    return static_cast<double>(0.5L * (std::erfc(lo) - std::erfc(hi)));
}

/// All 256 8-bit levels scaled to [-1, 1], float64 [256].
at::Tensor allLevels()
{
    return at::arange(256, at::kDouble) / 127.5 - 1.0;
}

} // namespace

class TestBound : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void normalKlIsZeroForEqualGaussians();
    void normalKlKnownValues_data();
    void normalKlKnownValues();
    void decoderBinsSumToOne_data();
    void decoderBinsSumToOne();
    void decoderMatchesReferenceInTails_data();
    void decoderMatchesReferenceInTails();
    void priorIsTinyForLinearSchedule();
    void weightsMatchClosedForms_data();
    void weightsMatchClosedForms();
    void zeroModelTermsFollowWeights_data();
    void zeroModelTermsFollowWeights();
    void zeroModelTermsApproachWeightsForLargeK();
    void totalsAddUp();
    void seededAndIndependentOfBatching();
    void clippingHelpsTheZeroModel();
    void progressAndCancel();
    void badOptionsThrow();
    void modelSpecs();
};

void TestBound::normalKlIsZeroForEqualGaussians()
{
    ddpm::Rng rng(3);
    const at::Tensor mean = rng.normal({5, 7}, at::kDouble);
    const at::Tensor logVar = rng.normal({5, 7}, at::kDouble);
    const at::Tensor kl = ddpm::normalKl(mean, logVar, mean, logVar);
    QVERIFY(kl.abs().max().item<double>() < 1e-12);
    // Any difference in mean or variance makes it strictly positive.
    QVERIFY(ddpm::normalKl(mean, logVar, mean + 0.1, logVar).min().item<double>() > 0.0);
    QVERIFY(ddpm::normalKl(mean, logVar, mean, logVar + 0.1).min().item<double>() > 0.0);
}

void TestBound::normalKlKnownValues_data()
{
    QTest::addColumn<double>("mean1");
    QTest::addColumn<double>("var1");
    QTest::addColumn<double>("mean2");
    QTest::addColumn<double>("var2");
    // KL(N(m1, v1) || N(m2, v2)) = 1/2 (log(v2 / v1) + v1 / v2 + (m1 - m2)^2 / v2 - 1) nats.
    QTest::newRow("unit shift") << 0.0 << 1.0 << 1.0 << 1.0;        // 0.5
    QTest::newRow("variance x4") << 0.0 << 1.0 << 0.0 << 4.0;       // 0.5 (log 4 + 1/4 - 1)
    QTest::newRow("both") << 0.3 << 0.01 << -0.2 << 0.5;
    QTest::newRow("tiny variances") << 0.0 << 1e-8 << 1e-4 << 2e-8;
}

void TestBound::normalKlKnownValues()
{
    QFETCH(double, mean1);
    QFETCH(double, var1);
    QFETCH(double, mean2);
    QFETCH(double, var2);
    const double expected =
        0.5 * (std::log(var2 / var1) + var1 / var2 + (mean1 - mean2) * (mean1 - mean2) / var2 - 1.0);
    const auto scalar = [](double v) { return at::full({1}, v, at::kDouble); };
    const double kl = ddpm::normalKl(scalar(mean1), scalar(std::log(var1)), scalar(mean2), scalar(std::log(var2)))
                          .item<double>();
    QVERIFY2(std::abs(kl - expected) <= 1e-12 * std::max(1.0, expected),
             qPrintable(QString("kl %1 expected %2").arg(kl, 0, 'g', 17).arg(expected, 0, 'g', 17)));
    QVERIFY(kl > 0.0);
}

void TestBound::decoderBinsSumToOne_data()
{
    QTest::addColumn<double>("mean");
    QTest::addColumn<double>("scale");
    QTest::newRow("centre, narrow") << 0.0 << 0.01;
    QTest::newRow("off-grid, wide") << 0.3 << 0.5;
    QTest::newRow("near -1, very narrow") << -0.99 << 1e-3;
    QTest::newRow("beyond 1") << 1.2 << 0.2;
    QTest::newRow("far beyond -1") << -3.0 << 0.1;
    QTest::newRow("very wide") << 0.0 << 5.0;
    QTest::newRow("almost a delta") << 0.5 << 1e-4;
}

void TestBound::decoderBinsSumToOne()
{
    QFETCH(double, mean);
    QFETCH(double, scale);
    // The 256 bins tile the real line (first and last open-ended), so their probabilities sum to 1.
    const at::Tensor x = allLevels();
    const at::Tensor logLik = ddpm::discretizedGaussianLogLikelihood(
        x, at::full_like(x, mean), at::full_like(x, std::log(scale)));
    QVERIFY(at::isfinite(logLik).all().item<bool>());
    QVERIFY(logLik.max().item<double>() <= 1e-15);
    const double total = logLik.exp().sum().item<double>();
    QVERIFY2(std::abs(total - 1.0) < 1e-9, qPrintable(QString("sum %1").arg(total, 0, 'g', 17)));

    // The same in float32, as a caller without float64 would use it.
    const at::Tensor logLik32 = ddpm::discretizedGaussianLogLikelihood(
        x.to(at::kFloat), at::full_like(x, mean).to(at::kFloat), at::full_like(x, std::log(scale)).to(at::kFloat));
    QVERIFY(std::abs(logLik32.exp().sum().item<double>() - 1.0) < 1e-4);
}

void TestBound::decoderMatchesReferenceInTails_data()
{
    QTest::addColumn<double>("x");
    QTest::addColumn<double>("mean");
    QTest::addColumn<double>("scale");
    QTest::newRow("interior, bin at the mean") << 0.0 << 0.0 << 0.02;
    QTest::newRow("interior, upper tail z~6") << (128 + 15) / 127.5 - 1.0 << 0.0 << 0.02;
    QTest::newRow("interior, lower tail z~-6") << (128 - 17) / 127.5 - 1.0 << 0.0 << 0.02;
    QTest::newRow("first bin, mean above") << -1.0 << -0.9 << 0.02;
    QTest::newRow("last bin, mean below") << 1.0 << 0.9 << 0.02;
    QTest::newRow("last bin, mean above") << 1.0 << 1.1 << 0.5;
}

void TestBound::decoderMatchesReferenceInTails()
{
    QFETCH(double, x);
    QFETCH(double, mean);
    QFETCH(double, scale);
    const double expected = std::log(referenceBinProbability(x, mean, scale));
    QVERIFY(expected > std::log(1e-12)); // rows chosen so that the clamp does not hide anything
    const double got = ddpm::discretizedGaussianLogLikelihood(at::full({1}, x, at::kDouble),
                                                               at::full({1}, mean, at::kDouble),
                                                               at::full({1}, std::log(scale), at::kDouble))
                           .item<double>();
    QVERIFY2(std::abs(got - expected) <= 1e-9 * std::max(1.0, std::abs(expected)),
             qPrintable(QString("log P %1 expected %2").arg(got, 0, 'g', 17).arg(expected, 0, 'g', 17)));
}

void TestBound::priorIsTinyForLinearSchedule()
{
    // L_T = KL(N(sqrt(ab) x, (1 - ab)) || N(0, 1)) = 1/2 (-log(1 - ab) - ab + ab x^2) nats per
    // dimension with ab = alpha_bar_T. For linear T = 1000, ab ~ 4.0e-5, so for x in [-1, 1]
    // L_T <= ab / (2 ln 2) + O(ab^2) ~ 2.9e-5 bits/dim: the prior term is negligible.
    const ddpm::Diffusion diffusion(ddpm::NoiseSchedule::fromName("linear", 1000));
    const double ab = diffusion.schedule().alphaBar(1000);
    QVERIFY(ab > 3e-5 && ab < 5e-5);
    const at::Tensor x0 = randomImages(11, 3, 1, 8);
    const at::Tensor prior = ddpm::priorBpd(diffusion, x0);
    QCOMPARE(prior.size(0), 3);
    QCOMPARE(prior.scalar_type(), at::kDouble);
    for (int b = 0; b < 3; ++b) {
        const double meanSquare = x0[b].to(at::kDouble).pow(2).mean().item<double>();
        const double expected = 0.5 * (-std::log1p(-ab) - ab + ab * meanSquare) / kLn2;
        const double got = prior[b].item<double>();
        QVERIFY2(std::abs(got - expected) <= 1e-9 * expected,
                 qPrintable(QString("L_T %1 expected %2").arg(got, 0, 'g', 17).arg(expected, 0, 'g', 17)));
        QVERIFY(got > 0.0 && got < 3e-5);
    }
    // The worst case, every pixel at +-1.
    const double worst = ddpm::priorBpd(diffusion, at::ones({1, 1, 4, 4})).item<double>();
    QVERIFY(std::abs(worst - 0.5 * (-std::log1p(-ab)) / kLn2) < 1e-12);
}

void TestBound::weightsMatchClosedForms_data()
{
    QTest::addColumn<QString>("schedule");
    QTest::addColumn<int>("steps");
    QTest::newRow("linear 1000") << "linear" << 1000;
    QTest::newRow("cosine 1000") << "cosine" << 1000;
    QTest::newRow("linear 50") << "linear" << 50;
}

void TestBound::weightsMatchClosedForms()
{
    QFETCH(QString, schedule);
    QFETCH(int, steps);
    const ddpm::NoiseSchedule s = ddpm::NoiseSchedule::fromName(schedule.toStdString(), steps);
    const std::vector<double> small = ddpm::lSimpleWeights(s, ddpm::VarianceKind::Small);
    const std::vector<double> large = ddpm::lSimpleWeights(s, ddpm::VarianceKind::Large);
    QCOMPARE(int(small.size()), steps);
    QCOMPARE(int(large.size()), steps);
    for (int t = 2; t <= steps; ++t) {
        const double beta = s.beta(t);
        const double alpha = 1.0 - beta;
        // Small: sigma^2 = beta~_t = beta_t (1 - ab_{t-1}) / (1 - ab_t), so
        // w_t = beta^2 / (2 beta~ alpha (1 - ab_t)) = beta_t / (2 alpha_t (1 - ab_{t-1})).
        const double wSmall = beta / (2.0 * alpha * (1.0 - s.alphaBar(t - 1)));
        // Large: sigma^2 = beta_t, so w_t = beta_t / (2 alpha_t (1 - ab_t)).
        const double wLarge = beta / (2.0 * alpha * (1.0 - s.alphaBar(t)));
        QVERIFY2(std::abs(small[t - 1] / wSmall - 1.0) < 1e-9, qPrintable(QString("small t=%1").arg(t)));
        QVERIFY2(std::abs(large[t - 1] / wLarge - 1.0) < 1e-9, qPrintable(QString("large t=%1").arg(t)));
        // beta~_t < beta_t, so the small variance weighs every term more.
        QVERIFY(small[t - 1] > large[t - 1]);
    }
    // t = 1 uses beta~_2 for both kinds (log-variance clipped), so the weights agree there.
    QVERIFY(std::abs(small[0] / large[0] - 1.0) < 1e-12);
}

void TestBound::zeroModelTermsFollowWeights_data()
{
    QTest::addColumn<QString>("schedule");
    QTest::addColumn<ddpm::VarianceKind>("variance");
    QTest::newRow("linear small") << "linear" << ddpm::VarianceKind::Small;
    QTest::newRow("linear large") << "linear" << ddpm::VarianceKind::Large;
    QTest::newRow("cosine small") << "cosine" << ddpm::VarianceKind::Small;
    QTest::newRow("cosine large") << "cosine" << ddpm::VarianceKind::Large;
}

void TestBound::zeroModelTermsFollowWeights()
{
    // For eps_theta = 0 without clipping, x0_pred = x_t / sqrt(ab_t) = x_0 + sqrt((1 - ab_t) / ab_t) eps,
    // and mu~ - mu_theta = coef1 (x_0 - x0_pred) = -beta_t / sqrt(alpha_t (1 - ab_t)) eps. With
    // q's variance beta~_t and p's sigma_t^2 the KL per dimension is
    //   C_t + beta_t^2 / (2 sigma_t^2 alpha_t (1 - ab_t)) eps^2 = C_t + w_t eps^2,
    //   C_t = 1/2 (log sigma_t^2 - log beta~_t + beta~_t / sigma_t^2 - 1),
    // so C_t = 0 for Small and C_t = 1/2 (log(beta_t / beta~_t) + beta~_t / beta_t - 1) > 0 for Large.
    // Averaged over dimensions and draws, L_{t-1} (nats) = C_t + w_t * lSimple_t exactly, since
    // lSimple_t is the same average of eps^2.
    QFETCH(QString, schedule);
    QFETCH(ddpm::VarianceKind, variance);
    const ddpm::Diffusion diffusion(ddpm::NoiseSchedule::fromName(schedule.toStdString(), 1000));
    const ddpm::NoiseSchedule& s = diffusion.schedule();
    ddpm::ZeroNoiseModel model;
    ddpm::BoundOptions options;
    options.variance = variance;
    options.samples = 2;
    options.seed = 5;
    const ddpm::BoundResult r = ddpm::evaluateBound(diffusion, model, randomImages(1, 2, 1, 8), options);
    const std::vector<double> w = ddpm::lSimpleWeights(s, variance);
    for (int t = 2; t <= 1000; ++t) {
        const double posteriorVar = s.at(ddpm::Quantity::PosteriorVariance, t);
        const double sigma2 = variance == ddpm::VarianceKind::Small ? posteriorVar : s.beta(t);
        const double c = 0.5 * (std::log(sigma2 / posteriorVar) + posteriorVar / sigma2 - 1.0);
        QVERIFY(c >= 0.0); // x - 1 - log x >= 0 with x = beta~_t / sigma_t^2
        const double expectedBits = (c + w[t - 1] * r.lSimple[t - 1]) / kLn2;
        const double got = r.termsBpd[t - 1];
        QVERIFY2(std::abs(got - expectedBits) <= 1e-9 * std::abs(expectedBits) + 1e-14,
                 qPrintable(QString("t=%1: %2 bits, closed form %3").arg(t).arg(got, 0, 'g', 17)
                                .arg(expectedBits, 0, 'g', 17)));
    }
}

void TestBound::zeroModelTermsApproachWeightsForLargeK()
{
    // E[eps^2] = 1, so with many draws L_{t-1} -> w_t / ln 2 bits/dim (Small variance).
    // K = 50 draws of 64 dimensions: 3200 squares per t, relative sd sqrt(2 / 3200) = 2.5%.
    const ddpm::Diffusion diffusion(ddpm::NoiseSchedule::fromName("linear", 1000));
    ddpm::ZeroNoiseModel model;
    ddpm::BoundOptions options;
    options.samples = 50;
    options.seed = 17;
    const ddpm::BoundResult r = ddpm::evaluateBound(diffusion, model, randomImages(2, 1, 1, 8), options);
    const std::vector<double> w = ddpm::lSimpleWeights(diffusion.schedule(), ddpm::VarianceKind::Small);
    double ratioSum = 0.0;
    for (int t = 2; t <= 1000; ++t) {
        const double ratio = r.termsBpd[t - 1] / (w[t - 1] / kLn2);
        QVERIFY2(std::abs(ratio - 1.0) < 0.15, qPrintable(QString("t=%1 ratio %2").arg(t).arg(ratio)));
        QVERIFY(std::abs(r.lSimple[t - 1] - 1.0) < 0.15);
        ratioSum += ratio;
    }
    QVERIFY(std::abs(ratioSum / 999.0 - 1.0) < 0.01);
    QCOMPARE(r.modelCalls, 50LL); // 64 elements per timestep: all 1000 timesteps in one call per draw
    QCOMPARE(r.timestepBatch, 1000);
}

void TestBound::totalsAddUp()
{
    const ddpm::Diffusion diffusion(ddpm::NoiseSchedule::fromName("cosine", 200));
    ddpm::ZeroNoiseModel model;
    ddpm::BoundOptions options;
    options.timestepBatch = 64;
    options.samples = 3;
    const at::Tensor x0 = randomImages(4, 2, 3, 6);
    const ddpm::BoundResult r = ddpm::evaluateBound(diffusion, model, x0, options);
    QCOMPARE(int(r.termsBpd.size()), 200);
    QCOMPARE(int(r.lSimple.size()), 200);
    QCOMPARE(r.timestepBatch, 64);
    QCOMPARE(r.modelCalls, 3LL * 4); // ceil(200 / 64) calls per draw
    QCOMPARE(r.decoderBpd, r.termsBpd[0]);
    double sum = 0.0;
    for (int t = 2; t <= 200; ++t) {
        QVERIFY(r.termsBpd[t - 1] >= 0.0); // a KL
        sum += r.termsBpd[t - 1];
    }
    QVERIFY(std::abs(r.termsBpdSum - sum) <= 1e-12 * sum);
    QVERIFY(std::abs(r.totalBpd - (r.priorBpd + r.decoderBpd + r.termsBpdSum)) <= 1e-12 * r.totalBpd);
    // The prior is the mean of the per-image priorBpd.
    QVERIFY(std::abs(r.priorBpd - ddpm::priorBpd(diffusion, x0).mean().item<double>()) < 1e-15);
    QVERIFY(r.decoderBpd > 0.0); // -log of a probability below 1
    // An 8-bit image needs at most 8 bits/dim to write down; the zero model does far worse
    // than that, but the bound is finite.
    QVERIFY(std::isfinite(r.totalBpd));
}

void TestBound::seededAndIndependentOfBatching()
{
    const ddpm::Diffusion diffusion(ddpm::NoiseSchedule::fromName("linear", 100));
    ddpm::ZeroNoiseModel model;
    const at::Tensor x0 = randomImages(9, 2, 1, 8);
    ddpm::BoundOptions options;
    options.seed = 123;
    options.samples = 2;
    const ddpm::BoundResult a = ddpm::evaluateBound(diffusion, model, x0, options);
    const ddpm::BoundResult b = ddpm::evaluateBound(diffusion, model, x0, options);
    QVERIFY(a.termsBpd == b.termsBpd);
    QVERIFY(a.lSimple == b.lSimple);
    QCOMPARE(a.totalBpd, b.totalBpd);

    // The noise at (draw, t) does not depend on how timesteps are batched.
    for (int batch : {1, 7, 100}) {
        options.timestepBatch = batch;
        const ddpm::BoundResult c = ddpm::evaluateBound(diffusion, model, x0, options);
        QCOMPARE(c.timestepBatch, batch);
        QCOMPARE(c.modelCalls, 2LL * ((100 + batch - 1) / batch));
        for (int t = 1; t <= 100; ++t)
            QVERIFY2(std::abs(c.termsBpd[t - 1] - a.termsBpd[t - 1]) <= 1e-12 * std::abs(a.termsBpd[t - 1]),
                     qPrintable(QString("batch %1, t=%2").arg(batch).arg(t)));
    }

    options.timestepBatch = 0;
    options.seed = 124;
    const ddpm::BoundResult d = ddpm::evaluateBound(diffusion, model, x0, options);
    QVERIFY(d.lSimple != a.lSimple);
}

void TestBound::clippingHelpsTheZeroModel()
{
    // Without clipping the zero model's x0_pred = x_t / sqrt(ab_t) blows up at large t; clamping it
    // to [-1, 1] keeps the posterior mean near the data, so every KL shrinks and so does the total.
    const ddpm::Diffusion diffusion(ddpm::NoiseSchedule::fromName("linear", 1000));
    ddpm::ZeroNoiseModel model;
    const at::Tensor x0 = randomImages(21, 1, 1, 8);
    ddpm::BoundOptions options;
    const ddpm::BoundResult plain = ddpm::evaluateBound(diffusion, model, x0, options);
    options.clipDenoised = true;
    const ddpm::BoundResult clipped = ddpm::evaluateBound(diffusion, model, x0, options);
    QVERIFY(clipped.totalBpd < plain.totalBpd);
    QCOMPARE(clipped.priorBpd, plain.priorBpd); // L_T does not involve the model
    QVERIFY(clipped.termsBpd[999] < plain.termsBpd[999]);
}

void TestBound::progressAndCancel()
{
    const ddpm::Diffusion diffusion(ddpm::NoiseSchedule::fromName("linear", 100));
    ddpm::ZeroNoiseModel model;
    const at::Tensor x0 = randomImages(2, 1, 1, 8);
    ddpm::BoundOptions options;
    options.timestepBatch = 10;

    QList<long long> seen;
    ddpm::evaluateBound(diffusion, model, x0, options, [&](long long done, long long total) {
        QCOMPARE(total, 100LL);
        seen.append(done);
    });
    QVERIFY(!seen.isEmpty());
    QCOMPARE(seen.last(), 100LL);
    for (int i = 1; i < seen.size(); ++i)
        QVERIFY(seen[i] > seen[i - 1]);

    // A flag set before the start stops before the first model call.
    std::atomic<bool> stop{true};
    QVERIFY_THROWS_EXCEPTION(ddpm::Cancelled, ddpm::evaluateBound(diffusion, model, x0, options, {}, &stop));

    // A flag set from the progress callback stops at the next model call.
    stop = false;
    long long last = 0;
    const auto stopAfterThirty = [&](long long done, long long) {
        last = done;
        if (done >= 30)
            stop = true;
    };
    QVERIFY_THROWS_EXCEPTION(ddpm::Cancelled,
                             ddpm::evaluateBound(diffusion, model, x0, options, stopAfterThirty, &stop));
    QCOMPARE(last, 30LL);
}

void TestBound::badOptionsThrow()
{
    const ddpm::Diffusion diffusion(ddpm::NoiseSchedule::fromName("linear", 50));
    ddpm::ZeroNoiseModel model;
    const at::Tensor x0 = randomImages(2, 1, 1, 4);
    const auto run = [&](const at::Tensor& x, ddpm::BoundOptions o) { ddpm::evaluateBound(diffusion, model, x, o); };

    ddpm::BoundOptions o;
    o.samples = 0;
    QVERIFY_THROWS_EXCEPTION(ddpm::Error, run(x0, o));
    o.samples = 1001;
    QVERIFY_THROWS_EXCEPTION(ddpm::Error, run(x0, o));
    o.samples = 1;
    o.timestepBatch = -1;
    QVERIFY_THROWS_EXCEPTION(ddpm::Error, run(x0, o));
    o.timestepBatch = 0;

    QVERIFY_THROWS_EXCEPTION(ddpm::Error, run(x0[0], o));                       // 3-D
    QVERIFY_THROWS_EXCEPTION(ddpm::Error, run(at::Tensor(), o));                // undefined
    QVERIFY_THROWS_EXCEPTION(ddpm::Error, run(at::zeros({0, 1, 4, 4}), o));     // empty
    QVERIFY_THROWS_EXCEPTION(ddpm::Error, run(x0 * 1.5, o));                    // outside [-1, 1]
    QVERIFY_THROWS_EXCEPTION(ddpm::Error, run(at::zeros({1, 1, 4, 4}, at::kLong), o));
    at::Tensor withNan = x0.clone();
    withNan.view(-1)[3] = std::nan("");
    QVERIFY_THROWS_EXCEPTION(ddpm::Error, run(withNan, o));
    QVERIFY_THROWS_EXCEPTION(ddpm::Error, ddpm::priorBpd(diffusion, x0 + 2.0));

    // alpha_bar_T = 0: x_0 from epsilon would divide by zero at t = T.
    const ddpm::Diffusion zeroSnr(ddpm::NoiseSchedule::fromName("linear", 50, true));
    QVERIFY_THROWS_EXCEPTION(ddpm::Error, ddpm::evaluateBound(zeroSnr, model, x0, o));

    try {
        o.samples = 0;
        run(x0, o);
        QFAIL("no error for samples 0");
    } catch (const ddpm::Error& e) {
        const QString message = e.what();
        QVERIFY(message.contains("samples 0"));
        QVERIFY(message.contains("1..1000"));
        QVERIFY(!message.contains('\n'));
    }
}

void TestBound::modelSpecs()
{
    std::unique_ptr<ddpm::DenoiseModel> zero = ddpm::makeModel("zero");
    QVERIFY(zero != nullptr);
    QVERIFY(QString::fromStdString(zero->name()).startsWith("zero"));
    QVERIFY(zero->parameterization().prediction == ddpm::Prediction::Epsilon);
    QVERIFY(zero->schedule() == nullptr);
    const at::Tensor x = at::randn({3, 1, 4, 4});
    const at::Tensor eps = zero->predict(x, at::full({3}, 5, at::kLong));
    QVERIFY(eps.sizes() == x.sizes());
    QCOMPARE(eps.abs().sum().item<double>(), 0.0);

    try {
        ddpm::makeModel("/nonexistent/dir/model.ckpt");
        QFAIL("no error for a missing checkpoint");
    } catch (const ddpm::Error& e) {
        QVERIFY(QString(e.what()).contains("not found"));
        QVERIFY(QString(e.what()).contains("/nonexistent/dir/model.ckpt"));
    }

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.filePath("model.ckpt").toStdString();
    std::ofstream(path) << "not a checkpoint";
    try {
        ddpm::makeModel(path);
        QFAIL("no error for an unreadable checkpoint");
    } catch (const ddpm::Error& e) {
        QVERIFY2(QString(e.what()).contains("not a DDPM Studio checkpoint"), e.what());
    }
    QVERIFY_THROWS_EXCEPTION(ddpm::Error, ddpm::makeModel(""));
}

QTEST_GUILESS_MAIN(TestBound)
#include "test_bound.moc"
