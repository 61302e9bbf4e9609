// The closed-form minimum-MSE denoiser (see oracle_model.h).
#include "ddpm/oracle_model.h"

#include <ATen/ATen.h>

#include "ddpm/dataset.h"
#include "ddpm/error.h"
#include "toy_data.h"

namespace ddpm {

namespace {

/// Rows of x_t per block, so the [rows, K] weights stay small for large data sets.
constexpr std::int64_t kRowsPerBlock = 64;

} // namespace

OracleModel::OracleModel(at::Tensor means, double std, NoiseSchedule schedule, std::string name)
    : m_std(std), m_schedule(std::move(schedule)), m_name(std::move(name))
{
    if (!means.defined() || means.dim() < 2 || means.size(0) == 0)
        throw Error("the oracle needs at least one data item");
    if (!(std >= 0))
        throw Error("the oracle's component standard deviation must be >= 0");
    m_itemShape.assign(means.sizes().begin() + 1, means.sizes().end());
    m_means = means.to(at::kCPU, at::kDouble).reshape({means.size(0), -1}).contiguous();
    m_meanNorms = m_means.square().sum(1);
}

std::vector<std::int64_t> OracleModel::itemShape() const
{
    return m_itemShape;
}

at::Tensor OracleModel::predict(const at::Tensor& xt, const at::Tensor& t)
{
    const std::int64_t b = xt.size(0);
    if (xt.numel() != b * m_means.size(1))
        throw Error("the oracle's data items have " + std::to_string(m_means.size(1)) + " values; x_t has "
                    + std::to_string(b == 0 ? 0 : xt.numel() / b));
    at::NoGradGuard noGrad;
    const at::Tensor tc = t.to(at::kCPU, at::kLong);
    const auto [lo, hi] = at::aminmax(tc);
    if (lo.item<std::int64_t>() < 1 || hi.item<std::int64_t>() > m_schedule.steps())
        throw Error("oracle timestep outside 1.." + std::to_string(m_schedule.steps()));
    const at::Tensor alphaBar = at::tensor(m_schedule.table(Quantity::AlphaBar), at::kDouble).index_select(0, tc - 1);
    const at::Tensor x = xt.to(at::kCPU, at::kDouble).reshape({b, -1});
    const at::Tensor c = alphaBar.sqrt().unsqueeze(1);             // [B, 1]
    const at::Tensor oneMinus = (1.0 - alphaBar).unsqueeze(1);     // [B, 1]
    const at::Tensor v = c.square() * (m_std * m_std) + oneMinus;  // [B, 1]
    at::Tensor x0 = at::empty_like(x);
    for (std::int64_t start = 0; start < b; start += kRowsPerBlock) {
        const std::int64_t n = std::min(kRowsPerBlock, b - start);
        const at::Tensor xb = x.narrow(0, start, n);
        const at::Tensor cb = c.narrow(0, start, n);
        const at::Tensor vb = v.narrow(0, start, n);
        // -|x - c m|^2 / 2v without the |x|^2 every component shares.
        const at::Tensor logits = (2.0 * cb * at::matmul(xb, m_means.t()) - cb.square() * m_meanNorms.unsqueeze(0)) / (2.0 * vb);
        const at::Tensor w = at::softmax(logits, 1);                 // [n, K]
        const at::Tensor mean = at::matmul(w, m_means);              // sum_k w_k m_k
        // sum_k w_k (m_k + g (x - c m_k)) = mean + g (x - c mean), g = c s^2 / v.
        const at::Tensor g = cb * (m_std * m_std) / vb;
        x0.narrow(0, start, n).copy_(mean + g * (xb - cb * mean));
    }
    const at::Tensor eps = (x - c * x0) / oneMinus.sqrt();
    return eps.reshape(xt.sizes()).to(xt.options());
}

std::unique_ptr<OracleModel> makeOracleModel(const std::string& dataSpec, const NoiseSchedule& schedule)
{
    const DataSpec spec = DataSpec::parse(dataSpec);
    if (spec.kind == DataSpec::Kind::Toy && spec.toy == "gaussians8") {
        const ToyMixture m = gaussians8Mixture();
        return std::make_unique<OracleModel>(m.means, m.std, schedule,
                                             "oracle of toy:gaussians8 (the exact mixture: what a perfect model predicts)");
    }
    DataLoadOptions options;
    options.toyPoints = 2000;
    const at::Tensor items = loadData(spec, options);
    const std::string what = spec.isImages() ? " (reproduces its " + std::to_string(items.size(0)) + " images: memorisation)"
                                             : " (" + std::to_string(items.size(0)) + " points as point masses)";
    return std::make_unique<OracleModel>(items, 0.0, schedule, "oracle of " + dataSpec + what);
}

} // namespace ddpm
