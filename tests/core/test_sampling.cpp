// Sampling: respacing against improved DDPM's and diffusers' steps, DDIM against DDPM, the
// oracle denoiser's closed form, and both samplers with the oracle reproducing gaussians8.
#include <QtTest>

#include <cmath>
#include <vector>

#include <ATen/ATen.h>

#include "ddpm/diffusion.h"
#include "ddpm/error.h"
#include "ddpm/model.h"
#include "ddpm/oracle_model.h"
#include "ddpm/paper_figures.h"
#include "ddpm/respacing.h"
#include "ddpm/rng.h"
#include "ddpm/runtime.h"
#include "ddpm/sampler.h"
#include "ddpm/sampling_plan.h"
#include "ddpm/schedule.h"
#include "ddpm/trajectory.h"

Q_DECLARE_METATYPE(std::vector<int>)

namespace {

/// A deterministic stand-in: eps_theta(x_t, t) = 0.3 x_t + t / 1000 (nothing learned, but
/// every step's output depends on both inputs).
class AffineModel final : public ddpm::DenoiseModel {
public:
    at::Tensor predict(const at::Tensor& xt, const at::Tensor& t) override
    {
        std::vector<std::int64_t> shape(static_cast<std::size_t>(xt.dim()), 1);
        shape[0] = xt.size(0);
        return 0.3 * xt + t.to(xt.scalar_type()).view(shape) / 1000.0;
    }
    ddpm::Parameterization parameterization() const override { return {}; }
    std::string name() const override { return "affine stand-in"; }
};

struct ModeStats {
    std::vector<int> counts;
    double spread = 0;   // RMS distance to the nearest mean, per coordinate
};

ModeStats modeStats(const at::Tensor& points, const at::Tensor& means)
{
    const at::Tensor p = points.to(at::kDouble);
    const at::Tensor d2 = (p.unsqueeze(1) - means.unsqueeze(0)).square().sum(2); // [N, K]
    const auto [best, nearest] = d2.min(1);
    ModeStats s;
    for (std::int64_t k = 0; k < means.size(0); ++k) s.counts.push_back(static_cast<int>((nearest == k).sum().item<std::int64_t>()));
    s.spread = std::sqrt(best.mean().item<double>() / 2.0);
    return s;
}

} // namespace

class TestSampling : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { ddpm::setThreadCount(1); }
    void spacings_data();
    void spacings();
    void badSpacingsAreRefused();
    void respacedScheduleKeepsMarginals();
    void respacedModelCallsTheOriginalSteps();
    void ddimWithEtaOneIsDdpmWithPosteriorVariance();
    void ddimWithEtaZeroIsDeterministic();
    void ddimChainMatchesAnIndependentRecursion();
    void clippingBoundsPredictedX0();
    void oracleMatchesTheClosedForm();
    void samplersWithTheOracleReproduceGaussians8_data();
    void samplersWithTheOracleReproduceGaussians8();
    void planRefusesMismatchedChoices();
    void trajectoryKeepsEveryStepWithinItsBudget();
    void trajectoryRecomputesBetweenKeyFrames();
    void samplesSharingXtKeepTheImageAtSmallT();
    void interpolationEndsAtBothImages();
    void rateDistortionTradesBitsForError();
};

void TestSampling::spacings_data()
{
    QTest::addColumn<int>("steps");
    QTest::addColumn<QString>("spacing");
    QTest::addColumn<std::vector<int>>("expected");
    // By hand from improved DDPM's space_timesteps and diffusers' schedulers (0-based there, +1 here).
    QTest::newRow("all") << 5 << "" << std::vector<int>{1, 2, 3, 4, 5};
    QTest::newRow("count rounds half to even") << 10 << "3" << std::vector<int>{1, 5, 10};   // 0, round(4.5) = 4, 9
    QTest::newRow("sections") << 10 << "2,3" << std::vector<int>{1, 5, 6, 8, 10};           // 0,4 | 5,7,9
    QTest::newRow("ddim") << 10 << "ddim5" << std::vector<int>{1, 3, 5, 7, 9};
    QTest::newRow("ddim50 of 1000") << 1000 << "ddim50" << [] {
        std::vector<int> v;
        for (int i = 0; i < 1000; i += 20) v.push_back(i + 1);
        return v;
    }();
    QTest::newRow("leading") << 10 << "leading:4" << std::vector<int>{1, 3, 5, 7};
    QTest::newRow("trailing") << 10 << "trailing:4" << std::vector<int>{2, 5, 8, 10};     // round(10, 7.5, 5, 2.5) - 1
    QTest::newRow("linspace") << 10 << "linspace:4" << std::vector<int>{1, 4, 7, 10};
    QTest::newRow("one step") << 10 << "1" << std::vector<int>{1};
}

