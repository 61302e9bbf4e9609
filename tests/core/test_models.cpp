// Tests of the networks: the sinusoidal time embedding, the fused GroupNorm + SiLU, the UNet
// (shapes, zero-initialised output and hence the zero model's bound, dependence on t, parameter
// count, validation, its channels-last CPU path against float64), the 2-D MLP and the
// DenoiseModel adapter.
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <utility>
#include <vector>

#include <ATen/ATen.h>
#include <torch/utils.h>

#include "ddpm/bound.h"
#include "ddpm/diffusion.h"
#include "ddpm/error.h"
#include "ddpm/mlp.h"
#include "ddpm/model.h"
#include "ddpm/model_config.h"
#include "ddpm/network_model.h"
#include "ddpm/rng.h"
#include "ddpm/schedule.h"
#include "ddpm/time_embedding.h"
#include "ddpm/unet.h"
#include "fast_silu.h"
#include "group_norm_silu.h"

Q_DECLARE_METATYPE(ddpm::UNetConfig)
Q_DECLARE_METATYPE(ddpm::MLPConfig)

namespace {

/// A UNet with one ResBlock per level, single-head attention and no dropout: images of
/// `channels` x `size` x `size`, `base` channels at full resolution, these levels' channel
/// multipliers, attention at these resolutions, GroupNorm in `groups` groups.
ddpm::UNetConfig oneBlockConfig(int channels, int size, int base, std::vector<int> mults,
                                std::vector<int> attentionAt, int groups)
{
    ddpm::UNetConfig c;
    c.inChannels = channels;
    c.imageSize = size;
    c.baseChannels = base;
    c.channelMults = std::move(mults);
    c.numResBlocks = 1;
    c.attentionResolutions = std::move(attentionAt);
    c.groups = groups;
    c.dropout = 0.0;
    return c;
}

/// 28x28 gray, three levels (28, 14, 7), attention at 14.
ddpm::UNetConfig grayConfig() { return oneBlockConfig(1, 28, 16, {1, 2, 2}, {14}, 8); }

/// 32x32 RGB, two levels (32, 16), two-head attention at 16, dropout 0.1.
ddpm::UNetConfig rgbConfig()
{
    ddpm::UNetConfig c = oneBlockConfig(3, 32, 16, {1, 2}, {16}, 4);
    c.attentionHeads = 2;
    c.dropout = 0.1;
    return c;
}

/// 16x16 gray, tiny, for the bound.
ddpm::UNetConfig tinyConfig() { return oneBlockConfig(1, 16, 8, {1, 2}, {8}, 4); }

/// The first parameter named like "out_conv.weight" (top level), or an undefined tensor.
at::Tensor namedParameter(torch::nn::Module& module, const std::string& name)
{
    for (const auto& item : module.named_parameters())
        if (item.key() == name)
            return item.value();
    return {};
}

/// Overwrites a parameter with seeded N(0, scale^2) values.
void perturb(torch::nn::Module& module, const std::string& name, double scale, std::uint64_t seed)
{
    at::Tensor p = namedParameter(module, name);
    QVERIFY2(p.defined(), name.c_str());
    ddpm::Rng rng(seed);
    at::NoGradGuard noGrad;
    p.copy_(rng.normal(p.sizes()) * scale);
}

/// Overwrites every zero-initialised weight (ResBlock output convs, attention projections,
/// the output conv: improved DDPM's zero_module layers) with seeded N(0, scale^2) values, so
/// the net is no longer the identity-plus-zero it starts as; returns how many it changed.
int perturbZeroInitialised(torch::nn::Module& module, double scale, std::uint64_t seed)
{
    ddpm::Rng rng(seed);
    at::NoGradGuard noGrad;
    int changed = 0;
    for (const auto& item : module.named_parameters()) {
        at::Tensor p = item.value();
        if (item.key().find("bias") != std::string::npos || p.abs().max().item<double>() != 0.0)
            continue;
        p.copy_(rng.normal(p.sizes()) * scale);
        ++changed;
    }
    return changed;
}

} // namespace

class TestModels : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();

    void timeEmbeddingMatchesFormula();
    void timeEmbeddingDistinctForDistinctT();
    void timeEmbeddingRejectsBadInput();
    void timeEmbeddingEqualsTensorExpression();
    void concatEmbeddingEqualsCat();

    void fusedGroupNormMatchesFloat64_data();
    void fusedGroupNormMatchesFloat64();
    void fusedGroupNormIsThreadCountInvariant();
    void vectorisedSiLUMatchesFloat64();
    void kernelsPassNonFiniteValuesOn();
    void unetChannelsLastMatchesFloat64_data();
    void unetChannelsLastMatchesFloat64();

    void unetOutputShape_data();
    void unetOutputShape();
    void unetStartsAtZero();
    void freshUnetBoundEqualsZeroModel();
    void unetDependsOnTAfterPerturbingLastLayer();
    void unetParameterCountIsStable();
    void unetRejectsBadConfig_data();
    void unetRejectsBadConfig();
    void unetRejectsWrongInputShape();
    void unetGradientsReachFirstLayer();

    void mlpShapesAndTime();
    void mlpRejectsBadConfig();
    void inferenceMatchesTrainingForward();

    void networkModelPredictsInEvalModeAndRestoresMode();
};

void TestModels::initTestCase()
{
    at::set_num_threads(1);
}

