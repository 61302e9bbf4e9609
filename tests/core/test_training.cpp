// Training building blocks: presets, parameterisations, the bound's batched terms, losses,
// t-sampling, AdamW, and the trainer (loss falls, exact resume, divergence stops cleanly).
#include <ATen/ATen.h>
#include <torch/nn/module.h>

#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <limits>

#include "ddpm/bound.h"
#include "ddpm/checkpoint.h"
#include "ddpm/diffusion.h"
#include "ddpm/error.h"
#include "ddpm/flat_adamw.h"
#include "ddpm/losses.h"
#include "ddpm/model.h"
#include "ddpm/model_config.h"
#include "ddpm/network_model.h"
#include "ddpm/rng.h"
#include "ddpm/runtime.h"
#include "ddpm/sampler.h"
#include "ddpm/timestep_sampler.h"
#include "ddpm/trainer.h"
#include "tiny_data.h"
#include "tiny_runs.h"

using ddpm::Prediction;
using ddpm::VarianceKind;
using ddpm::test::grayImages;

Q_DECLARE_METATYPE(ddpm::Prediction)
Q_DECLARE_METATYPE(ddpm::VarianceKind)

namespace {

double maxAbsDiff(const at::Tensor& a, const at::Tensor& b)
{
    return (a.to(at::kDouble) - b.to(at::kDouble)).abs().max().item<double>();
}

at::Tensor longs(std::vector<std::int64_t> v)
{
    return at::tensor(v, at::kLong);
}

/// n 2-D points of eight Gaussians (drawn with the default seed), as a training set.
ddpm::TrainingData toyData(std::int64_t n = 512)
{
    return ddpm::test::firstItems(ddpm::test::tinyMlpConfig(50), n);
}

ddpm::TrainConfig toyConfig()
{
    ddpm::TrainConfig c = ddpm::test::tinyMlpConfig(50);
    c.batch = 32;
    c.steps = 1000;
    c.warmup = 5;
    c.lr = 1e-3;
    c.seed = 3;
    return c;
}

} // namespace

class TestTraining : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { ddpm::setThreadCount(1); }

    void tinyUnetIsImprovedDiffusionsSmallConfig();
    void tinyMlpIsThePeerNet();
    void presetsRefuseWhatTheyCannotTake();
    void modelConfigJsonRoundTrip();
    void interpretRecoversTheTruth_data();
    void interpretRecoversTheTruth();
    void learnedRangeStaysBetweenTheFixedVariances();
    void interpretRefusesWrongShapes();
    void vbTermsMatchEvaluateBound();
    void lossesAndTheirRefusals();
    void simpleLossGradientEqualsTensorChain();
    void importanceSamplingFollowsLossHistory();
    void flatAdamWFollowsTheFormula();
    void tinyRunLossFalls();
    void resumeIsExact();
    void emaFollowsItsWarmUp();
    void divergenceStopsCleanly();
    void everyParameterisationTrainsAndBounds_data();
    void everyParameterisationTrainsAndBounds();
    void checkpointOfAnotherArchitectureIsRefused();
    void bf16LossCurveFollowsFp32();
    void samplerStepReportsPredictions();
};

void TestTraining::tinyUnetIsImprovedDiffusionsSmallConfig()
{
    const ddpm::ModelConfig c = ddpm::modelPreset(ddpm::ModelConfig::Kind::UNet, "tiny", 1, 28, 1);
    QCOMPARE(c.unet.baseChannels, 32);
    QCOMPARE(c.unet.channelMults, (std::vector<int>{1, 2, 2}));
    QCOMPARE(c.unet.numResBlocks, 1);
    QCOMPARE(c.unet.attentionResolutions, std::vector<int>{7});
    QCOMPARE(c.unet.groups, 32);
    QCOMPARE(c.unet.dropout, 0.0);
    QCOMPARE(ddpm::parameterCount(c), std::int64_t(1112801));
    // Layer by layer as improved-diffusion builds it: 1 + 3 per level down (minus the last
    // downsample), 2 in the middle and 2 per level up ResBlocks; attention at 7 x 7 (level 2:
    // one down, two up) and in the middle; every ResBlock output conv and attention projection
    // zero-initialised with the output conv.
    const ddpm::Network net = ddpm::buildNetwork(c);
    int resBlocks = 0, attention = 0, zeroWeights = 0;
    const std::string outConv = "out_conv.weight";
    for (const auto& item : net.module->named_parameters()) {
        const std::string& name = item.key();
        const bool endsOutConv = name.size() >= outConv.size()
            && name.compare(name.size() - outConv.size(), outConv.size(), outConv) == 0;
        if (endsOutConv && name != outConv) ++resBlocks;  // every ResBlock has one; the net's own is top level
        if (name.find(".qkv.weight") != std::string::npos) ++attention;
        if (name.find("bias") == std::string::npos && item.value().abs().max().item<double>() == 0.0) ++zeroWeights;
    }
    QCOMPARE(resBlocks, 3 + 2 + 6);  // down 3, middle 2, up 3 x 2
    QCOMPARE(attention, 1 + 1 + 2);              // down at 7x7, middle, up at 7x7 twice
    QCOMPARE(zeroWeights, 11 + 4 + 1);           // ResBlocks, attention projections, output conv
    // Learned variance doubles the output.
    const ddpm::ModelConfig learned = ddpm::modelPreset(ddpm::ModelConfig::Kind::UNet, "tiny", 1, 28, 2);
    QCOMPARE(ddpm::parameterCount(learned), std::int64_t(1112801 + 9 * 32 + 1));
}