void TestSampling::spacings()
{
    QFETCH(int, steps);
    QFETCH(QString, spacing);
    QFETCH(std::vector<int>, expected);
    QCOMPARE(ddpm::spacedTimesteps(steps, spacing.toStdString()), expected);
}

void TestSampling::badSpacingsAreRefused()
{
    for (const char* bad : {"0", "11", "ddim7", "leading:0", "abc", "3,", "trailing:x", "20,20", "-3"})
        QVERIFY_EXCEPTION_THROWN(ddpm::spacedTimesteps(10, bad), ddpm::Error);
}

void TestSampling::respacedScheduleKeepsMarginals()
{
    for (bool zeroTerminal : {false, true}) {
        const ddpm::NoiseSchedule base = ddpm::NoiseSchedule::fromName("cosine", 1000, zeroTerminal);
        const std::vector<int> kept = ddpm::spacedTimesteps(1000, "trailing:50");
        const ddpm::NoiseSchedule r = ddpm::respaceSchedule(base, kept);
        QCOMPARE(r.steps(), 50);
        QCOMPARE(r.zeroTerminalSnr(), zeroTerminal);
        for (int k = 1; k <= 50; ++k) {
            QVERIFY(std::abs(r.alphaBar(k) - base.alphaBar(kept[k - 1])) <= 1e-12);
            QVERIFY(r.beta(k) > 0 && r.beta(k) <= 1);
        }
        QCOMPARE(r.alphaBar(50) == 0.0, zeroTerminal);
    }
}

void TestSampling::respacedModelCallsTheOriginalSteps()
{
    class Recorder final : public ddpm::DenoiseModel {
    public:
        at::Tensor predict(const at::Tensor& xt, const at::Tensor& t) override
        {
            seen = t.clone();
            return at::zeros_like(xt);
        }
        ddpm::Parameterization parameterization() const override { return {}; }
        std::string name() const override { return "recorder"; }
        at::Tensor seen;
    } inner;
    const ddpm::NoiseSchedule base = ddpm::NoiseSchedule::fromName("linear", 100);
    ddpm::RespacedModel model(inner, base, ddpm::spacedTimesteps(100, "ddim10"));
    model.predict(at::zeros({3, 2}), at::tensor(std::vector<std::int64_t>{1, 5, 10}, at::kLong));
    QCOMPARE(inner.seen[0].item<std::int64_t>(), 1);
    QCOMPARE(inner.seen[1].item<std::int64_t>(), 41);
    QCOMPARE(inner.seen[2].item<std::int64_t>(), 91);
    QVERIFY_EXCEPTION_THROWN(model.predict(at::zeros({1, 2}), at::tensor(std::vector<std::int64_t>{11}, at::kLong)),
                             ddpm::Error);
}

void TestSampling::ddimWithEtaOneIsDdpmWithPosteriorVariance()
{
    // With eta = 1 on every step, DDIM's sigma_t^2 is beta~_t and its mean is the posterior
    // mean, so from the same x_t and the same noise draw both samplers give the same x_{t-1}.
    const ddpm::Diffusion d(ddpm::NoiseSchedule::fromName("linear", 200));
    AffineModel model;
    ddpm::SamplerOptions options;
    options.variance = ddpm::VarianceKind::Small;
    options.clipDenoised = false;
    ddpm::DdpmSampler ddpm(d, model, options);
    ddpm::DdimSampler ddim(d, model, 1.0, false);
    ddpm::Rng init(7);
    const at::Tensor xt = init.normal({64, 1, 4, 4});
    for (int t : {200, 150, 50, 2, 1}) {
        ddpm::Rng a(11), b(11);
        const ddpm::SamplerStep sa = ddpm.step(xt, t, a);
        const ddpm::SamplerStep sb = ddim.step(xt, t, b);
        QVERIFY2(at::allclose(sa.xPrev, sb.xPrev, 1e-4, 1e-5), qPrintable(QString("t = %1").arg(t)));
        QVERIFY(at::allclose(sa.x0Pred, sb.x0Pred, 1e-5, 1e-6));
    }
}