void TestModels::timeEmbeddingMatchesFormula()
{
    const std::int64_t dim = 8, half = dim / 2;
    const at::Tensor t = at::tensor(std::vector<std::int64_t>{1, 7, 1000}, at::kLong);
    const at::Tensor emb = ddpm::timestepEmbedding(t, dim);
    QCOMPARE(emb.dim(), 2);
    QCOMPARE(emb.size(0), 3);
    QCOMPARE(emb.size(1), dim);
    QCOMPARE(emb.scalar_type(), at::kFloat);
    const auto a = emb.accessor<float, 2>();
    const double ts[] = {1, 7, 1000};
    for (int row = 0; row < 3; ++row)
        for (std::int64_t i = 0; i < half; ++i) {
            const double f = std::exp(-std::log(10000.0) * static_cast<double>(i) / static_cast<double>(half - 1));
            QVERIFY(std::abs(a[row][i] - std::sin(ts[row] * f)) < 1e-6);
            QVERIFY(std::abs(a[row][half + i] - std::cos(ts[row] * f)) < 1e-6);
        }
    // DDPM's divisor half - 1: the lowest frequency is exactly 1/10000.
    QVERIFY(std::abs(a[2][half - 1] - std::sin(0.1)) < 1e-7);
    QVERIFY(std::abs(a[2][dim - 1] - std::cos(0.1)) < 1e-7);
}

void TestModels::timeEmbeddingDistinctForDistinctT()
{
    const at::Tensor t = at::arange(1, 1001, at::kLong);
    const at::Tensor emb = ddpm::timestepEmbedding(t, 32);
    // Smallest distance between any two rows (neighbours in t are the closest here, but check all).
    const at::Tensor d = at::cdist(emb.to(at::kDouble), emb.to(at::kDouble));
    const at::Tensor offDiagonal = d + at::eye(1000, at::kDouble) * 1e9;
    QVERIFY(offDiagonal.min().item<double>() > 1e-3);
}

void TestModels::timeEmbeddingRejectsBadInput()
{
    const at::Tensor t = at::ones({2}, at::kLong);
    QVERIFY_EXCEPTION_THROWN(ddpm::timestepEmbedding(t, 7), ddpm::Error);
    QVERIFY_EXCEPTION_THROWN(ddpm::timestepEmbedding(t, 2), ddpm::Error);
    QVERIFY_EXCEPTION_THROWN(ddpm::timestepEmbedding(at::ones({2}, at::kFloat), 8), ddpm::Error);
    QVERIFY_EXCEPTION_THROWN(ddpm::timestepEmbedding(at::ones({2, 1}, at::kLong), 8), ddpm::Error);
}

void TestModels::timeEmbeddingEqualsTensorExpression()
{
    // On the CPU the phases are written in one pass; sin and cos stay ATen's, so the embedding
    // must be the tensor expression's to the bit (trained numbers in docs/GUIDE.md rely on it).
    for (const std::int64_t dim : {std::int64_t(8), std::int64_t(32), std::int64_t(64), std::int64_t(128)}) {
        const std::int64_t half = dim / 2;
        const at::Tensor t = at::arange(1, 4001, at::kLong);
        const at::Tensor freqs = at::exp(at::arange(half, at::kDouble) * (-std::log(10000.0) / static_cast<double>(half - 1)));
        const at::Tensor args = t.to(at::kDouble).unsqueeze(1) * freqs.unsqueeze(0);
        const at::Tensor want = at::cat({at::sin(args), at::cos(args)}, 1).to(at::kFloat);
        QVERIFY2(at::equal(ddpm::timestepEmbedding(t, dim), want), qPrintable(QString::number(dim)));
        // Any integer dtype and a strided t give the same rows.
        const at::Tensor every3 = t.to(at::kInt).slice(0, 0, 4000, 3);
        QVERIFY(at::equal(ddpm::timestepEmbedding(every3, dim), want.slice(0, 0, 4000, 3)));
    }
}

void TestModels::concatEmbeddingEqualsCat()
{
    ddpm::Rng rng(5);
    const at::Tensor x = rng.normal({7, 3});
    const at::Tensor t = at::tensor(std::vector<std::int64_t>{1, 2, 3, 500, 998, 999, 1000}, at::kLong);
    const at::Tensor perItem = ddpm::concatTimestepEmbedding(x, t, 16);
    QCOMPARE(perItem.sizes(), (at::IntArrayRef{7, 19}));
    QVERIFY(at::equal(perItem, at::cat({x, ddpm::timestepEmbedding(t, 16)}, 1)));
    // One t for the batch (stride 0, as the samplers pass it): the one row is broadcast.
    const at::Tensor uniform = at::full({1}, 250, at::kLong).expand({7});
    QVERIFY(ddpm::uniformTimesteps(uniform));
    const at::Tensor once = ddpm::timestepEmbedding(at::full({1}, 250, at::kLong), 16);
    QVERIFY(at::equal(ddpm::concatTimestepEmbedding(x, uniform, 16), at::cat({x, once.expand({7, 16})}, 1)));
    // A strided x and an x that needs its gradient (the at::cat path) give the same values.
    const at::Tensor wide = rng.normal({7, 6});
    const at::Tensor strided = wide.slice(1, 0, 6, 2);
    QVERIFY(at::equal(ddpm::concatTimestepEmbedding(strided, t, 16), at::cat({strided, ddpm::timestepEmbedding(t, 16)}, 1)));
    const at::Tensor leaf = x.clone().requires_grad_(true);
    const at::Tensor withGrad = ddpm::concatTimestepEmbedding(leaf, t, 16);
    QVERIFY(withGrad.requires_grad());
    QVERIFY(at::equal(withGrad.detach(), perItem));
    withGrad.sum().backward();
    QVERIFY(at::equal(leaf.grad(), at::ones_like(x)));
    // Shapes that do not fit are refused.
    QVERIFY_EXCEPTION_THROWN(ddpm::concatTimestepEmbedding(x, t.narrow(0, 0, 5), 16), ddpm::Error);
    QVERIFY_EXCEPTION_THROWN(ddpm::concatTimestepEmbedding(x.unsqueeze(0), t, 16), ddpm::Error);
    // float64 x takes at::cat's promotion, as the MLP's concatenation did before.
    const at::Tensor x64 = x.to(at::kDouble);
    QVERIFY(at::equal(ddpm::concatTimestepEmbedding(x64, t, 16), at::cat({x64, ddpm::timestepEmbedding(t, 16)}, 1)));
}