void TestTraining::tinyMlpIsThePeerNet()
{
    const ddpm::ModelConfig c = ddpm::modelPreset(ddpm::ModelConfig::Kind::MLP, "tiny", 2, 0, 2);
    QVERIFY(c.mlp.concatTime);
    QCOMPARE(ddpm::parameterCount(c), std::int64_t(37762));
    QVERIFY(ddpm::parameterCount(ddpm::modelPreset(ddpm::ModelConfig::Kind::MLP, "base", 2, 0, 2)) > 37762);
}

void TestTraining::presetsRefuseWhatTheyCannotTake()
{
    QVERIFY_THROWS_EXCEPTION(ddpm::Error, ddpm::modelPreset(ddpm::ModelConfig::Kind::UNet, "huge", 1, 28, 1));
    QVERIFY_THROWS_EXCEPTION(ddpm::Error, ddpm::modelPreset(ddpm::ModelConfig::Kind::UNet, "tiny", 1, 30, 1));
    QVERIFY_THROWS_EXCEPTION(ddpm::Error, ddpm::modelPreset(ddpm::ModelConfig::Kind::UNet, "cifar10", 3, 28, 3));
    const ddpm::ModelConfig cifar = ddpm::modelPreset(ddpm::ModelConfig::Kind::UNet, "cifar10", 3, 32, 3);
    QCOMPARE(cifar.unet.attentionResolutions, std::vector<int>{16});
    QVERIFY_THROWS_EXCEPTION(ddpm::Error, ddpm::parseModelKind("cnn"));
}

void TestTraining::modelConfigJsonRoundTrip()
{
    for (const auto& c : {ddpm::modelPreset(ddpm::ModelConfig::Kind::UNet, "small", 3, 32, 6),
                          ddpm::modelPreset(ddpm::ModelConfig::Kind::MLP, "tiny", 2, 0, 4)}) {
        const ddpm::ModelConfig back = ddpm::ModelConfig::fromJson(c.toJson());
        QCOMPARE(back.toJson(), c.toJson());
    }
    QVERIFY_THROWS_EXCEPTION(ddpm::Error, ddpm::ModelConfig::fromJson("{\"kind\": \"unet\"}"));
    QVERIFY_THROWS_EXCEPTION(ddpm::Error, ddpm::ModelConfig::fromJson("not json"));
}

void TestTraining::interpretRecoversTheTruth_data()
{
    QTest::addColumn<Prediction>("prediction");
    QTest::newRow("eps") << Prediction::Epsilon;
    QTest::newRow("x0") << Prediction::X0;
    QTest::newRow("v") << Prediction::V;
}

void TestTraining::interpretRecoversTheTruth()
{
    // A net that outputs its training target exactly gives back the true x_0 and eps.
    QFETCH(Prediction, prediction);
    const ddpm::Diffusion d(ddpm::NoiseSchedule::fromName("cosine", 200));
    ddpm::Rng rng(1);
    const at::Tensor x0 = rng.normal({6, 1, 3, 3}, at::kDouble).clamp(-1, 1);
    const at::Tensor eps = rng.normal({6, 1, 3, 3}, at::kDouble);
    const at::Tensor t = longs({1, 2, 50, 100, 199, 200});
    const at::Tensor xt = d.qSample(x0, t, eps);
    const at::Tensor target = d.trainingTarget(prediction, x0, t, eps);
    const ddpm::Denoised r = d.interpret({prediction, VarianceKind::Small}, target, xt, t, false);
    QVERIFY2(maxAbsDiff(r.x0, x0) < 1e-8, qPrintable(QString::number(maxAbsDiff(r.x0, x0))));
    QVERIFY2(maxAbsDiff(r.eps, eps) < 1e-8, qPrintable(QString::number(maxAbsDiff(r.eps, eps))));
    // The posterior mean at the true x_0 is p_theta's mean, whatever the prediction.
    const ddpm::ReverseGaussian p = d.pMeanVariance({prediction, VarianceKind::Large}, target, xt, t, false);
    QVERIFY(maxAbsDiff(p.p.mean, d.qPosterior(x0, xt, t).mean) < 1e-8);
    // Clipping keeps eps consistent with the clamped x_0.
    const ddpm::Denoised c = d.interpret({prediction, VarianceKind::Small}, target * 3.0, xt, t, true);
    QVERIFY(c.x0.abs().max().item<double>() <= 1.0);
    QVERIFY(maxAbsDiff(d.predictX0FromEps(xt, t, c.eps), c.x0) < 1e-6);
}