void TestSampling::ddimWithEtaZeroIsDeterministic()
{
    const ddpm::Diffusion d(ddpm::NoiseSchedule::fromName("cosine", 50));
    AffineModel model;
    ddpm::DdimSampler ddim(d, model, 0.0, false);
    ddpm::Rng a(1), b(2);
    const at::Tensor xt = ddpm::Rng(3).normal({8, 2});
    QVERIFY(at::equal(ddim.step(xt, 30, a).xPrev, ddim.step(xt, 30, b).xPrev));
    // The last step lands on the predicted x_0.
    const ddpm::SamplerStep last = ddim.step(xt, 1, a);
    QVERIFY(at::allclose(last.xPrev, last.x0Pred));
    QVERIFY_EXCEPTION_THROWN(ddpm::DdimSampler(d, model, 1.5, false), ddpm::Error);
    QVERIFY_EXCEPTION_THROWN(ddim.step(xt, 51, a), ddpm::Error);
}

void TestSampling::ddimChainMatchesAnIndependentRecursion()
{
    // Golden values for the deterministic stand-in, recomputed here in double precision from
    // the paper's formulas alone (x_0 from Eq. 4 solved for it, DDIM's Eq. 12 with eta = 0),
    // on a respaced chain (every 4th step of a 40-step cosine schedule).
    const ddpm::NoiseSchedule s = ddpm::NoiseSchedule::fromName("cosine", 40);
    AffineModel model;
    ddpm::SamplingSpec spec;
    spec.sampler = "ddim";
    spec.spacing = "ddim10";
    ddpm::SamplingPlan plan(model, spec, &s);
    const std::vector<double> start{1.5, -0.25, 0.75, -2.0};
    at::Tensor x = at::tensor(start).to(at::kFloat).view({4, 1});
    ddpm::Rng rng(0);
    for (int k = plan.steps(); k >= 1; --k) x = plan.sampler().step(x, k, rng).xPrev;

    std::vector<double> expected = start;
    const std::vector<int>& ts = plan.timesteps();
    QCOMPARE(ts, (std::vector<int>{1, 5, 9, 13, 17, 21, 25, 29, 33, 37}));
    for (int k = 10; k >= 1; --k) {
        const int t = ts[static_cast<std::size_t>(k - 1)];
        const double ab = s.alphaBar(t);
        const double abPrev = k > 1 ? s.alphaBar(ts[static_cast<std::size_t>(k - 2)]) : 1.0;
        for (double& v : expected) {
            const double eps = 0.3 * v + t / 1000.0;   // the net sees the original t
            const double x0 = (v - std::sqrt(1 - ab) * eps) / std::sqrt(ab);
            v = std::sqrt(abPrev) * x0 + std::sqrt(1 - abPrev) * eps;
        }
    }
    for (int i = 0; i < 4; ++i)
        QVERIFY2(std::abs(x[i][0].item<double>() - expected[static_cast<std::size_t>(i)]) < 1e-4 * (1 + std::abs(expected[i])),
                 qPrintable(QString("%1: %2 against %3").arg(i).arg(x[i][0].item<double>()).arg(expected[static_cast<std::size_t>(i)])));
}

void TestSampling::clippingBoundsPredictedX0()
{
    const ddpm::Diffusion d(ddpm::NoiseSchedule::fromName("linear", 100));
    AffineModel model;
    const at::Tensor xt = 5.0 * ddpm::Rng(4).normal({16, 1, 4, 4});
    for (bool clip : {false, true}) {
        ddpm::SamplerOptions o;
        o.clipDenoised = clip;
        ddpm::DdpmSampler ddpm(d, model, o);
        ddpm::DdimSampler ddim(d, model, 0.0, clip);
        ddpm::Rng rng(5);
        for (ddpm::Sampler* s : std::initializer_list<ddpm::Sampler*>{&ddpm, &ddim}) {
            const double m = s->step(xt, 10, rng).x0Pred.abs().max().item<double>();
            QVERIFY2(clip ? m <= 1.0 : m > 1.0, s->describe().c_str());
        }
    }
}