namespace {

/// max |a - b| over max |b|, in float64.
double relativeError(const at::Tensor& a, const at::Tensor& b)
{
    const at::Tensor b64 = b.to(at::kDouble);
    return (a.to(at::kDouble) - b64).abs().max().item<double>() / std::max(b64.abs().max().item<double>(), 1e-30);
}

} // namespace

// The fused kernel (channels-last float32) against torch's own GroupNorm and SiLU in float64,
// forward and all three gradients, for 1, 2 and 3 channels a group (the UNet's GroupNorm(32)
// over 32, 64 and 96 channels), data far from zero and single pixels.
void TestModels::fusedGroupNormMatchesFloat64_data()
{
    QTest::addColumn<std::vector<std::int64_t>>("shape");
    QTest::addColumn<int>("groups");
    QTest::addColumn<bool>("silu");
    QTest::addColumn<double>("offset");
    QTest::addColumn<double>("tolerance");
    QTest::addColumn<int>("shiftRows"); // 0: no shift; 1: one [1, C] for the batch; N: [N, C]
    QTest::newRow("1 channel a group") << std::vector<std::int64_t>{3, 32, 5, 7} << 32 << true << 0.0 << 1e-5 << 0;
    QTest::newRow("2 channels a group") << std::vector<std::int64_t>{2, 64, 4, 4} << 32 << true << 0.0 << 1e-5 << 0;
    QTest::newRow("3 a group, no SiLU") << std::vector<std::int64_t>{2, 96, 3, 5} << 32 << false << 0.0 << 1e-5 << 0;
    QTest::newRow("mean 1000 std 2") << std::vector<std::int64_t>{2, 12, 6, 6} << 4 << true << 1000.0 << 2e-4 << 0;
    QTest::newRow("one pixel") << std::vector<std::int64_t>{4, 8, 1, 1} << 2 << true << 0.0 << 1e-5 << 0;
    // + a shift per image and channel (a ResBlock's time embedding)
    QTest::newRow("shifted, 2 a group") << std::vector<std::int64_t>{3, 64, 5, 4} << 32 << true << 0.0 << 1e-5 << 3;
    QTest::newRow("shifted, 1 a group") << std::vector<std::int64_t>{2, 32, 6, 6} << 32 << true << 0.0 << 1e-5 << 2;
    QTest::newRow("shifted, no SiLU") << std::vector<std::int64_t>{2, 12, 3, 7} << 3 << false << 0.0 << 1e-5 << 2;
    QTest::newRow("shifted, mean 1000") << std::vector<std::int64_t>{2, 12, 6, 6} << 4 << true << 1000.0 << 2e-4 << 2;
    QTest::newRow("shifted, one pixel") << std::vector<std::int64_t>{4, 8, 1, 1} << 2 << true << 0.0 << 1e-5 << 4;
    // one shift for the whole batch (the UNet's embedding when every image has the same t)
    QTest::newRow("one shift, 2 a group") << std::vector<std::int64_t>{3, 64, 5, 4} << 32 << true << 0.0 << 1e-5 << 1;
    QTest::newRow("one shift, no SiLU") << std::vector<std::int64_t>{4, 12, 3, 7} << 3 << false << 0.0 << 1e-5 << 1;
}