void TestTraining::learnedRangeStaysBetweenTheFixedVariances()
{
    const ddpm::Diffusion d(ddpm::NoiseSchedule::fromName("linear", 100));
    const at::Tensor t = longs({2, 50, 100});
    const at::Tensor like = at::zeros({3, 1, 2, 2}, at::kDouble);
    const ddpm::Gaussian small = d.reverseVariance(VarianceKind::Small, {}, t, like);
    const at::Tensor logBeta = d.extract(ddpm::Quantity::Beta, t, like).log();
    const at::Tensor lo = d.reverseVariance(VarianceKind::LearnedRange, at::full({3, 1, 2, 2}, -1.0, at::kDouble), t, like).logVariance;
    const at::Tensor hi = d.reverseVariance(VarianceKind::LearnedRange, at::full({3, 1, 2, 2}, 1.0, at::kDouble), t, like).logVariance;
    QVERIFY(maxAbsDiff(lo, small.logVariance.expand_as(lo)) < 1e-12);
    QVERIFY(maxAbsDiff(hi, logBeta.expand_as(hi)) < 1e-12);
    const at::Tensor learned = d.reverseVariance(VarianceKind::Learned, at::full({3, 1, 2, 2}, -3.0, at::kDouble), t, like).variance;
    QVERIFY(std::fabs(learned.max().item<double>() - std::exp(-3.0)) < 1e-12);
    // Large: beta~_2 at t = 1 (the one place the rule lives).
    const ddpm::NoiseSchedule& s = d.schedule();
    QCOMPARE(ddpm::fixedLogVariance(s, VarianceKind::Large)[0], std::log(s.at(ddpm::Quantity::PosteriorVariance, 2)));
    QVERIFY_THROWS_EXCEPTION(ddpm::Error, ddpm::fixedLogVariance(s, VarianceKind::Learned));
}

void TestTraining::interpretRefusesWrongShapes()
{
    const ddpm::Diffusion d(ddpm::NoiseSchedule::fromName("linear", 100));
    const at::Tensor xt = at::zeros({2, 1, 4, 4});
    const at::Tensor t = longs({5, 6});
    QVERIFY_THROWS_EXCEPTION(ddpm::Error, d.interpret({Prediction::Epsilon, VarianceKind::Learned}, xt, xt, t, false));
    QVERIFY_THROWS_EXCEPTION(ddpm::Error, d.interpret({Prediction::Epsilon, VarianceKind::Small}, at::zeros({2, 2, 4, 4}), xt, t, false));
    QVERIFY_THROWS_EXCEPTION(ddpm::Error, d.interpret({Prediction::Epsilon, VarianceKind::Small}, xt, xt, longs({0, 5}), false));
    QCOMPARE(ddpm::parsePrediction("v"), Prediction::V);
    QCOMPARE(ddpm::parseVarianceKind("learned-range"), VarianceKind::LearnedRange);
    QVERIFY_THROWS_EXCEPTION(ddpm::Error, ddpm::parsePrediction("score"));
}