void TestSampling::oracleMatchesTheClosedForm()
{
    // Two point masses in 1-D at -1 and +1: E[x_0 | x_t] = tanh(c x_t / (1 - alpha_bar)).
    const ddpm::NoiseSchedule s = ddpm::NoiseSchedule::fromName("linear", 100);
    ddpm::OracleModel oracle(at::tensor(std::vector<double>{-1.0, 1.0}).view({2, 1}), 0.0, s, "two points");
    const at::Tensor xt = at::tensor(std::vector<double>{-0.7, 0.1, 0.4}).view({3, 1}).to(at::kFloat);
    const at::Tensor t = at::tensor(std::vector<std::int64_t>{10, 50, 90}, at::kLong);
    const at::Tensor eps = oracle.predict(xt, t);
    for (int i = 0; i < 3; ++i) {
        const double ab = s.alphaBar(t[i].item<int>());
        const double x = xt[i][0].item<double>();
        const double x0 = std::tanh(std::sqrt(ab) * x / (1 - ab));
        const double expected = (x - std::sqrt(ab) * x0) / std::sqrt(1 - ab);
        QVERIFY2(std::abs(eps[i][0].item<double>() - expected) < 1e-5, qPrintable(QString::number(i)));
    }
    // One Gaussian N(m, s^2): E[x_0 | x_t] = m + c s^2 / (c^2 s^2 + 1 - ab) (x_t - c m).
    ddpm::OracleModel gauss(at::tensor(std::vector<double>{0.5}).view({1, 1}), 0.3, s, "one Gaussian");
    const double ab = s.alphaBar(40), c = std::sqrt(ab);
    const double x0 = 0.5 + c * 0.09 / (ab * 0.09 + 1 - ab) * (1.2 - c * 0.5);
    const double e = gauss.predict(at::full({1, 1}, 1.2), at::full({1}, 40, at::kLong))[0][0].item<double>();
    QVERIFY(std::abs(e - (1.2 - c * x0) / std::sqrt(1 - ab)) < 1e-5);
    // Close to the data at small t, the oracle names the nearest item.
    ddpm::OracleModel points(at::tensor(std::vector<double>{0, 0, 3, 3, -2, 1}).view({3, 2}), 0.0, s, "three");
    const at::Tensor near = at::tensor(std::vector<double>{2.9, 3.05}).view({1, 2}).to(at::kFloat);
    const at::Tensor e1 = points.predict(near, at::full({1}, 1, at::kLong));
    ddpm::Diffusion d(s);
    const at::Tensor x0Hat = d.predictX0FromEps(near, at::full({1}, 1, at::kLong), e1);
    QVERIFY(at::allclose(x0Hat, at::tensor(std::vector<float>{3, 3}).view({1, 2}), 1e-3, 1e-3));
    QCOMPARE(points.itemShape(), std::vector<std::int64_t>{2});
    QVERIFY_EXCEPTION_THROWN(points.predict(at::zeros({1, 3}), at::full({1}, 1, at::kLong)), ddpm::Error);
}

void TestSampling::samplersWithTheOracleReproduceGaussians8_data()
{
    QTest::addColumn<QString>("sampler");
    QTest::addColumn<QString>("spacing");
    QTest::addColumn<double>("eta");
    QTest::newRow("ddpm 1000") << "ddpm" << "" << 0.0;
    QTest::newRow("ddpm 100") << "ddpm" << "100" << 0.0;
    QTest::newRow("ddim 50") << "ddim" << "ddim50" << 0.0;
    QTest::newRow("ddim 50 eta 1") << "ddim" << "trailing:50" << 1.0;
}