void TestModels::fusedGroupNormMatchesFloat64()
{
    QFETCH(std::vector<std::int64_t>, shape);
    QFETCH(int, groups);
    QFETCH(bool, silu);
    QFETCH(double, offset);
    QFETCH(double, tolerance);
    QFETCH(int, shiftRows);
    const bool shifted = shiftRows > 0;
    const std::int64_t c = shape[1];
    ddpm::Rng rng(31);
    const at::Tensor x = rng.normal(shape) * 2 + offset;
    const at::Tensor gamma = rng.normal({c}) * 0.5 + 1;
    const at::Tensor beta = rng.normal({c});
    const at::Tensor upstream = rng.normal(shape);
    // Per image and channel, as large as the spread within a channel: it moves the group's mean
    // and, with more than one channel a group, its variance.
    const at::Tensor shift = shifted ? rng.normal({shiftRows, c}) * 2 : at::Tensor();

    at::Tensor xr = x.to(at::kDouble).requires_grad_(true);
    at::Tensor gr = gamma.to(at::kDouble).requires_grad_(true);
    at::Tensor br = beta.to(at::kDouble).requires_grad_(true);
    at::Tensor er = shifted ? shift.to(at::kDouble).requires_grad_(true) : at::Tensor();
    at::Tensor yr = at::group_norm(shifted ? xr + er.unsqueeze(-1).unsqueeze(-1) : xr, groups, gr, br, 1e-5);
    if (silu) yr = at::silu(yr);
    (yr * upstream.to(at::kDouble)).sum().backward();

    at::Tensor xf = x.contiguous(at::MemoryFormat::ChannelsLast).requires_grad_(true);
    at::Tensor gf = gamma.clone().requires_grad_(true);
    at::Tensor bf = beta.clone().requires_grad_(true);
    at::Tensor ef = shifted ? shift.clone().requires_grad_(true) : at::Tensor();
    QVERIFY(ddpm::groupNormSiLUIsFused(xf, ef));
    const at::Tensor yf = ddpm::groupNormSiLU(xf, groups, gf, bf, 1e-5, silu, ef);
    QVERIFY(yf.is_contiguous(at::MemoryFormat::ChannelsLast));
    (yf * upstream).sum().backward();

    std::vector<std::pair<const char*, double>> errors = {
        {"output", relativeError(yf, yr)},
        {"d input", relativeError(xf.grad(), xr.grad())},
        {"d gamma", relativeError(gf.grad(), gr.grad())},
        {"d beta", relativeError(bf.grad(), br.grad())},
    };
    if (shifted) {
        // With one channel a group the shift's gradient is zero in exact arithmetic (a constant
        // added to a whole group is normalised away): compare with the input gradient's scale.
        const double scale = std::max(er.grad().abs().max().item<double>(), xr.grad().abs().max().item<double>());
        errors.emplace_back("d shift", (ef.grad().to(at::kDouble) - er.grad()).abs().max().item<double>() / scale);
    }
    for (const auto& [what, err] : errors)
        QVERIFY2(err <= tolerance, qPrintable(QString("%1: %2").arg(what).arg(err)));

    // Without a gradient: the same values, no graph.
    at::NoGradGuard noGrad;
    const at::Tensor inference = ddpm::groupNormSiLU(xf, groups, gf, bf, 1e-5, silu, ef);
    QVERIFY(!inference.requires_grad());
    QVERIFY(at::equal(inference, yf.detach()));
}

// Each image is reduced on one thread and the batch summed in a fixed order, so the thread
// count cannot change a bit (training's exact resume depends on it at a fixed count; this is
// stronger).
void TestModels::fusedGroupNormIsThreadCountInvariant()
{
    ddpm::Rng rng(32);
    const at::Tensor x = rng.normal({9, 64, 6, 6}).contiguous(at::MemoryFormat::ChannelsLast);
    const at::Tensor gamma = rng.normal({64}), beta = rng.normal({64}), upstream = rng.normal({9, 64, 6, 6});
    const at::Tensor shift = rng.normal({9, 64});
    const int before = at::get_num_threads();
    std::vector<std::vector<at::Tensor>> runs;
    for (int threads : {1, 2}) {
        at::set_num_threads(threads);
        at::Tensor xi = x.clone().requires_grad_(true), gi = gamma.clone().requires_grad_(true),
                   bi = beta.clone().requires_grad_(true), ei = shift.clone().requires_grad_(true);
        const at::Tensor y = ddpm::groupNormSiLU(xi, 32, gi, bi, 1e-5, true, ei);
        (y * upstream).sum().backward();
        runs.push_back({y.detach(), xi.grad(), gi.grad(), bi.grad(), ei.grad()});
    }
    at::set_num_threads(before);
    for (size_t i = 0; i < runs[0].size(); ++i)
        QVERIFY2(at::equal(runs[0][i], runs[1][i]), qPrintable(QString("tensor %1").arg(i)));
}

// The MLP's differentiable SiLU against torch's in float64, forward and gradient, with values
// out at the kernel's clamps (exp of +-87) and across two threads' chunks; a tensor the kernel
// does not take (non-contiguous) goes to torch's.
void TestModels::vectorisedSiLUMatchesFloat64()
{
    ddpm::Rng rng(34);
    const at::Tensor x = at::cat({rng.normal({40000}) * 4, at::tensor({-200.f, -95.f, -87.5f, 0.f, 87.5f, 95.f, 200.f})});
    const at::Tensor upstream = rng.normal({x.size(0)});
    at::Tensor xr = x.to(at::kDouble).requires_grad_(true);
    (at::silu(xr) * upstream.to(at::kDouble)).sum().backward();
    const int before = at::get_num_threads();
    at::set_num_threads(2);
    at::Tensor xf = x.clone().requires_grad_(true);
    const at::Tensor yf = ddpm::silu(xf);
    (yf * upstream).sum().backward();
    at::set_num_threads(before);
    QVERIFY(yf.requires_grad());
    const double errY = relativeError(yf, at::silu(xr.detach()));
    const double errDx = relativeError(xf.grad(), xr.grad());
    QVERIFY2(errY <= 1e-6, qPrintable(QString::number(errY)));
    QVERIFY2(errDx <= 1e-6, qPrintable(QString::number(errDx)));
    // each value, not only the largest: relative to its own size where it is not tiny
    const at::Tensor reference = xr.grad();
    const at::Tensor within = (xf.grad().to(at::kDouble) - reference).abs() <= 1e-5 * reference.abs() + 1e-6;
    QVERIFY(within.all().item<bool>());

    const at::Tensor strided = x.narrow(0, 0, 40000).view({200, -1}).t(); // not contiguous: torch's SiLU
    QVERIFY(at::allclose(ddpm::silu(strided), at::silu(strided)));
}

