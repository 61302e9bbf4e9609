// A recorded reverse chain: for every chain step (or every k-th), x_t with the predicted x_0
// and the predicted noise, kept compactly so a scrubber can show any step at once and an
// animation can be written.
//
// Images are kept as 8-bit frames (x_t and x_0 mapped from [-1, 1], the noise from [-3, 3]);
// 2-D points as float32. Memory is bounded: T = 1000 steps of 16 images of 28 x 28 take
// 3 x 16 x 784 bytes a step, 37.6 MB in all. When every step does not fit in the budget the
// recorder keeps every k-th step (k as small as fits) plus, every keyEvery steps, a key frame
// (the float x_t and the generator's state), and recomputes a step between stored ones from
// the nearest key frame with the sampler (the same seed gives the same chain).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include <ATen/core/Tensor.h>

#include "ddpm/progress.h"

namespace ddpm {

class Rng;
class Sampler;

/// One step of the chain as kept. For images the tensors are uint8 [N, C, H, W]; for points
/// float32 [N, D]. step is the chain's k (K..1, and 0 for the final sample, whose x0 and eps
/// are undefined); t the original timestep of step k (0 for the final sample).
struct TrajectoryFrame {
    int step = 0;
    int t = 0;
    at::Tensor xt;
    at::Tensor x0;
    at::Tensor eps;
};

/// One chain step's statistics, from the float tensors (the frames are 8-bit and clamped, so
/// a std taken from them would be wrong at large t). step and t as in TrajectoryFrame.
struct StepStatistics {
    int step = 0;
    int t = 0;
    double xtStd = 0;                 ///< std over every value of the batch's x_t
    /// RMS of x0_pred(k) - x0_pred(k + 1) over the batch; NaN at the first step and the final sample.
    double x0Change = 0;
    std::vector<float> itemXtStd;     ///< per item: the std of its values
    std::vector<float> itemX0Change;  ///< per item: the RMS of its change (NaN where undefined)
};

class Trajectory {
public:
    /// Bytes one frame of n items of this shape takes (images: 3 uint8 tensors; points: 3 float32).
    static std::size_t frameBytes(std::int64_t n, const std::vector<std::int64_t>& itemShape);

    /// A chain of chainSteps steps over n items; timesteps[k - 1] is step k's original t.
    /// budgetBytes bounds the stored frames (default 256 MiB).
    Trajectory(std::int64_t n, std::vector<std::int64_t> itemShape, std::vector<int> timesteps,
               std::size_t budgetBytes = std::size_t(256) << 20);

    /// Runs the whole chain from x_T drawn from rng and records it (cancellable: throws
    /// Cancelled when stop is set; progress(done, K)). onFrame, when set, is called with each
    /// stored frame as soon as it exists (for a view that fills while the chain runs); onStep
    /// with the statistics of every step, stored or not, and of the final sample.
    void run(Sampler& sampler, Rng& rng, const ProgressFn& progress = {}, const std::atomic<bool>* stop = nullptr,
             const std::function<void(const TrajectoryFrame&)>& onFrame = {},
             const std::function<void(const StepStatistics&)>& onStep = {});

    bool images() const { return m_itemShape.size() == 3; }
    int chainSteps() const { return static_cast<int>(m_timesteps.size()); }
    /// Every stored k-th step (1 when every step is kept).
    int stride() const { return m_stride; }
    /// Frames stored, from step K down to the final sample (step 0).
    const std::vector<TrajectoryFrame>& frames() const { return m_frames; }
    /// The frame of step k (0..K): a stored one, or one recomputed from the nearest key frame
    /// with sampler (which must be the one run() used). Throws ddpm::Error for k outside 0..K.
    TrajectoryFrame frameAt(int k, Sampler& sampler);
    /// True when step k (0..K) is among the stored frames (always, with stride 1).
    bool stores(int k) const;
    /// Frees the stored frames (a caller that copied them, such as the GUI, keeps only what
    /// recomputation needs: the key frames and the final samples). frameAt then recomputes
    /// every step but the final sample.
    void releaseStoredFrames();
    /// The final samples x_0 as float32 [n, ...].
    const at::Tensor& samples() const { return m_samples; }
    /// Bytes held by frames and key frames.
    std::size_t bytes() const;

private:
    struct KeyFrame {
        int step = 0;       // x_t before step `step` runs
        at::Tensor xt;      // float32
        at::Tensor rngState;
    };
    TrajectoryFrame makeFrame(int k, const at::Tensor& xt, const at::Tensor& x0, const at::Tensor& eps) const;

    std::int64_t m_n;
    std::vector<std::int64_t> m_itemShape;
    std::vector<int> m_timesteps;
    int m_stride = 1;
    int m_keyEvery = 0;
    std::vector<TrajectoryFrame> m_frames;
    bool m_released = false; // releaseStoredFrames() was called
    std::vector<KeyFrame> m_keys;
    at::Tensor m_samples;
};

} // namespace ddpm