void TestSampling::samplersWithTheOracleReproduceGaussians8()
{
    QFETCH(QString, sampler);
    QFETCH(QString, spacing);
    QFETCH(double, eta);
    const ddpm::NoiseSchedule s = ddpm::NoiseSchedule::fromName("linear", 1000);
    std::unique_ptr<ddpm::DenoiseModel> oracle = ddpm::makeModel("oracle:toy:gaussians8", false, &s);
    ddpm::SamplingSpec spec;
    spec.sampler = sampler.toStdString();
    spec.spacing = spacing.toStdString();
    spec.eta = eta;
    ddpm::SamplingPlan plan(*oracle, spec);
    ddpm::Rng rng(21);
    const int n = 2400;
    const at::Tensor x = plan.sampler().sample({n, 2}, rng);
    const ModeStats m = modeStats(x, at::stack({at::cos(at::arange(8, at::kDouble) * (M_PI / 4)),
                                                at::sin(at::arange(8, at::kDouble) * (M_PI / 4))}, 1)
                                         * std::sqrt(2 * 0.99));
    // Equal shares: 300 each, binomial sd about 16.
    for (int c : m.counts) QVERIFY2(std::abs(c - n / 8) < 70, qPrintable(QString("mode count %1").arg(c)));
    // The right spread (0.1 per coordinate); fewer, noisier steps shrink it a little.
    QVERIFY2(m.spread > 0.07 && m.spread < 0.115, qPrintable(QString("spread %1").arg(m.spread)));
}

void TestSampling::planRefusesMismatchedChoices()
{
    AffineModel model;
    const ddpm::NoiseSchedule s = ddpm::NoiseSchedule::fromName("linear", 100);
    ddpm::SamplingSpec spec;
    QVERIFY_EXCEPTION_THROWN(ddpm::SamplingPlan(model, spec), ddpm::Error);   // no schedule anywhere
    spec.sampler = "euler";
    QVERIFY_EXCEPTION_THROWN(ddpm::SamplingPlan(model, spec, &s), ddpm::Error);
    spec.sampler = "ddpm";
    spec.eta = 0.5;
    QVERIFY_EXCEPTION_THROWN(ddpm::SamplingPlan(model, spec, &s), ddpm::Error);
    spec.sampler = "ddim";
    spec.variance = ddpm::VarianceKind::Large;
    QVERIFY_EXCEPTION_THROWN(ddpm::SamplingPlan(model, spec, &s), ddpm::Error);
    spec.variance.reset();
    spec.spacing = "ddim30";
    QVERIFY_EXCEPTION_THROWN(ddpm::SamplingPlan(model, spec, &s), ddpm::Error);
    spec.spacing = "25";
    ddpm::SamplingPlan plan(model, spec, &s);
    QCOMPARE(plan.steps(), 25);
    QCOMPARE(plan.timesteps().back(), 100);
    QCOMPARE(plan.originalSchedule().steps(), 100);
    QVERIFY(QString::fromStdString(plan.describe()).contains("25 of 100"));
}

void TestSampling::trajectoryKeepsEveryStepWithinItsBudget()
{
    // The stated bound: T = 1000 steps of 16 images of 28 x 28 keep every frame in 37.6 MB.
    QCOMPARE(ddpm::Trajectory::frameBytes(16, {1, 28, 28}) * 1001, std::size_t(3 * 16 * 784 * 1001));
    const ddpm::Diffusion d(ddpm::NoiseSchedule::fromName("linear", 40));
    AffineModel model;
    ddpm::SamplerOptions o;
    o.clipDenoised = true;
    ddpm::DdpmSampler sampler(d, model, o);
    std::vector<int> ts(40);
    for (int i = 0; i < 40; ++i) ts[static_cast<std::size_t>(i)] = i + 1;
    ddpm::Trajectory chain(4, {1, 6, 6}, ts);
    int seen = 0;
    std::vector<ddpm::StepStatistics> stats;
    ddpm::Rng rng(9);
    chain.run(sampler, rng, {}, nullptr, [&](const ddpm::TrajectoryFrame&) { ++seen; },
              [&](const ddpm::StepStatistics& s) { stats.push_back(s); });
    // Statistics of every step from the float tensors: x_T is N(0, I) noise, the first step
    // has no previous x_0 to change from, and the final sample ends the list.
    QCOMPARE(stats.size(), std::size_t(41));
    QCOMPARE(stats.front().step, 40);
    QVERIFY(std::isnan(stats.front().x0Change));
    QVERIFY2(std::abs(stats.front().xtStd - 1.0) < 0.2, qPrintable(QString::number(stats.front().xtStd)));
    QCOMPARE(stats.front().itemXtStd.size(), std::size_t(4));
    QVERIFY(stats[1].x0Change > 0 && std::isfinite(stats[1].x0Change));
    QCOMPARE(stats.back().step, 0);
    QVERIFY(std::isnan(stats.back().x0Change));
    QCOMPARE(chain.stride(), 1);
    QCOMPARE(static_cast<int>(chain.frames().size()), 41);
    QCOMPARE(seen, 41);
    QCOMPARE(chain.bytes(), ddpm::Trajectory::frameBytes(4, {1, 6, 6}) * 40 + 4 * 36); // the last frame has x_t only
    const ddpm::TrajectoryFrame& first = chain.frames().front();
    QCOMPARE(first.step, 40);
    QCOMPARE(first.t, 40);
    QCOMPARE(first.xt.scalar_type(), at::kByte);
    QCOMPARE(first.xt.sizes().vec(), (std::vector<std::int64_t>{4, 1, 6, 6}));
    QCOMPARE(chain.frames().back().step, 0);
    // The same seed without a recorder gives the same samples.
    ddpm::Rng again(9);
    const at::Tensor x = sampler.sample({4, 1, 6, 6}, again);
    QVERIFY(at::equal(x, chain.samples()));
}