// A diverging run feeds NaN and infinities to the kernels: they must come out non-finite where
// they went in (so the trainer's check sees them), the finite values stay as they were, and
// nothing undefined happens on the way (the sanitizer pass runs this: a NaN once reached the
// exponent's integer step). Forward and backward, SiLU and the fused GroupNorm.
void TestModels::kernelsPassNonFiniteValuesOn()
{
    const float nan = std::numeric_limits<float>::quiet_NaN();
    const float inf = std::numeric_limits<float>::infinity();
    ddpm::Rng rng(35);
    at::Tensor x = rng.normal({64});
    x[3] = nan;
    x[17] = inf;
    x[40] = -inf;
    at::Tensor xf = x.clone().requires_grad_(true);
    const at::Tensor y = ddpm::silu(xf);
    y.sum().backward();
    const at::Tensor bad = at::isfinite(x).logical_not();
    QVERIFY(at::equal(at::isfinite(y).logical_not(), bad));
    QVERIFY(at::isnan(y[3]).item<bool>());
    QVERIFY(at::isnan(xf.grad()[3]).item<bool>());
    const at::Tensor good = at::isfinite(x);
    QVERIFY(at::allclose(y.masked_select(good), at::silu(x).masked_select(good)));

    // one NaN in image 1: its groups go NaN, image 0 is untouched
    at::Tensor images = rng.normal({2, 32, 4, 4});
    images[1][5][2][2] = nan;
    at::Tensor xi = images.contiguous(at::MemoryFormat::ChannelsLast).requires_grad_(true);
    const at::Tensor gamma = at::ones({32}), beta = at::zeros({32});
    QVERIFY(ddpm::groupNormSiLUIsFused(xi));
    const at::Tensor z = ddpm::groupNormSiLU(xi, 32, gamma, beta, 1e-5, true);
    z.sum().backward();
    QVERIFY(at::isfinite(z[0]).all().item<bool>());
    QVERIFY(at::isnan(z[1][5]).all().item<bool>());
    QVERIFY(at::isfinite(xi.grad()[0]).all().item<bool>());
    QVERIFY(at::isnan(xi.grad()[1][5]).any().item<bool>());
    QVERIFY(at::allclose(z[0], at::silu(at::group_norm(images.narrow(0, 0, 1), 32, gamma, beta, 1e-5))[0], 1e-4, 1e-5));
}

// On the CPU the UNet computes channels-last with the fused GroupNorm; the same net in float64
// takes torch's own NCHW operations. Output and every parameter's gradient must agree.
void TestModels::unetChannelsLastMatchesFloat64_data()
{
    QTest::addColumn<int>("heads");
    QTest::addColumn<bool>("oneT"); // one t for the batch: the embedding is [1, E], broadcast
    QTest::newRow("one head") << 1 << false;
    QTest::newRow("two heads") << 2 << false;
    QTest::newRow("one t for the batch") << 1 << true;
}

void TestModels::unetChannelsLastMatchesFloat64()
{
    QFETCH(int, heads);
    QFETCH(bool, oneT);
    // GroupNorm(32) over 32 and 64 channels as in "tiny", attention at 8 x 8, a skip 1x1 conv.
    ddpm::UNetConfig u = oneBlockConfig(1, 16, 32, {1, 2}, {8}, 32);
    u.attentionHeads = heads;
    torch::manual_seed(5);
    ddpm::UNet net(u);
    QVERIFY(perturbZeroInitialised(*net, 0.2, 6) > 0);
    ddpm::Rng rng(33);
    const at::Tensor x = rng.normal({4, 1, 16, 16});
    const at::Tensor t = oneT ? at::full({4}, 500, at::kLong) : at::tensor(std::vector<std::int64_t>{1, 50, 500, 999});
    const at::Tensor upstream = rng.normal({4, 1, 16, 16});

    const auto run = [&](at::ScalarType type) {
        net->to(type);
        for (at::Tensor& p : net->parameters())
            p.mutable_grad() = at::Tensor();
        const at::Tensor out = net->forward(x.to(type), t);
        (out * upstream.to(type)).sum().backward();
        std::vector<at::Tensor> results{out.detach()};
        for (const at::Tensor& p : net->parameters())
            results.push_back(p.grad().defined() ? p.grad().clone() : at::zeros_like(p));
        return results;
    };
    const int before = at::get_num_threads();
    at::set_num_threads(2); // the fused kernel split over the images too
    const std::vector<at::Tensor> fast = run(at::kFloat);
    QVERIFY(fast[0].is_contiguous());
    const std::vector<at::Tensor> reference = run(at::kDouble);
    at::set_num_threads(before);
    net->to(at::kFloat);
    QVERIFY2(relativeError(fast[0], reference[0]) <= 1e-5, qPrintable(QString::number(relativeError(fast[0], reference[0]))));
    // Within 1e-4 of each gradient's size, plus a millionth of the largest for rounding where a
    // gradient is zero in exact arithmetic (a bias just before a GroupNorm of one channel a group).
    double largest = 0;
    for (size_t i = 1; i < reference.size(); ++i)
        largest = std::max(largest, reference[i].abs().max().item<double>());
    const std::vector<std::string> names = net->named_parameters().keys();
    for (size_t i = 1; i < fast.size(); ++i) {
        const double allowed = 1e-4 * reference[i].abs().max().item<double>() + 1e-6 * largest;
        const double err = (fast[i].to(at::kDouble) - reference[i]).abs().max().item<double>() / allowed;
        QVERIFY2(err <= 1, qPrintable(QString("%1: %2 of the allowed error").arg(names[i - 1].c_str()).arg(err)));
    }
}