void TestTraining::vbTermsMatchEvaluateBound()
{
    // evaluateBound is a loop over vbTermsBpd: for the zero model with one timestep per call
    // its per-t terms equal the batched function's on the same x_t.
    const ddpm::Diffusion d(ddpm::NoiseSchedule::fromName("cosine", 20));
    ddpm::Rng rng(2);
    const at::Tensor x0 = (rng.integers(0, 255, {1, 1, 4, 4}).to(at::kDouble) / 127.5 - 1.0);
    ddpm::ZeroNoiseModel zero;
    ddpm::BoundOptions options;
    options.seed = 5;
    const ddpm::BoundResult r = ddpm::evaluateBound(d, zero, x0, options);
    // Batched over all t at once with fresh noise: the L_0 row is the decoder, others KLs.
    const at::Tensor t = at::arange(1, 21, at::kLong);
    const at::Tensor x0s = x0.repeat({20, 1, 1, 1});
    const at::Tensor noise = rng.normal(x0s.sizes(), at::kDouble);
    const at::Tensor xt = d.qSample(x0s, t, noise);
    const at::Tensor terms = ddpm::vbTermsBpd(d, zero.parameterization(), at::zeros_like(xt), x0s, xt, t, false);
    QCOMPARE(terms.size(0), std::int64_t(20));
    QVERIFY(at::isfinite(terms).all().item<bool>());
    // For the zero model, L_{t-1} = C_t + w_t * L_simple exactly (Eq. 12), per row.
    const std::vector<double> w = ddpm::lSimpleWeights(d.schedule(), VarianceKind::Small);
    const at::Tensor lSimple = noise.pow(2).reshape({20, -1}).mean(1);
    for (int i = 1; i < 20; ++i) {
        const double kl = terms[i].item<double>();
        // The same decomposition evaluateBound's result obeys.
        const double c = r.termsBpd[i] - w[i] * r.lSimple[i] / std::log(2.0);
        const double mine = c + w[i] * lSimple[i].item<double>() / std::log(2.0);
        QVERIFY2(std::fabs(kl - mine) < 1e-9, qPrintable(QString("t=%1 %2 %3").arg(i + 1).arg(kl).arg(mine)));
    }
}

void TestTraining::lossesAndTheirRefusals()
{
    const ddpm::Diffusion d(ddpm::NoiseSchedule::fromName("linear", 100));
    ddpm::Rng rng(3);
    const at::Tensor x0 = rng.normal({4, 1, 4, 4}).clamp(-1, 1);
    const at::Tensor noise = rng.normal({4, 1, 4, 4});
    const at::Tensor t = longs({1, 10, 50, 100});
    const at::Tensor xt = d.qSample(x0, t, noise);
    // A perfect v-prediction has zero L_simple.
    ddpm::LossInputs in{x0, noise, xt, t, d.trainingTarget(Prediction::V, x0, t, noise)};
    const at::Tensor simple = ddpm::trainingLoss(d, {Prediction::V, VarianceKind::Small}, ddpm::LossKind::Simple, in);
    QCOMPARE(simple.sizes(), (c10::IntArrayRef{4}));
    QVERIFY(simple.abs().max().item<double>() < 1e-10);
    // Hybrid: L_simple + 0.001 T L_vlb, and the bound term's gradient reaches only the variance half.
    at::Tensor output = at::cat({noise, at::zeros_like(noise)}, 1).requires_grad_(true);
    in.output = output;
    const ddpm::Parameterization learned{Prediction::Epsilon, VarianceKind::LearnedRange};
    const at::Tensor hybrid = ddpm::trainingLoss(d, learned, ddpm::LossKind::Hybrid, in);
    hybrid.sum().backward();
    QVERIFY(output.grad().narrow(1, 0, 1).abs().max().item<double>() < 1e-12); // eps is exact: mse gradient 0
    QVERIFY(output.grad().narrow(1, 1, 1).abs().max().item<double>() > 0);
    const at::Tensor vlb = ddpm::trainingLoss(d, learned, ddpm::LossKind::Vlb, in);
    QVERIFY(at::isfinite(vlb).all().item<bool>());
    QVERIFY_THROWS_EXCEPTION(ddpm::Error, ddpm::checkLossFits(ddpm::LossKind::Simple, learned));
    QVERIFY_THROWS_EXCEPTION(ddpm::Error, ddpm::checkLossFits(ddpm::LossKind::Hybrid, {}));
    QVERIFY_THROWS_EXCEPTION(ddpm::Error, ddpm::parseLossKind("l1"));
}

void TestTraining::simpleLossGradientEqualsTensorChain()
{
    // L_simple on float32 CPU outputs is one autograd node with a one-pass backward; its loss
    // and gradient must be those of the tensor chain (target - output)^2 -> mean per item, to
    // the bit, for images (784 values an item) and points (2), under a weighted mean.
    const ddpm::Diffusion d(ddpm::NoiseSchedule::fromName("linear", 100));
    ddpm::Rng rng(9);
    for (const std::vector<std::int64_t>& shape : {std::vector<std::int64_t>{5, 1, 28, 28}, std::vector<std::int64_t>{256, 2}}) {
        const std::int64_t batch = shape[0];
        const at::Tensor x0 = rng.normal(shape).clamp(-1, 1);
        const at::Tensor noise = rng.normal(shape);
        const at::Tensor t = rng.integers(1, 100, {batch});
        const at::Tensor xt = d.qSample(x0, t, noise);
        const at::Tensor raw = rng.normal(shape);
        const at::Tensor weights = rng.normal({batch}).abs();
        at::Tensor ours = raw.clone().requires_grad_(true);
        const at::Tensor loss = ddpm::trainingLoss(d, {}, ddpm::LossKind::Simple, {x0, noise, xt, t, ours});
        QVERIFY2(QString::fromStdString(loss.grad_fn()->name()).contains(QStringLiteral("ItemMse")),
                 loss.grad_fn()->name().c_str()); // the one-node path, not the chain it is compared with
        (loss * weights).mean().backward();
        at::Tensor theirs = raw.clone().requires_grad_(true);
        const at::Tensor chain = (noise - theirs).pow(2).reshape({batch, -1}).mean(1);
        (chain * weights).mean().backward();
        QVERIFY(at::equal(loss.detach(), chain.detach()));
        QVERIFY2(at::equal(ours.grad(), theirs.grad()),
                 qPrintable(QString::number((ours.grad() - theirs.grad()).abs().max().item<double>())));
    }
}