void TestSampling::trajectoryRecomputesBetweenKeyFrames()
{
    const ddpm::Diffusion d(ddpm::NoiseSchedule::fromName("linear", 60));
    AffineModel model;
    ddpm::SamplerOptions o;
    ddpm::DdpmSampler sampler(d, model, o);
    std::vector<int> ts(60);
    for (int i = 0; i < 60; ++i) ts[static_cast<std::size_t>(i)] = i + 1;
    ddpm::Trajectory full(2, {1, 8, 8}, ts);
    ddpm::Rng a(3);
    full.run(sampler, a);
    // A budget of about ten frames: every k-th step is stored, the rest recomputed.
    const std::size_t budget = 10 * ddpm::Trajectory::frameBytes(2, {1, 8, 8});
    ddpm::Trajectory small(2, {1, 8, 8}, ts, budget);
    ddpm::Rng b(3);
    small.run(sampler, b);
    QVERIFY2(small.stride() > 1, qPrintable(QString::number(small.stride())));
    QVERIFY2(small.bytes() <= budget + 2 * 8192, qPrintable(QString("%1 > %2").arg(small.bytes()).arg(budget)));
    for (int k : {60, 59, 37, 12, 1, 0}) {
        const ddpm::TrajectoryFrame want = full.frameAt(k, sampler);
        const ddpm::TrajectoryFrame got = small.frameAt(k, sampler);
        QCOMPARE(got.step, k);
        QVERIFY2(at::equal(got.xt, want.xt), qPrintable(QString("x_t at step %1").arg(k)));
        if (k > 0) QVERIFY2(at::equal(got.x0, want.x0), qPrintable(QString("x_0 at step %1").arg(k)));
    }
    QVERIFY_EXCEPTION_THROWN(small.frameAt(61, sampler), ddpm::Error);
    QVERIFY(small.stores(60) && small.stores(0) && !small.stores(59));

    // Without its stored frames (the GUI copies them out) every step is recomputed, the same.
    const std::size_t before = small.bytes();
    small.releaseStoredFrames();
    QVERIFY(small.bytes() < before);
    QVERIFY(small.frames().empty());
    for (int k : {60, 59, 37, 1, 0}) {
        const ddpm::TrajectoryFrame want = full.frameAt(k, sampler);
        const ddpm::TrajectoryFrame got = small.frameAt(k, sampler);
        QVERIFY2(at::equal(got.xt, want.xt), qPrintable(QString("x_t at step %1 after the release").arg(k)));
        if (k > 0) QVERIFY2(at::equal(got.eps, want.eps), qPrintable(QString("eps at step %1").arg(k)));
    }
}

namespace {

/// Two 4 x 4 gray images, far apart: all -0.8 and a checkerboard of +-0.9.
at::Tensor twoImages()
{
    const at::Tensor a = at::full({1, 1, 4, 4}, -0.8);
    const at::Tensor b = (at::arange(16).remainder(2) * 1.8 - 0.9).view({1, 1, 4, 4});
    return at::cat({a, b}, 0).to(at::kFloat);
}

double distance(const at::Tensor& x, const at::Tensor& y)
{
    return (x - y).abs().max().item<double>();
}

} // namespace