void TestModels::unetOutputShape_data()
{
    QTest::addColumn<ddpm::UNetConfig>("config");
    QTest::addColumn<int>("batch");
    QTest::newRow("28x28 gray, attention at 14") << grayConfig() << 3;
    QTest::newRow("32x32 RGB, 2 heads at 16") << rgbConfig() << 2;
    QTest::newRow("16x16 gray, one image") << tinyConfig() << 1;
}

void TestModels::unetOutputShape()
{
    QFETCH(ddpm::UNetConfig, config);
    QFETCH(int, batch);
    torch::manual_seed(0);
    ddpm::UNet net(config);
    ddpm::Rng rng(1);
    const at::Tensor x = rng.normal({batch, config.inChannels, config.imageSize, config.imageSize});
    const at::Tensor t = rng.integers(1, 1000, {batch});
    at::NoGradGuard noGrad;
    const at::Tensor eps = net->forward(x, t);
    QCOMPARE(eps.sizes().vec(), x.sizes().vec());
    QCOMPARE(eps.scalar_type(), at::kFloat);
}

void TestModels::unetStartsAtZero()
{
    torch::manual_seed(0);
    ddpm::UNet net(grayConfig());
    ddpm::Rng rng(2);
    const at::Tensor x = rng.normal({4, 1, 28, 28});
    const at::Tensor t = at::tensor(std::vector<std::int64_t>{1, 10, 500, 1000}, at::kLong);
    at::NoGradGuard noGrad;
    QCOMPARE(net->forward(x, t).abs().max().item<float>(), 0.0f);
}

void TestModels::freshUnetBoundEqualsZeroModel()
{
    torch::manual_seed(0);
    ddpm::UNet net(tinyConfig());
    auto model = ddpm::makeNetworkModel(net, "tiny UNet (untrained)");
    ddpm::ZeroNoiseModel zero;
    const ddpm::Diffusion diffusion(ddpm::NoiseSchedule::fromName("linear", 50));
    ddpm::Rng rng(3);
    const at::Tensor x0 = rng.integers(0, 255, {1, 1, 16, 16}).to(at::kFloat) / 127.5 - 1.0;
    ddpm::BoundOptions options;
    options.seed = 11;
    const ddpm::BoundResult fromNet = ddpm::evaluateBound(diffusion, *model, x0, options);
    const ddpm::BoundResult fromZero = ddpm::evaluateBound(diffusion, zero, x0, options);
    QCOMPARE(fromNet.termsBpd.size(), size_t(50));
    QVERIFY(fromNet.modelCalls > 0);
    QCOMPARE(fromNet.totalBpd, fromZero.totalBpd);
    QCOMPARE(fromNet.priorBpd, fromZero.priorBpd);
    QCOMPARE(fromNet.decoderBpd, fromZero.decoderBpd);
    for (size_t i = 0; i < fromNet.termsBpd.size(); ++i)
        QCOMPARE(fromNet.termsBpd[i], fromZero.termsBpd[i]);
    QVERIFY(std::isfinite(fromNet.totalBpd) && fromNet.totalBpd > 0);
}

void TestModels::unetDependsOnTAfterPerturbingLastLayer()
{
    torch::manual_seed(0);
    ddpm::UNet net(grayConfig());
    QVERIFY(perturbZeroInitialised(*net, 0.05, 4) > 1);
    ddpm::Rng rng(5);
    const at::Tensor x = rng.normal({1, 1, 28, 28}).repeat({3, 1, 1, 1});
    const at::Tensor t = at::tensor(std::vector<std::int64_t>{1, 2, 900}, at::kLong);
    at::NoGradGuard noGrad;
    const at::Tensor eps = net->forward(x, t);
    QVERIFY(eps.abs().max().item<float>() > 1e-3f);
    // Same image, different t: different predictions (even for neighbouring t).
    QVERIFY((eps[0] - eps[1]).abs().max().item<float>() > 1e-5f);
    QVERIFY((eps[0] - eps[2]).abs().max().item<float>() > 1e-3f);
    // Same image and t: the same prediction for every batch row (no mixing across the batch).
    const at::Tensor again = net->forward(x, at::full({3}, 900, at::kLong));
    // Rows may differ in the last bits (oneDNN blocks the batch, the last row in a block of
    // its own), so compared to the output's scale; mixing would differ at that scale.
    const double scale = again.abs().max().item<double>();
    QVERIFY((again[0] - again[2]).abs().max().item<double>() <= 1e-5 * scale);
    QVERIFY((again[2] - eps[2]).abs().max().item<double>() <= 1e-5 * scale);
}

void TestModels::unetParameterCountIsStable()
{
    // Golden numbers counted once for these configs (they change only if the architecture does).
    QCOMPARE(ddpm::parameterCount(*ddpm::UNet(grayConfig())), std::int64_t(280177));
    QCOMPARE(ddpm::parameterCount(*ddpm::UNet(rgbConfig())), std::int64_t(177427));
    QCOMPARE(ddpm::parameterCount(*ddpm::UNet(tinyConfig())), std::int64_t(44969));
    // Dropout and heads add no parameters.
    ddpm::UNetConfig c = rgbConfig();
    c.dropout = 0.0;
    c.attentionHeads = 1;
    QCOMPARE(ddpm::parameterCount(*ddpm::UNet(c)), std::int64_t(177427));
}