void TestTraining::importanceSamplingFollowsLossHistory()
{
    ddpm::TimestepSampler s(ddpm::TimestepSampling::Importance, 10);
    ddpm::Rng rng(4);
    QVERIFY(!s.warmedUp());
    ddpm::TimestepSampler::Draw d = s.draw(rng, 100);
    QVERIFY(!d.weights.defined()); // uniform until warmed up: every weight 1, none stored
    QCOMPARE(d.t.size(0), std::int64_t(100));
    for (int k = 0; k < ddpm::TimestepSampler::kHistory; ++k) {
        const at::Tensor t = at::arange(1, 11, at::kLong);
        s.update(t, t.to(at::kDouble)); // loss grows with t
    }
    QVERIFY(s.warmedUp());
    const std::vector<double> p = s.probabilities();
    double sum = 0;
    for (double v : p) sum += v;
    QVERIFY(std::fabs(sum - 1.0) < 1e-12);
    QVERIFY(p[9] > 5 * p[0]);
    d = s.draw(rng, 4000);
    QVERIFY(d.t.min().item<std::int64_t>() >= 1 && d.t.max().item<std::int64_t>() <= 10);
    // Weights 1 / (T p_t) keep the weighted loss unbiased: E[w] = 1.
    QVERIFY(std::fabs(d.weights.to(at::kDouble).mean().item<double>() - 1.0) < 0.1);
    QVERIFY((d.t == 10).sum().item<std::int64_t>() > (d.t == 1).sum().item<std::int64_t>() * 3);
    QVERIFY_THROWS_EXCEPTION(ddpm::Error, s.restore(at::zeros({3, 10}, at::kDouble), at::zeros({3}, at::kLong)));
}