void TestSampling::samplesSharingXtKeepTheImageAtSmallT()
{
    // Fig. 7 with the oracle of two images: from an x_t of image A at small t every chain
    // returns A; from t = T (pure noise) both images come back.
    const ddpm::NoiseSchedule s = ddpm::NoiseSchedule::fromName("linear", 1000);
    const at::Tensor images = twoImages();
    ddpm::OracleModel oracle(images, 0.0, s, "two images");
    ddpm::SamplingSpec spec;
    spec.sampler = "ddpm"; // stochastic: DDIM with eta 0 would map one x_t to one sample
    spec.spacing = "50";
    ddpm::SamplingPlan plan(oracle, spec);
    ddpm::Rng rng(2);
    const std::vector<at::Tensor> out = ddpm::samplesSharingXt(plan.sampler(), images.narrow(0, 0, 1), {5, 50}, 64, rng);
    QCOMPARE(out.size(), std::size_t(2));
    for (std::int64_t i = 0; i < 64; ++i) QVERIFY(distance(out[0][i], images[0]) < 1e-3);
    int a = 0, b = 0;
    for (std::int64_t i = 0; i < 64; ++i) {
        a += distance(out[1][i], images[0]) < 1e-2;
        b += distance(out[1][i], images[1]) < 1e-2;
    }
    QCOMPARE(a + b, 64);
    QVERIFY2(a > 10 && b > 10, qPrintable(QString("%1 A, %2 B").arg(a).arg(b)));
    QVERIFY_EXCEPTION_THROWN(ddpm::samplesSharingXt(plan.sampler(), images, {5}, 2, rng), ddpm::Error);
    QVERIFY_EXCEPTION_THROWN(ddpm::samplesSharingXt(plan.sampler(), images.narrow(0, 0, 1), {51}, 2, rng), ddpm::Error);
}

void TestSampling::interpolationEndsAtBothImages()
{
    const ddpm::NoiseSchedule s = ddpm::NoiseSchedule::fromName("linear", 1000);
    const at::Tensor images = twoImages();
    ddpm::OracleModel oracle(images, 0.0, s, "two images");
    ddpm::SamplingSpec spec;
    spec.sampler = "ddim";
    spec.spacing = "50";
    ddpm::SamplingPlan plan(oracle, spec);
    ddpm::Rng rng(8);
    const at::Tensor out = ddpm::interpolateThroughXt(plan.sampler(), images.narrow(0, 0, 1), images.narrow(0, 1, 1), 10,
                                                      {0.0, 0.5, 1.0}, rng);
    QCOMPARE(out.size(0), 3);
    QVERIFY(distance(out[0], images[0]) < 1e-3);
    QVERIFY(distance(out[2], images[1]) < 1e-3);
}

void TestSampling::rateDistortionTradesBitsForError()
{
    const ddpm::Diffusion d(ddpm::NoiseSchedule::fromName("linear", 100));
    ddpm::ZeroNoiseModel zero;
    const at::Tensor x0 = twoImages();
    ddpm::BoundOptions options;
    const std::vector<ddpm::RateDistortionPoint> rd = ddpm::rateDistortion(d, zero, x0, {1, 100, 50, 10}, options);
    QCOMPARE(rd.size(), std::size_t(5));
    QCOMPARE(rd.front().t, 100);
    QCOMPARE(rd.back().t, 0);
    const ddpm::BoundResult bound = ddpm::evaluateBound(d, zero, x0, options);
    QVERIFY(std::abs(rd.front().rateBpd - bound.priorBpd) < 1e-9);         // only x_T sent
    QVERIFY(std::abs(rd.back().rateBpd - bound.totalBpd) < 1e-9);          // everything sent
    QCOMPARE(rd.back().distortion, 0.0);
    for (std::size_t i = 1; i < rd.size(); ++i) {
        QVERIFY2(rd[i].rateBpd >= rd[i - 1].rateBpd, qPrintable(QString("rate at t = %1").arg(rd[i].t)));
        QVERIFY2(rd[i].distortion <= rd[i - 1].distortion + 1e-6, qPrintable(QString("distortion at t = %1").arg(rd[i].t)));
    }
    QVERIFY(rd[3].distortion < 0.3 * rd[0].distortion); // t = 1 against t = T, on 0..255
    QVERIFY(rd[0].distortion > 50);
}

QTEST_APPLESS_MAIN(TestSampling)
#include "test_sampling.moc"