void TestModels::unetRejectsBadConfig_data()
{
    QTest::addColumn<ddpm::UNetConfig>("config");
    QTest::addColumn<QString>("mentions");
    auto with = [](auto edit) {
        ddpm::UNetConfig c = grayConfig();
        edit(c);
        return c;
    };
    QTest::newRow("groups not dividing channels") << with([](auto& c) { c.groups = 3; }) << "groups 3";
    QTest::newRow("zero base channels") << with([](auto& c) { c.baseChannels = 0; }) << "baseChannels 0";
    QTest::newRow("odd base channels") << with([](auto& c) { c.baseChannels = 15; c.groups = 5; }) << "baseChannels 15";
    QTest::newRow("zero in channels") << with([](auto& c) { c.inChannels = 0; }) << "inChannels 0";
    QTest::newRow("size not divisible by 2^(levels-1)") << with([](auto& c) { c.imageSize = 30; c.attentionResolutions = {}; }) << "imageSize 30";
    QTest::newRow("no levels") << with([](auto& c) { c.channelMults = {}; }) << "channelMults";
    QTest::newRow("zero multiplier") << with([](auto& c) { c.channelMults = {1, 0}; }) << "multiplier 0";
    QTest::newRow("zero res blocks") << with([](auto& c) { c.numResBlocks = 0; }) << "numResBlocks 0";
    QTest::newRow("attention at a size the net lacks") << with([](auto& c) { c.attentionResolutions = {16}; }) << "attention resolution 16";
    QTest::newRow("heads not dividing channels") << with([](auto& c) { c.attentionHeads = 3; }) << "attentionHeads 3";
    QTest::newRow("dropout 1") << with([](auto& c) { c.dropout = 1.0; }) << "dropout";
    QTest::newRow("negative dropout") << with([](auto& c) { c.dropout = -0.1; }) << "dropout";
}

void TestModels::unetRejectsBadConfig()
{
    QFETCH(ddpm::UNetConfig, config);
    QFETCH(QString, mentions);
    QVERIFY_EXCEPTION_THROWN(config.validate(), ddpm::Error);
    try {
        ddpm::UNet net(config);
        QFAIL("the UNet constructor accepted a bad config");
    } catch (const ddpm::Error& e) {
        QVERIFY2(QString::fromStdString(e.what()).contains(mentions), e.what());
    }
}

void TestModels::unetRejectsWrongInputShape()
{
    ddpm::UNet net(tinyConfig());
    at::NoGradGuard noGrad;
    const at::Tensor t = at::ones({2}, at::kLong);
    QVERIFY_EXCEPTION_THROWN(net->forward(at::zeros({2, 3, 16, 16}), t), ddpm::Error);
    QVERIFY_EXCEPTION_THROWN(net->forward(at::zeros({2, 1, 32, 32}), t), ddpm::Error);
    QVERIFY_EXCEPTION_THROWN(net->forward(at::zeros({2, 16, 16}), t), ddpm::Error);
    QVERIFY_EXCEPTION_THROWN(net->forward(at::zeros({2, 1, 16, 16}), at::ones({3}, at::kLong)), ddpm::Error);
}

void TestModels::unetGradientsReachFirstLayer()
{
    // With the zero-initialised layers zero, only they get a gradient at first; after
    // perturbing them the loss must reach the input convolution (the U is wired end to end).
    torch::manual_seed(0);
    ddpm::UNet net(tinyConfig());
    QVERIFY(perturbZeroInitialised(*net, 0.05, 6) > 1);
    ddpm::Rng rng(7);
    const at::Tensor x = rng.normal({2, 1, 16, 16});
    const at::Tensor loss = net->forward(x, at::tensor(std::vector<std::int64_t>{3, 40}, at::kLong)).pow(2).mean();
    loss.backward();
    const at::Tensor g = namedParameter(*net, "in_conv.weight").grad();
    QVERIFY(g.defined());
    QVERIFY(g.abs().sum().item<double>() > 0);
    const at::Tensor gt = namedParameter(*net, "time_in.weight").grad();
    QVERIFY(gt.defined());
    QVERIFY(gt.abs().sum().item<double>() > 0);
}

void TestModels::mlpShapesAndTime()
{
    torch::manual_seed(0);
    ddpm::MLPConfig c;
    c.hidden = 32;
    c.depth = 2;
    c.timeEmbeddingDim = 16;
    ddpm::MLP net(c);
    // (2 -> 32) + (32 -> 32) layers, time MLP (16 -> 32 -> 32), output 32 -> 2.
    QCOMPARE(ddpm::parameterCount(*net), std::int64_t((2 * 32 + 32) + (32 * 32 + 32) + (16 * 32 + 32)
                                                      + (32 * 32 + 32) + (32 * 2 + 2)));
    ddpm::Rng rng(8);
    const at::Tensor x = rng.normal({5, 2}).repeat({2, 1});
    const at::Tensor t = at::cat({at::full({5}, 3, at::kLong), at::full({5}, 300, at::kLong)});
    at::NoGradGuard noGrad;
    at::Tensor eps = net->forward(x, t);
    QCOMPARE(eps.sizes().vec(), (std::vector<std::int64_t>{10, 2}));
    QCOMPARE(eps.abs().max().item<float>(), 0.0f); // zero output layer at init
    perturb(*net, "out.weight", 0.1, 9);
    eps = net->forward(x, t);
    QVERIFY((eps.slice(0, 0, 5) - eps.slice(0, 5, 10)).abs().max().item<float>() > 1e-4f);
    QVERIFY_EXCEPTION_THROWN(net->forward(at::zeros({5, 3}), at::ones({5}, at::kLong)), ddpm::Error);
    QVERIFY_EXCEPTION_THROWN(net->forward(at::zeros({5, 2}), at::ones({4}, at::kLong)), ddpm::Error);
}