void TestTraining::flatAdamWFollowsTheFormula()
{
    auto module = std::make_shared<torch::nn::Module>();
    at::Tensor a = module->register_parameter("a", at::tensor({1.0f, -2.0f}));
    at::Tensor b = module->register_parameter("b", at::tensor({0.5f}));
    ddpm::FlatAdamW opt(*module, {0.9, 0.999, 1e-8, 0.1});
    QCOMPARE(opt.parameters().numel(), std::int64_t(3));
    // The module's parameters are views of the flat buffer.
    QCOMPARE(module->parameters()[0].data_ptr<float>(), opt.parameters().data_ptr<float>());
    const at::Tensor g = at::tensor({0.1f, 0.2f, -0.3f});
    opt.step(g, 0.01);
    opt.step(g, 0.01);
    // Reference for parameter value x with constant gradient g over two steps.
    auto reference = [](double x, double gr) {
        double m = 0, v = 0;
        for (int k = 1; k <= 2; ++k) {
            x *= 1 - 0.01 * 0.1;
            m = 0.9 * m + 0.1 * gr;
            v = 0.999 * v + 0.001 * gr * gr;
            x -= 0.01 / (1 - std::pow(0.9, k)) * m / (std::sqrt(v) / std::sqrt(1 - std::pow(0.999, k)) + 1e-8);
        }
        return x;
    };
    QVERIFY(std::fabs(module->parameters()[0][0].item<double>() - reference(1.0, 0.1)) < 1e-6);
    QVERIFY(std::fabs(module->parameters()[1][0].item<double>() - reference(0.5, -0.3)) < 1e-6);
    QCOMPARE(opt.stepCount(), std::int64_t(2));
    QVERIFY_THROWS_EXCEPTION(ddpm::Error, opt.restore(at::zeros({2}), at::zeros({3}), at::zeros({3}), 1));

    // A buffer over several of the CPU loop's chunks, on two threads, against the update
    // written as whole-tensor operations in float64.
    ddpm::setThreadCount(2);
    auto big = std::make_shared<torch::nn::Module>();
    ddpm::Rng rng(12);
    big->register_parameter("w", rng.normal({150001}));
    const at::Tensor start = big->parameters()[0].detach().to(at::kDouble);
    ddpm::FlatAdamW wide(*big, {0.9, 0.999, 1e-8, 0.01});
    at::Tensor x = start.clone(), m = at::zeros_like(x), v = at::zeros_like(x);
    for (int k = 1; k <= 3; ++k) {
        const at::Tensor grad = rng.normal({150001});
        wide.step(grad, 1e-3);
        const at::Tensor g = grad.to(at::kDouble);
        x.mul_(1 - 1e-3 * 0.01);
        m = 0.9 * m + 0.1 * g;
        v = 0.999 * v + 0.001 * g * g;
        x -= 1e-3 / (1 - std::pow(0.9, k)) * m / (v.sqrt() / std::sqrt(1 - std::pow(0.999, k)) + 1e-8);
    }
    ddpm::setThreadCount(1);
    const double err = (wide.parameters().to(at::kDouble) - x).abs().max().item<double>();
    QVERIFY2(err < 1e-5, qPrintable(QString::number(err)));
    QVERIFY((wide.parameters().to(at::kDouble) - start).abs().min().item<double>() > 0); // every value moved

    // A gradient the loop does not take (here strided) goes through whole-tensor operations:
    // the same update within float32 rounding.
    auto other = std::make_shared<torch::nn::Module>();
    other->register_parameter("w", wide.parameters().detach().clone());
    ddpm::FlatAdamW whole(*other, {0.9, 0.999, 1e-8, 0.01});
    whole.restore(wide.parameters(), wide.firstMoment(), wide.secondMoment(), wide.stepCount());
    const at::Tensor grad = rng.normal({150001});
    const at::Tensor strided = at::stack({grad, grad}, 1).select(1, 0);
    QVERIFY(!strided.is_contiguous());
    whole.step(strided, 1e-3);
    wide.step(grad, 1e-3);
    // A value or two may round one ulp apart: compare relative to the buffer's largest value.
    const auto relativeGap = [](const at::Tensor& a, const at::Tensor& b) {
        return (a - b).abs().max().item<double>() / b.abs().max().item<double>();
    };
    const double paramsGap = relativeGap(whole.parameters(), wide.parameters());
    QVERIFY2(paramsGap < 1e-6, qPrintable(QString::number(paramsGap)));
    QVERIFY(relativeGap(whole.firstMoment(), wide.firstMoment()) < 1e-6);
    QVERIFY(relativeGap(whole.secondMoment(), wide.secondMoment()) < 1e-6);
}

void TestTraining::tinyRunLossFalls()
{
    ddpm::Trainer trainer(toyConfig(), toyData());
    double first = 0, last = 0;
    const int n = 400;
    for (int i = 0; i < n; ++i) {
        const ddpm::StepReport r = trainer.step();
        QVERIFY(std::isfinite(r.loss) && std::isfinite(r.gradNorm));
        QCOMPARE(r.step, std::int64_t(i + 1));
        if (i < 50) first += r.loss / 50;
        if (i >= n - 50) last += r.loss / 50;
        int inBuckets = 0;
        for (double b : r.bucketLoss) inBuckets += std::isnan(b) ? 0 : 1;
        QVERIFY(inBuckets >= 1);
    }
    QVERIFY2(last < 0.8 * first, qPrintable(QString("first %1 last %2").arg(first).arg(last)));
    QCOMPARE(trainer.config().steps, 1000LL);
}

void TestTraining::resumeIsExact()
{
    // N steps + checkpoint (serialised and parsed back) + a new trainer + N steps is bitwise
    // 2N straight steps, with importance sampling's history and the data order included.
    ddpm::TrainConfig c = toyConfig();
    c.tSampling = "importance";
    c.schedule = "cosine";
    c.diffusionSteps = 4;  // warms the importance sampler up within the run
    ddpm::Trainer straight(c, toyData(100));
    std::vector<double> losses;
    for (int i = 0; i < 40; ++i) losses.push_back(straight.step().loss);

    ddpm::Trainer first(c, toyData(100));
    for (int i = 0; i < 20; ++i) first.step();
    const std::string bytes = ddpm::serializeCheckpoint(first.checkpoint());
    ddpm::Trainer resumed(ddpm::parseCheckpoint(bytes, "memory"), toyData(100));
    QCOMPARE(resumed.stepCount(), 20LL);
    for (int i = 20; i < 40; ++i)
        QCOMPARE(resumed.step().loss, losses[static_cast<std::size_t>(i)]);
    QVERIFY(at::equal(resumed.checkpoint().tensor("params"), straight.checkpoint().tensor("params")));
    QVERIFY(at::equal(resumed.checkpoint().tensor("ema"), straight.checkpoint().tensor("ema")));
    // Other data is refused.
    QVERIFY_THROWS_EXCEPTION(ddpm::Error, ddpm::Trainer(ddpm::parseCheckpoint(bytes, "memory"), toyData(90)));
}

// The EMA starts at the initial weights and moves with decay min(emaDecay, (1 + n) / (10 + n))
// at step n (improved DDPM's warm-up), so a short run's EMA is not stuck near initialisation.
void TestTraining::emaFollowsItsWarmUp()
{
    ddpm::TrainConfig c = toyConfig();
    c.emaDecay = 0.2; // the warm-up (1 + n) / (10 + n) is below it at n = 0, 1 and above it from n = 2
    ddpm::Trainer trainer(c, toyData());
    at::Tensor ema = trainer.checkpoint().tensor("params").to(at::kDouble);
    QVERIFY(at::equal(trainer.checkpoint().tensor("ema"), trainer.checkpoint().tensor("params")));
    for (int n = 0; n < 3; ++n) {
        trainer.step();
        const double decay = std::min(c.emaDecay, (1.0 + n) / (10.0 + n));
        ema = decay * ema + (1 - decay) * trainer.checkpoint().tensor("params").to(at::kDouble);
        const double err = (trainer.checkpoint().tensor("ema").to(at::kDouble) - ema).abs().max().item<double>();
        QVERIFY2(err < 1e-6, qPrintable(QString("step %1: %2").arg(n + 1).arg(err)));
    }
}

void TestTraining::divergenceStopsCleanly()
{
    ddpm::TrainingData data = toyData(64);
    data.items[3][0] = std::numeric_limits<float>::infinity();
    ddpm::TrainConfig c = toyConfig();
    c.batch = 64;
    ddpm::Trainer trainer(c, data);
    const at::Tensor before = trainer.model().module().parameters()[0].clone();
    try {
        trainer.step();
        QFAIL("a non-finite loss did not stop training");
    } catch (const ddpm::TrainingDiverged& e) {
        QVERIFY2(QString(e.what()).contains("step 1"), e.what());
    }
    QVERIFY(at::equal(before, trainer.model().module().parameters()[0]));  // not applied
    QVERIFY_THROWS_EXCEPTION(ddpm::TrainingDiverged, trainer.checkpoint()); // never saved
    QVERIFY_THROWS_EXCEPTION(ddpm::TrainingDiverged, trainer.step());
}

void TestTraining::everyParameterisationTrainsAndBounds_data()
{
    QTest::addColumn<QString>("prediction");
    QTest::addColumn<QString>("variance");
    QTest::addColumn<QString>("loss");
    QTest::newRow("eps small simple") << "eps" << "small" << "simple";
    QTest::newRow("x0 large simple") << "x0" << "large" << "simple";
    QTest::newRow("v small vlb") << "v" << "small" << "vlb";
    QTest::newRow("eps learned-range hybrid") << "eps" << "learned-range" << "hybrid";
    QTest::newRow("eps learned vlb") << "eps" << "learned" << "vlb";
}

void TestTraining::everyParameterisationTrainsAndBounds()
{
    QFETCH(QString, prediction);
    QFETCH(QString, variance);
    QFETCH(QString, loss);
    ddpm::TrainConfig c = ddpm::test::tinyUnetConfig(20);
    c.prediction = prediction.toStdString();
    c.variance = variance.toStdString();
    c.loss = loss.toStdString();
    c.schedule = "cosine";
    c.batch = 4;
    c.seed = 1;
    ddpm::Trainer trainer(c, grayImages());
    for (int i = 0; i < 3; ++i) QVERIFY(std::isfinite(trainer.step().loss));
    // The trained model through a checkpoint file, as the CLI and GUI open it.
    QTemporaryDir dir;
    const std::string path = dir.filePath("m.ckpt").toStdString();
    ddpm::writeCheckpoint(path, trainer.checkpoint());
    std::unique_ptr<ddpm::DenoiseModel> model = ddpm::makeModel(path);
    QVERIFY(model->schedule() != nullptr);
    QCOMPARE(model->schedule()->steps(), 20);
    QCOMPARE(model->parameterization().variance, ddpm::parseVarianceKind(c.variance));
    const ddpm::Diffusion d(*model->schedule());
    ddpm::BoundOptions options;
    const ddpm::BoundResult r = ddpm::evaluateBound(d, *model, grayImages().items.narrow(0, 0, 2), options);
    QVERIFY(std::isfinite(r.totalBpd) && r.totalBpd > 0);
}