// Without a gradient the nets take faster paths (a vectorised SiLU in place, the time MLP on
// one row when one t is expanded over the batch, as the samplers pass it); the result must
// agree with the training forward to float rounding, for both MLP presets and the UNet.
void TestModels::inferenceMatchesTrainingForward()
{
    const auto check = [](const char* what, torch::nn::Module& module,
                          const std::function<at::Tensor(const at::Tensor&, const at::Tensor&)>& forward,
                          const at::Tensor& x) {
        QVERIFY(perturbZeroInitialised(module, 0.2, 4) > 0);
        const std::int64_t b = x.size(0);
        const at::Tensor expanded = at::full({1}, 417, at::kLong).expand({b});
        QVERIFY(ddpm::uniformTimesteps(expanded));
        QVERIFY(!ddpm::uniformTimesteps(expanded.contiguous()));
        const at::Tensor reference = forward(x, expanded.contiguous()).detach(); // grad mode on: the differentiable SiLU
        QVERIFY(reference.abs().max().item<double>() > 1e-3);
        at::Tensor fast;
        {
            at::InferenceMode inference;
            fast = forward(x, expanded);
        }
        const double err = (fast - reference).abs().max().item<double>();
        const double scale = reference.abs().max().item<double>();
        QVERIFY2(err <= 1e-5 * scale, qPrintable(QString("%1: %2 of %3").arg(what).arg(err).arg(scale)));
    };
    ddpm::Rng rng(21);
    // Values far out on both sides reach the kernel's clamps (exp of +-87).
    const at::Tensor points = at::cat({rng.normal({300, 2}) * 3, at::tensor({-200.f, 150.f, 90.f, -95.f}).view({2, 2})});
    for (const char* preset : {"tiny", "base"}) {
        torch::manual_seed(1);
        ddpm::MLP net(ddpm::modelPreset(ddpm::ModelConfig::Kind::MLP, preset, 2, 0, 2).mlp);
        check(preset, *net, [&](const at::Tensor& x, const at::Tensor& t) { return net->forward(x, t); }, points);
    }
    ddpm::UNetConfig u;
    u.imageSize = 8;
    u.baseChannels = 32;
    u.channelMults = {1, 2};
    u.numResBlocks = 1;
    u.attentionResolutions = {4};
    torch::manual_seed(2);
    ddpm::UNet unet(u);
    unet->eval();
    check("unet", *unet, [&](const at::Tensor& x, const at::Tensor& t) { return unet->forward(x, t); },
          rng.normal({3, 1, 8, 8}));
}

void TestModels::mlpRejectsBadConfig()
{
    ddpm::MLPConfig c;
    c.dims = 0;
    QVERIFY_EXCEPTION_THROWN(ddpm::MLP{c}, ddpm::Error);
    c = {};
    c.depth = 0;
    QVERIFY_EXCEPTION_THROWN(ddpm::MLP{c}, ddpm::Error);
    c = {};
    c.hidden = 0;
    QVERIFY_EXCEPTION_THROWN(c.validate(), ddpm::Error);
    c = {};
    c.timeEmbeddingDim = 9;
    QVERIFY_EXCEPTION_THROWN(c.validate(), ddpm::Error);
}

void TestModels::networkModelPredictsInEvalModeAndRestoresMode()
{
    torch::manual_seed(0);
    ddpm::UNetConfig c = tinyConfig();
    c.dropout = 0.5;
    ddpm::UNet net(c);
    QVERIFY(perturbZeroInitialised(*net, 0.05, 10) > 1);
    net->train();
    auto model = ddpm::makeNetworkModel(net, "tiny UNet");
    QCOMPARE(QString::fromStdString(model->name()), QString("tiny UNet"));
    ddpm::Rng rng(11);
    const at::Tensor x = rng.normal({2, 1, 16, 16}, at::kDouble);
    const at::Tensor t = at::tensor(std::vector<std::int64_t>{5, 25}, at::kLong);
    const at::Tensor a = model->predict(x, t);
    const at::Tensor b = model->predict(x, t);
    QCOMPARE(a.scalar_type(), at::kDouble);       // handed back in x_t's dtype
    QCOMPARE(a.sizes().vec(), x.sizes().vec());
    QVERIFY(!a.requires_grad());                   // no autograd graph
    QVERIFY(at::equal(a, b));                      // dropout off in predict
    QVERIFY(net->is_training());                   // and the trainer's mode is back
    // In training mode the same forward pass is noisy (dropout on), so eval mode mattered.
    at::NoGradGuard noGrad;
    QVERIFY(!at::equal(net->forward(x.to(at::kFloat), t), net->forward(x.to(at::kFloat), t)));
}

QTEST_GUILESS_MAIN(TestModels)
#include "test_models.moc"