void TestTraining::bf16LossCurveFollowsFp32()
{
    // The same run (seed, data order, t and noise) with the forward pass in float32 and under
    // bf16 autocast: bfloat16 keeps 8 bits of mantissa, so each step's loss agrees to a few
    // per cent and the curve falls the same way.
    auto run = [](const std::string& precision) {
        ddpm::TrainConfig c = ddpm::test::tinyUnetConfig(100);
        c.batch = 8;
        c.lr = 2e-3;
        c.warmup = 0;
        c.seed = 5;
        c.precision = precision;
        ddpm::Trainer trainer(c, grayImages());
        std::vector<double> losses;
        for (int i = 0; i < 30; ++i) losses.push_back(trainer.step().loss);
        return losses;
    };
    const std::vector<double> fp32 = run("fp32");
    const std::vector<double> bf16 = run("bf16");
    QVERIFY(std::isfinite(bf16.front()) && std::isfinite(bf16.back()));
    // Step 1's output is exactly zero either way (the output conv starts at zero); from step 2 on
    // the precisions differ, a little.
    QCOMPARE(bf16[0], fp32[0]);
    QVERIFY2(bf16[1] != fp32[1], "bf16 autocast changed nothing: the forward pass ran in float32");
    QVERIFY2(std::abs(bf16[1] - fp32[1]) < 0.03 * fp32[1],
             qPrintable(QString("second loss fp32 %1 bf16 %2").arg(fp32[1]).arg(bf16[1])));
    double lastFp32 = 0, lastBf16 = 0;
    for (int i = 20; i < 30; ++i) {
        lastFp32 += fp32[i] / 10;
        lastBf16 += bf16[i] / 10;
    }
    QVERIFY2(std::abs(lastBf16 - lastFp32) < 0.15 * lastFp32,
             qPrintable(QString("last 10 steps fp32 %1 bf16 %2").arg(lastFp32).arg(lastBf16)));
    QVERIFY2(lastFp32 < 0.8 * fp32.front(), qPrintable(QString("fp32 loss %1 -> %2").arg(fp32.front()).arg(lastFp32)));
    QVERIFY_EXCEPTION_THROWN(
        [] {
            ddpm::TrainConfig c;
            c.precision = "fp16";
            c.validate();
        }(),
        ddpm::Error);
}

void TestTraining::checkpointOfAnotherArchitectureIsRefused()
{
    ddpm::Trainer trainer(toyConfig(), toyData(64));
    trainer.step();
    ddpm::CheckpointFile file = trainer.checkpoint();
    // Swap in the base preset's description: the weights no longer fit.
    std::string meta = file.metadataJson;
    const std::string base = ddpm::modelPreset(ddpm::ModelConfig::Kind::MLP, "base", 2, 0, 2).toJson();
    const auto at = meta.find("\"model\":");
    QVERIFY(at != std::string::npos);
    const auto end = meta.find('}', at);
    meta.replace(at, end - at + 1, "\"model\":" + base);
    file.metadataJson = meta;
    QTemporaryDir dir;
    const std::string path = dir.filePath("other.ckpt").toStdString();
    ddpm::writeCheckpoint(path, file);
    try {
        ddpm::makeModel(path);
        QFAIL("a checkpoint of another architecture loaded");
    } catch (const ddpm::Error& e) {
        QVERIFY2(QString(e.what()).contains("different architecture"), e.what());
    }
}

void TestTraining::samplerStepReportsPredictions()
{
    ddpm::Trainer trainer(toyConfig(), toyData(64));
    ddpm::SamplerOptions options;
    options.clipDenoised = false;
    ddpm::DdpmSampler sampler(trainer.diffusion(), trainer.emaModel(), options);
    ddpm::Rng rng(9);
    const at::Tensor x = rng.normal({8, 2});
    const ddpm::SamplerStep s = sampler.step(x, 50, rng);
    QCOMPARE(s.xPrev.sizes(), x.sizes());
    QCOMPARE(s.x0Pred.sizes(), x.sizes());
    // A fresh net outputs eps = 0, so x0 = x_t / sqrt(alpha_bar_t).
    QVERIFY(s.epsPred.abs().max().item<double>() == 0.0);
    const double ab = trainer.diffusion().schedule().alphaBar(50);
    QVERIFY(maxAbsDiff(s.x0Pred, x / std::sqrt(ab)) < 1e-4);
    // The last step adds no noise; a whole chain is deterministic given the seed.
    ddpm::Rng a(1), b(1);
    QVERIFY(at::equal(sampler.sample({5, 2}, a), sampler.sample({5, 2}, b)));
    QVERIFY_THROWS_EXCEPTION(ddpm::Error, sampler.step(x, 51, rng));
}

QTEST_GUILESS_MAIN(TestTraining)
#include "test_training.moc"
